// sharp (libvips without ImageMagick) cannot read BMP, so we decode it here and hand sharp raw
// pixels. Covers what real files use: 1/4/8-bit palettes (plus RLE4/RLE8), 16-bit 555/565,
// 24-bit, 32-bit, BITFIELDS masks, bottom-up and top-down rows, core/info/V4/V5 headers.
import { decodeRle } from './bmp-rle';
import { dimensionProblem } from './limits';
import { SkipError } from './skip';

export interface RawImage {
  width: number;
  height: number;
  channels: 3 | 4;
  /** Top-down, interleaved RGB or RGBA, 8 bits per sample. */
  data: Buffer;
}

const BI_RGB = 0;
const BI_RLE8 = 1;
const BI_RLE4 = 2;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

export function isBmp(buf: Buffer): boolean {
  return buf.length >= 2 && buf[0] === 0x42 && buf[1] === 0x4d;
}

/** One colour channel of a BITFIELDS mask: value = (px & mask) >>> shift, scaled to 0..255. */
function channel(mask: number) {
  if (mask === 0) return null;
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  const max = mask >>> shift;
  return (px: number) => Math.round((((px & mask) >>> shift) * 255) / max);
}

export function decodeBmp(buf: Buffer): RawImage {
  if (buf.length < 26) throw new SkipError('truncated BMP (header incomplete)');
  const dataOffset = buf.readUInt32LE(10);
  const headerSize = buf.readUInt32LE(14);
  const core = headerSize === 12;
  if (!core && headerSize < 40) throw new SkipError(`unsupported BMP header (${headerSize} bytes)`);
  if (buf.length < 14 + headerSize) throw new SkipError('truncated BMP (header incomplete)');
  const width = core ? buf.readUInt16LE(18) : buf.readInt32LE(18);
  const rawHeight = core ? buf.readUInt16LE(20) : buf.readInt32LE(22);
  const bpp = core ? buf.readUInt16LE(24) : buf.readUInt16LE(28);
  const compression = core ? BI_RGB : buf.readUInt32LE(30);
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  const problem = dimensionProblem(width, height, buf.length);
  if (problem) throw new SkipError(problem);

  // Palette / masks follow the DIB header; INFO headers put BITFIELDS masks right after it.
  let masks: number[] | null = null;
  if (compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS) {
    const at = 54; // right after a 40-byte INFO header, or the mask fields inside V2-V5 headers
    const n = compression === BI_ALPHABITFIELDS || headerSize >= 56 ? 4 : 3;
    if (buf.length < at + 4 * n) throw new SkipError('truncated BMP (colour masks missing)');
    masks = Array.from({ length: n }, (_, i) => buf.readUInt32LE(at + 4 * i));
  } else if (compression !== BI_RGB && compression !== BI_RLE8 && compression !== BI_RLE4) {
    throw new SkipError(`unsupported BMP compression (type ${compression}: embedded JPEG/PNG or unknown)`);
  }

  let palette: Uint8Array | null = null;
  if (bpp <= 8) {
    const entry = core ? 3 : 4;
    const used = core ? 0 : buf.readUInt32LE(46);
    const count = used > 0 && used <= 256 ? used : 1 << bpp;
    const at = 14 + headerSize + (headerSize === 40 && masks ? 4 * masks.length : 0);
    palette = new Uint8Array(256 * 3);
    for (let i = 0; i < count && at + i * entry + 2 < buf.length; i++) {
      palette[i * 3] = buf[at + i * entry + 2];
      palette[i * 3 + 1] = buf[at + i * entry + 1];
      palette[i * 3 + 2] = buf[at + i * entry];
    }
  } else if (![16, 24, 32].includes(bpp)) {
    throw new SkipError(`unsupported BMP bit depth (${bpp} bits per pixel)`);
  }
  if (dataOffset >= buf.length) throw new SkipError('truncated BMP (no pixel data)');

  // RLE expands to one palette index per pixel, bottom-up, then goes through the palette path.
  if (compression === BI_RLE8 || compression === BI_RLE4) {
    if (!palette || bpp !== (compression === BI_RLE8 ? 8 : 4)) throw new SkipError('invalid BMP (RLE with wrong bit depth)');
    const idx = decodeRle(buf.subarray(dataOffset), width, height, compression === BI_RLE4);
    return fromIndices(idx, palette, width, height, topDown);
  }

  const stride = Math.ceil((width * bpp) / 32) * 4;
  if (dataOffset + stride * (height - 1) + Math.ceil((width * bpp) / 8) > buf.length) {
    throw new SkipError(`truncated BMP (pixel data ends early: ${buf.length - dataOffset} of ${stride * height} bytes)`);
  }
  const hasAlpha = masks !== null && masks.length === 4 && masks[3] !== 0;
  const channels = hasAlpha ? 4 : 3;
  const out = Buffer.allocUnsafe(width * height * channels);
  const [r, g, b, a] = (masks ?? (bpp === 16 ? [0x7c00, 0x03e0, 0x001f, 0] : [0xff0000, 0xff00, 0xff, 0])).map(channel);

  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * stride;
    let o = y * width * channels;
    for (let x = 0; x < width; x++) {
      if (palette) {
        const bit = x * bpp;
        const byte = buf[row + (bit >> 3)];
        const i = (byte >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        out[o++] = palette[i * 3];
        out[o++] = palette[i * 3 + 1];
        out[o++] = palette[i * 3 + 2];
        continue;
      }
      if (bpp === 24 && !masks) {
        const p = row + x * 3;
        out[o++] = buf[p + 2];
        out[o++] = buf[p + 1];
        out[o++] = buf[p];
        continue;
      }
      const px = bpp === 16 ? buf.readUInt16LE(row + x * 2) : buf.readUInt32LE(row + x * 4);
      out[o++] = r ? r(px) : 0;
      out[o++] = g ? g(px) : 0;
      out[o++] = b ? b(px) : 0;
      if (hasAlpha) out[o++] = a ? a(px) : 255;
    }
  }
  return { width, height, channels, data: out };
}

function fromIndices(idx: Uint8Array, palette: Uint8Array, width: number, height: number, topDown: boolean): RawImage {
  const out = Buffer.allocUnsafe(width * height * 3);
  for (let y = 0; y < height; y++) {
    const src = (topDown ? y : height - 1 - y) * width;
    let o = y * width * 3;
    for (let x = 0; x < width; x++) {
      const i = idx[src + x] * 3;
      out[o++] = palette[i];
      out[o++] = palette[i + 1];
      out[o++] = palette[i + 2];
    }
  }
  return { width, height, channels: 3, data: out };
}
