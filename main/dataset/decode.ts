import sharp, { type Sharp } from 'sharp';
import { decodeBmp, isBmp } from './bmp';
import { jpegStreamComplete, readJpegHeader } from './jpeg-header';
import { dimensionProblem } from './limits';
import { SkipError } from './skip';
import { THUMB_PX, THUMB_QUALITY } from './thumbs';

export interface DecodedImage {
  /** After EXIF orientation. */
  width: number;
  height: number;
  /** sharp's format name ('jpeg', 'png', 'webp', 'gif', 'heif', 'tiff') or 'bmp'. */
  format: string;
  /** RGB8 JPEG thumbnails, longest side at most THUMB_PX (never enlarged). */
  large: Buffer;
  small: Buffer;
}

const SHARP_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'heif', 'tiff']);

/**
 * Maps a libvips/sharp error to a reason a user can read. libvips keeps one error buffer for
 * all threads, so with concurrent decodes the message may be lost ("Unknown error") or belong
 * to another file: truncation of the common formats is therefore checked on the bytes.
 */
export function decodeReason(err: unknown, bytes: Buffer, format: string | null): string {
  if (err instanceof SkipError) return err.reason;
  const msg = ((err as Error)?.message ?? String(err)).split('\n')[0].trim();
  if (/unsupported image format/i.test(msg)) return 'not an image (content is not a supported image format)';
  if (format === 'jpeg') {
    const h = readJpegHeader(bytes);
    if (h && !jpegStreamComplete(bytes, h.scanAt)) return TRUNCATED_JPEG;
  }
  if (format === 'png' && bytes.lastIndexOf('IEND', undefined, 'latin1') < 0) return 'truncated file (the PNG data ends before its IEND chunk)';
  if (/premature end|truncat|unexpected end|end of (file|data|stream)|not enough data|read error|short read|incomplete/i.test(msg)) {
    return `truncated or corrupt image data (${msg})`;
  }
  return `corrupt image data (${format ?? 'unknown format'}: ${msg})`;
}

const TRUNCATED_JPEG = 'truncated file (the JPEG data ends before its end marker)';

export interface Opened {
  img: Sharp;
  width: number;
  height: number;
  format: string;
}

/**
 * Opens `bytes` with sharp, or with our BMP decoder, and checks the header before any pixels
 * are decoded, so huge or hostile images cost only a header read.
 */
export async function openImage(bytes: Buffer): Promise<Opened> {
  if (isBmp(bytes)) {
    const raw = decodeBmp(bytes);
    const img = sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels } });
    return { img, width: raw.width, height: raw.height, format: 'bmp' };
  }
  // failOn 'error' rejects truncated data but tolerates harmless warnings (e.g. junk after EOI).
  // No pixel limit here: dimensionProblem() below checks the header first, with a clearer reason.
  const img = sharp(bytes, { failOn: 'error', limitInputPixels: false });
  const meta = await img.metadata();
  const format = meta.format ?? 'unknown';
  if (!SHARP_FORMATS.has(format)) throw new SkipError(`not a supported image format (${format})`);
  if (format === 'heif' && meta.compression !== 'av1') {
    throw new SkipError('HEIC (HEVC) images are not supported (export them as JPEG)');
  }
  const problem = dimensionProblem(meta.width ?? 0, meta.height ?? 0, bytes.length);
  if (problem) throw new SkipError(problem);
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.autoOrient?.height ?? meta.height ?? 0;
  return { img, width, height, format };
}

/**
 * The fast path for tiny JPEGs (CIFAR-style datasets): a small upright 8-bit YCbCr JPEG without
 * ICC profile is already a valid thumbnail of both sizes, byte for byte, so neither sharp nor
 * an encoder is needed. Its structure is checked in JS instead (see jpegStreamComplete), which
 * catches truncation as sharp would. Measured on the 2-core build machine: a sharp call costs
 * ~0.3 ms of main-thread time before any pixel is touched, more than the rest of the ingest.
 */
function tinyJpeg(bytes: Buffer): { width: number; height: number } | null {
  const h = readJpegHeader(bytes);
  const S = THUMB_PX.small;
  if (!h || h.width === 0 || h.height === 0 || h.width > S || h.height > S) return null;
  if (h.sof > 0xc2 || h.precision !== 8 || h.components !== 3 || h.orientation !== 1 || h.hasIcc || h.hasAdobe) return null;
  if (!jpegStreamComplete(bytes, h.scanAt)) throw new SkipError(TRUNCATED_JPEG);
  return { width: h.width, height: h.height };
}

/**
 * Decodes one image file's bytes into its oriented size and two RGB8 JPEG thumbnails. Every
 * problem surfaces as a SkipError whose reason names it; nothing else is thrown.
 *
 * The large thumbnail comes from one pipeline (orient, shrink-on-load resize, flatten alpha on
 * white, convert grey/CMYK/16-bit to sRGB 8-bit); the small one is made from the large JPEG,
 * which is far cheaper than decoding the original twice.
 */
export async function decodeImage(bytes: Buffer): Promise<DecodedImage> {
  if (bytes.length === 0) throw new SkipError('empty file (0 bytes)');
  let format: string | null = null;
  try {
    const tiny = tinyJpeg(bytes);
    if (tiny) return { ...tiny, format: 'jpeg', large: bytes, small: bytes };
    const opened = await openImage(bytes);
    const { img, width, height } = opened;
    format = opened.format;
    const L = THUMB_PX.large;
    const large = await img
      .rotate()
      .resize({ width: L, height: L, fit: 'inside', withoutEnlargement: true, fastShrinkOnLoad: true })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .jpeg({ quality: THUMB_QUALITY.large })
      .toBuffer({ resolveWithObject: true });
    const S = THUMB_PX.small;
    const small =
      large.info.width <= S && large.info.height <= S
        ? large.data
        : await sharp(large.data)
            .resize({ width: S, height: S, fit: 'inside' })
            .jpeg({ quality: THUMB_QUALITY.small })
            .toBuffer();
    return { width, height, format, large: large.data, small };
  } catch (err) {
    throw err instanceof SkipError ? err : new SkipError(decodeReason(err, bytes, format));
  }
}
