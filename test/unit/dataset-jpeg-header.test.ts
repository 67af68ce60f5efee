import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { jpegStreamComplete, readJpegHeader } from '../../main/dataset/jpeg-header';
import { pixels } from '../helpers/messy-folder';

const raw = (w: number, h: number, seed: number) => sharp(pixels(w, h, 3, seed), { raw: { width: w, height: h, channels: 3 } });

describe('JPEG header reader', () => {
  it('agrees with sharp on size, components, orientation and ICC for real files', async () => {
    const cases = [
      await raw(37, 23, 1).jpeg().toBuffer(),
      await raw(64, 48, 2).jpeg({ progressive: true }).toBuffer(),
      await raw(40, 20, 3).jpeg().withMetadata({ orientation: 6 }).toBuffer(),
      await raw(30, 30, 4).greyscale().jpeg().toBuffer(),
      await raw(30, 31, 5).toColourspace('cmyk').jpeg().toBuffer(),
      await raw(33, 17, 6).jpeg().withIccProfile('p3').toBuffer(),
    ];
    for (const buf of cases) {
      const h = readJpegHeader(buf);
      const m = await sharp(buf).metadata();
      expect(h).not.toBeNull();
      expect([h!.width, h!.height, h!.components, h!.orientation, h!.hasIcc]).toEqual([m.width, m.height, m.channels, m.orientation ?? 1, !!m.hasProfile]);
      expect(h!.sof).toBe(m.isProgressive ? 0xc2 : 0xc0);
    }
  });

  it('rejects what is not a JPEG', () => {
    expect(readJpegHeader(Buffer.from('not a jpeg at all'))).toBeNull();
    expect(readJpegHeader(Buffer.from([0xff, 0xd8, 0xff]))).toBeNull();
  });

  it('finds the end of complete streams and notices every truncation', async () => {
    for (const buf of [await raw(32, 32, 7).jpeg().toBuffer(), await raw(48, 40, 8).jpeg({ progressive: true }).toBuffer()]) {
      const h = readJpegHeader(buf)!;
      expect(jpegStreamComplete(buf, h.scanAt)).toBe(true);
      // Trailing junk after the end marker is harmless, as in libjpeg.
      expect(jpegStreamComplete(Buffer.concat([buf, Buffer.from('junk')]), h.scanAt)).toBe(true);
      for (let cut = h.scanAt + 1; cut < buf.length; cut += 7) {
        expect(jpegStreamComplete(buf.subarray(0, cut), h.scanAt), `cut at ${cut} of ${buf.length}`).toBe(false);
      }
      // And sharp agrees that those truncated streams are broken.
      await expect(sharp(buf.subarray(0, buf.length - 10), { failOn: 'error' }).raw().toBuffer()).rejects.toThrow();
    }
  });
});
