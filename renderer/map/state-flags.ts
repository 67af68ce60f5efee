/**
 * The per-point state byte read by the point shader: bit 0 selected, bit 1 hovered, bit 2 hidden.
 * One byte per point keeps a million points at 1 MB and lets hover touch just two bytes.
 */
export const SELECTED = 1;
export const HOVERED = 2;
export const HIDDEN = 4;

export type SelectMode = 'replace' | 'add' | 'subtract';

/** The state bytes for a whole selection + hidden mask (hover is applied separately). */
export function buildStateBuffer(selection: Uint8Array | null | undefined, hidden: Uint8Array | null, n: number, out = new Uint8Array(n)): Uint8Array {
  for (let i = 0; i < n; i++) out[i] = (selection && selection[i] ? SELECTED : 0) | (hidden && hidden[i] ? HIDDEN : 0);
  return out;
}

/** The new selection after applying `indices` with `mode`; does not touch `prev`. */
export function applySelection(prev: Uint8Array | null | undefined, indices: ArrayLike<number>, mode: SelectMode, n: number): Uint8Array {
  const out = mode === 'replace' || !prev ? new Uint8Array(n) : Uint8Array.from(prev);
  const v = mode === 'subtract' ? 0 : 1;
  for (let j = 0; j < indices.length; j++) out[indices[j]] = v;
  return out;
}

/** Indices of the set entries of a 0/1 mask. */
export function maskToIndices(mask: Uint8Array): Int32Array {
  let c = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) c++;
  const out = new Int32Array(c);
  for (let i = 0, j = 0; i < mask.length; i++) if (mask[i]) out[j++] = i;
  return out;
}

/** Every point not in the mask (and not hidden), for "invert selection". */
export function invertSelection(mask: Uint8Array, hidden?: Uint8Array | null): Int32Array {
  const inv = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) inv[i] = !mask[i] && !(hidden && hidden[i]) ? 1 : 0;
  return maskToIndices(inv);
}

/** The smallest [start, count) range covering every index where `a` and `b` differ; null if none. */
export function changedRange(a: Uint8Array, b: Uint8Array): [number, number] | null {
  let lo = -1, hi = -1;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) { if (lo < 0) lo = i; hi = i; }
  return lo < 0 ? null : [lo, hi - lo + 1];
}
