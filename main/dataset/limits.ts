/** Longest side accepted, in pixels: beyond this a file is almost surely broken or hostile. */
export const MAX_SIDE = 30_000;
/** Most pixels accepted (250 MP): about 750 MB once decoded to RGB. */
export const MAX_PIXELS = 250_000_000;
/**
 * Decompression-bomb heuristic: a large image from a file that is tiny for its pixel count.
 * Photos hold ~1-10 pixels per byte and even flat 8-bit RGB PNGs stay under ~350 (deflate
 * tops out near 1000:1); over 1000 takes a near-constant 1-bit or palette image made big on
 * purpose.
 */
export const BOMB_MIN_PIXELS = 64_000_000;
export const BOMB_PIXELS_PER_BYTE = 1_000;

/** Null when the dimensions are acceptable, else the reason to skip the file. */
export function dimensionProblem(width: number, height: number, fileBytes: number): string | null {
  if (!(width > 0 && height > 0)) return `invalid dimensions ${width}×${height}`;
  if (width > MAX_SIDE || height > MAX_SIDE) return `absurd dimensions ${width}×${height} (the limit is ${MAX_SIDE} px per side)`;
  const pixels = width * height;
  if (pixels > MAX_PIXELS) return `absurd dimensions ${width}×${height} = ${(pixels / 1e6).toFixed(0)} MP (the limit is ${MAX_PIXELS / 1e6} MP)`;
  if (pixels >= BOMB_MIN_PIXELS && pixels / fileBytes > BOMB_PIXELS_PER_BYTE) {
    return `decompression bomb suspected: ${width}×${height} from only ${fileBytes} bytes`;
  }
  return null;
}
