import { SkipError } from './skip';

/**
 * Expands BMP RLE8/RLE4 data into one palette index per pixel, rows in file order (bottom-up).
 * Pixels skipped by delta codes stay index 0, as Windows does.
 */
export function decodeRle(src: Buffer, width: number, height: number, nibbles: boolean): Uint8Array {
  const out = new Uint8Array(width * height);
  let x = 0;
  let y = 0;
  let i = 0;
  const put = (v: number) => {
    if (x < width && y < height) out[y * width + x] = v;
    x++;
  };
  while (y < height) {
    if (i + 1 >= src.length) throw new SkipError(`truncated BMP (RLE data ends at row ${y} of ${height})`);
    const count = src[i++];
    const value = src[i++];
    if (count > 0) {
      for (let k = 0; k < count; k++) put(nibbles ? (k & 1 ? value & 15 : value >> 4) : value);
      continue;
    }
    if (value === 0) {
      x = 0;
      y++;
    } else if (value === 1) {
      break;
    } else if (value === 2) {
      if (i + 1 >= src.length) throw new SkipError('truncated BMP (RLE delta cut off)');
      x += src[i++];
      y += src[i++];
    } else {
      // Absolute run: `value` literal pixels, padded to a 16-bit boundary.
      const bytes = nibbles ? (value + 1) >> 1 : value;
      if (i + bytes > src.length) throw new SkipError('truncated BMP (RLE run cut off)');
      for (let k = 0; k < value; k++) put(nibbles ? (k & 1 ? src[i + (k >> 1)] & 15 : src[i + (k >> 1)] >> 4) : src[i + k]);
      i += bytes + (bytes & 1);
    }
  }
  return out;
}
