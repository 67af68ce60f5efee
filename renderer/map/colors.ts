/**
 * Pure state → GPU buffer functions for the map's colour and visibility, in the style of
 * TensorBoard's projector: React state goes in, typed arrays ready for a BufferAttribute come out.
 */

export type ColorMode = 'none' | 'folder' | 'cluster' | 'label' | 'predicted' | 'confidence' | 'outlier' | 'duplicate';

export interface LegendEntry {
  name: string;
  /** CSS hex colour, '#rrggbb'. */
  color: string;
  count: number;
  visible: boolean;
}

export interface MapColors {
  mode: ColorMode;
  /** Per-point class index into `legend`; anything outside [0, legend.length) is "none" (grey). */
  categories?: Int32Array | Uint16Array;
  /** Per-point value in 0..1 for continuous modes (confidence, outlier score). */
  values?: Float32Array;
  /** Categorical: one entry per class. Continuous: one entry per equal-width bin of `values`. */
  legend: LegendEntry[];
}

/** Tableau-20-like palette that stays distinct on a dark background. */
export const CATEGORY_HEX = [
  '#4e9bf5', '#f28e2b', '#59d47a', '#e15759', '#b07aa1', '#edc948', '#76d7d1', '#ff9da7',
  '#9c755f', '#c9b3ff', '#8cd17d', '#f1ce63', '#5fa2ce', '#ff7f50', '#a0cbe8', '#d37295',
  '#86bcb6', '#fabfd2', '#b6992d', '#79706e',
];
/** Colour of points that belong to no class (unlabelled, no prediction). */
export const NONE_RGB: [number, number, number] = [0.42, 0.45, 0.5];

export function hexToRgb(hex: string): [number, number, number] {
  const v = parseInt(hex.replace('#', ''), 16);
  return [((v >> 16) & 255) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255];
}

/** Flat RGB (0..1) palette from the legend's colours. */
export function legendPalette(legend: LegendEntry[]): Float32Array {
  const out = new Float32Array(legend.length * 3);
  legend.forEach((e, i) => out.set(hexToRgb(e.color), i * 3));
  return out;
}

/** A perceptual dark-to-bright ramp (viridis-like stops) for continuous values. */
const RAMP = [
  [0.27, 0.0, 0.33], [0.23, 0.32, 0.55], [0.13, 0.57, 0.55], [0.37, 0.79, 0.38], [0.99, 0.91, 0.15],
];
export function rampColor(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const a = RAMP[i], b = RAMP[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

export function isContinuous(mode: ColorMode): boolean {
  return mode === 'confidence' || mode === 'outlier';
}

/** The legend slot of every point: its class, or for continuous modes its value's bin; -1 for none. */
export function buildClassIndex(colors: MapColors, n: number): Int32Array {
  const out = new Int32Array(n).fill(-1);
  const k = colors.legend.length;
  if (isContinuous(colors.mode) && colors.values && k > 0) {
    const v = colors.values;
    for (let i = 0; i < n; i++) out[i] = Number.isFinite(v[i]) ? Math.min(k - 1, Math.max(0, Math.floor(v[i] * k))) : -1;
  } else if (colors.categories) {
    const c = colors.categories;
    for (let i = 0; i < n; i++) out[i] = c[i] >= 0 && c[i] < k ? c[i] : -1;
  }
  return out;
}

/** Per-class counts, e.g. to fill a legend. Slots outside [0, k) are ignored. */
export function countClasses(classIndex: ArrayLike<number>, k: number): Int32Array {
  const counts = new Int32Array(k);
  for (let i = 0; i < classIndex.length; i++) {
    const c = classIndex[i];
    if (c >= 0 && c < k) counts[c]++;
  }
  return counts;
}

/**
 * Per-point RGB as normalised bytes (n*3), the layout of the shader's `aColor` attribute.
 * Categorical modes look colours up in `palette`; continuous modes use the ramp on `values`.
 */
export function buildColorBuffer(colors: MapColors, n: number, palette: Float32Array = legendPalette(colors.legend), out = new Uint8Array(n * 3)): Uint8Array {
  const none = NONE_RGB.map((c) => Math.round(c * 255));
  if (isContinuous(colors.mode) && colors.values) {
    for (let i = 0; i < n; i++) {
      // Unknown values (NaN: no prediction yet) are grey like an unclassed point, not the ramp's floor.
      const rgb = Number.isFinite(colors.values[i]) ? rampColor(colors.values[i]) : NONE_RGB;
      out[i * 3] = Math.round(rgb[0] * 255); out[i * 3 + 1] = Math.round(rgb[1] * 255); out[i * 3 + 2] = Math.round(rgb[2] * 255);
    }
    return out;
  }
  const k = palette.length / 3;
  const lut = new Uint8Array(palette.length);
  for (let j = 0; j < palette.length; j++) lut[j] = Math.round(palette[j] * 255);
  const c = colors.mode === 'none' ? undefined : colors.categories;
  for (let i = 0; i < n; i++) {
    const cls = c ? c[i] : -1;
    if (cls >= 0 && cls < k) {
      out[i * 3] = lut[cls * 3]; out[i * 3 + 1] = lut[cls * 3 + 1]; out[i * 3 + 2] = lut[cls * 3 + 2];
    } else if (c || colors.mode !== 'none') {
      out[i * 3] = none[0]; out[i * 3 + 1] = none[1]; out[i * 3 + 2] = none[2];
    } else {
      // No colouring at all: the brand blue reads better than grey.
      out[i * 3] = 110; out[i * 3 + 1] = 168; out[i * 3 + 2] = 255;
    }
  }
  return out;
}

/** Per-point 0/1 hidden mask from per-class visibility (a point with no class is never hidden). */
export function buildHiddenMask(classIndex: Int32Array, visible: boolean[], out = new Uint8Array(classIndex.length)): Uint8Array {
  for (let i = 0; i < classIndex.length; i++) {
    const c = classIndex[i];
    out[i] = c >= 0 && c < visible.length && !visible[c] ? 1 : 0;
  }
  return out;
}
