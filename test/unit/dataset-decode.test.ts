import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../main/dataset/decode';
import { dimensionProblem } from '../../main/dataset/limits';
import { thumbPath } from '../../main/dataset/thumbs';
import { pixels } from '../helpers/messy-folder';

const raw = (w: number, h: number, seed: number, channels: 3 | 4 = 3) =>
  sharp(pixels(w, h, channels, seed), { raw: { width: w, height: h, channels } });

async function thumbInfo(buf: Buffer) {
  const { data, info } = await sharp(buf).raw().toBuffer({ resolveWithObject: true });
  const m = await sharp(buf).metadata();
  return { format: m.format, width: info.width, height: info.height, channels: info.channels, depth: m.depth, space: m.space, data };
}

describe('decodeImage', () => {
  it('brings every format and colour layout to RGB8 JPEG thumbnails with oriented sizes', async () => {
    const cases: [string, Buffer, number, number][] = [
      ['jpeg orientation 6', await raw(40, 20, 1).jpeg().withMetadata({ orientation: 6 }).toBuffer(), 20, 40],
      ['png 16-bit', await raw(30, 20, 2).toColourspace('rgb16').png().toBuffer(), 30, 20],
      ['png grey', await raw(24, 24, 3).toColourspace('b-w').png().toBuffer(), 24, 24],
      ['jpeg cmyk', await raw(36, 28, 4).toColourspace('cmyk').jpeg().toBuffer(), 36, 28],
      ['webp', await raw(50, 40, 5).webp().toBuffer(), 50, 40],
      ['avif', await raw(48, 32, 6).avif({ effort: 0 }).toBuffer(), 48, 32],
      ['tiff', await raw(33, 22, 7).tiff().toBuffer(), 33, 22],
      ['gif', await raw(16, 12, 8).gif().toBuffer(), 16, 12],
    ];
    // Make sure the inputs really are what they claim to be.
    expect((await sharp(cases[1][1]).metadata()).depth).toBe('ushort');
    expect((await sharp(cases[2][1]).metadata()).channels).toBe(1);
    expect((await sharp(cases[3][1]).metadata()).space).toBe('cmyk');
    for (const [name, buf, w, h] of cases) {
      const img = await decodeImage(buf);
      expect([img.width, img.height], name).toEqual([w, h]);
      for (const t of [img.large, img.small]) {
        const info = await thumbInfo(t);
        expect([info.format, info.width, info.height, info.channels, info.depth, info.space], name).toEqual(['jpeg', w, h, 3, 'uchar', 'srgb']);
      }
    }
  });

  it('reads only the first frame of an animated GIF', async () => {
    const anim = await sharp(pixels(16, 36, 3, 9), { raw: { width: 16, height: 36, channels: 3, pageHeight: 12 } }).gif().toBuffer();
    expect((await sharp(anim).metadata()).pages).toBe(3);
    const img = await decodeImage(anim);
    expect([img.width, img.height]).toEqual([16, 12]);
  });

  it('flattens transparency on white', async () => {
    const rgba = pixels(20, 30, 4, 10);
    for (let i = 0; i < 20 * 15; i++) rgba[i * 4 + 3] = 0; // top half transparent
    const png = await sharp(rgba, { raw: { width: 20, height: 30, channels: 4 } }).png().toBuffer();
    const { data, channels } = await thumbInfo((await decodeImage(png)).large);
    for (const [x, y] of [[0, 0], [10, 5], [19, 14]]) {
      const o = (y * 20 + x) * channels;
      for (const v of data.subarray(o, o + 3)) expect(v).toBeGreaterThan(245);
    }
  });

  it('shrinks large images to 512 and 64 px on the longest side', async () => {
    const img = await decodeImage(await raw(1600, 1200, 11).jpeg().toBuffer());
    expect([img.width, img.height]).toEqual([1600, 1200]);
    expect([(await thumbInfo(img.large)).width, (await thumbInfo(img.large)).height]).toEqual([512, 384]);
    expect([(await thumbInfo(img.small)).width, (await thumbInfo(img.small)).height]).toEqual([64, 48]);
  });

  it('uses a tiny upright JPEG as its own thumbnail', async () => {
    const jpg = await raw(32, 32, 12).jpeg().toBuffer();
    const img = await decodeImage(jpg);
    expect(img.large).toBe(jpg);
    expect(img.small).toBe(jpg);
    expect([img.width, img.height]).toEqual([32, 32]);
  });

  it('names what is wrong with bad bytes', async () => {
    const jpg = await raw(100, 80, 13).jpeg().toBuffer();
    const png = await raw(100, 80, 14).png().toBuffer();
    await expect(decodeImage(Buffer.alloc(0))).rejects.toThrow(/^empty file/);
    await expect(decodeImage(jpg.subarray(0, jpg.length >> 1))).rejects.toThrow(/^truncated file \(the JPEG data/);
    await expect(decodeImage(png.subarray(0, png.length >> 1))).rejects.toThrow(/^truncated file \(the PNG data/);
    await expect(decodeImage(Buffer.from('plain text, no pixels here'))).rejects.toThrow(/^not an image/);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    await expect(decodeImage(svg)).rejects.toThrow(/^not a supported image format \(svg\)/);
  });
});

describe('limits and thumbnail paths', () => {
  it('flags absurd sizes and decompression bombs, accepts real photos', () => {
    expect(dimensionProblem(4000, 3000, 3_000_000)).toBeNull();
    expect(dimensionProblem(12000, 9000, 40_000_000)).toBeNull();
    expect(dimensionProblem(30001, 10, 1000)).toMatch(/^absurd dimensions 30001×10/);
    expect(dimensionProblem(16000, 16000, 1e9)).toMatch(/= 256 MP/);
    expect(dimensionProblem(12000, 9000, 13_000)).toMatch(/^decompression bomb/);
    expect(dimensionProblem(0, 10, 10)).toMatch(/^invalid dimensions/);
  });

  it('addresses thumbnails by content hash and size', () => {
    const h = 'ab12cd34ef'.padEnd(40, '0');
    expect(thumbPath('/p/cache', h, 'small')).toBe(path.join('/p/cache', 'thumbs', 'small', 'a', `${h}.jpg`));
    expect(thumbPath('/p/cache', h, 'large')).toBe(path.join('/p/cache', 'thumbs', 'large', 'a', `${h}.jpg`));
  });
});
