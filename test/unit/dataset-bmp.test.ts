import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeBmp, isBmp } from '../../main/dataset/bmp';
import { decodeImage } from '../../main/dataset/decode';
import { SkipError } from '../../main/dataset/skip';
import { bmpFile, type BmpSpec } from '../helpers/messy-folder';

const palette: [number, number, number][] = Array.from({ length: 256 }, (_, i) => [i, (i * 7) & 255, 255 - i]);

/** The RGB(A) a spec's pixel should decode to. */
function expected(spec: BmpSpec, x: number, y: number): number[] {
  const v = spec.at(x, y);
  if (spec.bpp <= 8) return [...(spec.palette ?? palette)[v]];
  if (spec.bpp === 24) return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  const [rm, gm, bm, am] = spec.masks ?? (spec.bpp === 16 ? [0x7c00, 0x03e0, 0x001f] : [0xff0000, 0xff00, 0xff]);
  const scale = (m: number) => {
    let s = 0;
    while (((m >>> s) & 1) === 0) s++;
    return Math.round((((v & m) >>> s) * 255) / (m >>> s));
  };
  return am ? [scale(rm), scale(gm), scale(bm), scale(am)] : [scale(rm), scale(gm), scale(bm)];
}

function checkPixels(spec: BmpSpec) {
  const img = decodeBmp(bmpFile(spec));
  expect([img.width, img.height]).toEqual([spec.width, spec.height]);
  for (let y = 0; y < spec.height; y++) {
    for (let x = 0; x < spec.width; x++) {
      const o = (y * spec.width + x) * img.channels;
      expect([...img.data.subarray(o, o + img.channels)], `pixel ${x},${y}`).toEqual(expected(spec, x, y));
    }
  }
}

/** An 8- or 4-bit BMP whose pixel data is replaced by the given RLE stream. */
function rleBmp(width: number, height: number, bpp: 4 | 8, rle: number[]): Buffer {
  const base = bmpFile({ width, height, bpp, palette: palette.slice(0, 1 << bpp), at: () => 0 });
  const offset = base.readUInt32LE(10);
  const out = Buffer.concat([base.subarray(0, offset), Buffer.from(rle)]);
  out.writeUInt32LE(bpp === 8 ? 1 : 2, 30);
  out.writeUInt32LE(out.length, 2);
  return out;
}

describe('BMP decoder', () => {
  it('decodes uncompressed 1/4/8-bit palettes, 16/24/32-bit, bottom-up and top-down', () => {
    checkPixels({ width: 13, height: 5, bpp: 24, at: (x, y) => ((x * 19) << 16) | ((y * 50) << 8) | (x ^ y) });
    checkPixels({ width: 7, height: 9, bpp: 24, topDown: true, at: (x, y) => ((y * 28) << 16) | (x * 36) });
    checkPixels({ width: 6, height: 4, bpp: 32, at: (x, y) => ((x * 40) << 16) | ((y * 60) << 8) | 7 });
    checkPixels({ width: 11, height: 3, bpp: 8, palette, at: (x, y) => (x * 23 + y) & 255 });
    checkPixels({ width: 9, height: 4, bpp: 4, palette: palette.slice(0, 16), at: (x, y) => (x + y) & 15 });
    checkPixels({ width: 19, height: 3, bpp: 1, palette: [[0, 0, 0], [250, 240, 230]], at: (x, y) => (x + y) & 1 });
    checkPixels({ width: 5, height: 5, bpp: 16, at: (x, y) => (x << 10) | (y << 5) | (x + y) });
  });

  it('honours BITFIELDS masks, including 565 and an alpha mask', () => {
    checkPixels({ width: 5, height: 3, bpp: 16, masks: [0xf800, 0x07e0, 0x001f], at: (x, y) => (x << 11) | (y << 6) | 3 });
    checkPixels({ width: 4, height: 4, bpp: 32, masks: [0xff0000, 0xff00, 0xff, 0xff000000], at: (x, y) => ((x * 60) << 24) | ((y * 60) << 16) | 0x1234 });
  });

  it('expands RLE8 (runs, absolute runs, end of line) and RLE4', () => {
    const rle8 = decodeBmp(rleBmp(4, 2, 8, [4, 1, 0, 0, 0, 3, 2, 3, 4, 0, 1, 5, 0, 1]));
    // Rows are stored bottom-up: the first RLE row is the bottom one.
    const idx = (x: number, y: number) => rle8.data[(y * 4 + x) * 3];
    expect([0, 1, 2, 3].map((x) => idx(x, 1))).toEqual([1, 1, 1, 1]);
    expect([0, 1, 2, 3].map((x) => idx(x, 0))).toEqual([2, 3, 4, 5]);
    const rle4 = decodeBmp(rleBmp(5, 1, 4, [5, 0x12, 0, 1]));
    expect([0, 1, 2, 3, 4].map((x) => rle4.data[x * 3])).toEqual([1, 2, 1, 2, 1]);
  });

  it('skips truncated, RLE-truncated and oversized files with a reason', () => {
    const full = bmpFile({ width: 30, height: 30, bpp: 24, at: () => 0x102030 });
    expect(() => decodeBmp(full.subarray(0, full.length - 100))).toThrow(/^truncated BMP \(pixel data ends early/);
    expect(() => decodeBmp(full.subarray(0, 20))).toThrow(SkipError);
    expect(() => decodeBmp(rleBmp(4, 3, 8, [4, 1, 0, 0]))).toThrow(/^truncated BMP \(RLE data ends at row 1 of 3\)/);
    const huge = Buffer.from(full);
    huge.writeInt32LE(31_000, 18);
    expect(() => decodeBmp(huge)).toThrow(/^absurd dimensions 31000×30/);
    const odd = Buffer.from(full);
    odd.writeUInt32LE(4, 30); // BI_JPEG
    expect(() => decodeBmp(odd)).toThrow(/unsupported BMP compression/);
  });

  it('feeds sharp: decodeImage turns a BMP into JPEG thumbnails of the right size', async () => {
    const file = bmpFile({ width: 700, height: 300, bpp: 24, at: (x) => (x & 255) << 8 });
    expect(isBmp(file)).toBe(true);
    const img = await decodeImage(file);
    expect([img.width, img.height, img.format]).toEqual([700, 300, 'bmp']);
    const large = await sharp(img.large).metadata();
    const small = await sharp(img.small).metadata();
    expect([large.format, large.width, large.height, large.channels]).toEqual(['jpeg', 512, 219, 3]);
    expect([small.width, small.height]).toEqual([64, 27]);
  });
});
