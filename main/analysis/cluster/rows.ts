/** Small row-major helpers shared by clustering and labelling (plain typed arrays, no arena). */
import type { Rng } from '../rng';

/** A copy of the n × d rows scaled to unit length (zero rows stay zero), so dot = cosine. */
export function normalizeRows(data: Float32Array, n: number, d: number): Float32Array {
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += data[o + j] * data[o + j];
    const scale = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < d; j++) out[o + j] = data[o + j] * scale;
  }
  return out;
}

/** m distinct indices from [0, n), in random order (partial Fisher–Yates). */
export function sampleIndices(n: number, m: number, rng: Rng): Int32Array {
  const pick = Int32Array.from({ length: n }, (_, i) => i);
  m = Math.min(m, n);
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(n - i);
    const t = pick[i];
    pick[i] = pick[j];
    pick[j] = t;
  }
  return pick.slice(0, m);
}

/** The rows `ids` of an n × d matrix, packed into a new ids.length × d matrix. */
export function gatherRows(data: Float32Array, d: number, ids: ArrayLike<number>): Float32Array {
  const out = new Float32Array(ids.length * d);
  for (let r = 0; r < ids.length; r++) out.set(data.subarray(ids[r] * d, ids[r] * d + d), r * d);
  return out;
}

/** Dot product of row a of x and row b of y (both with d columns). */
export function rowDot(x: Float32Array, a: number, y: Float32Array, b: number, d: number): number {
  let s = 0;
  const oa = a * d;
  const ob = b * d;
  for (let j = 0; j < d; j++) s += x[oa + j] * y[ob + j];
  return s;
}
