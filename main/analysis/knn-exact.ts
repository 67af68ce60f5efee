/**
 * Exact cosine kNN by brute force (blocked SIMD dot products). Used for small inputs, where
 * it is cheaper than building an index, and as ground truth when measuring recall.
 */
import { sized, type Arena } from './arena';
import { loadRows } from './pca';
import { padTo8 } from './simd-kernels';

export interface KnnGraph {
  n: number;
  k: number;
  /** n × k neighbour ids, each row sorted by ascending distance, self excluded. */
  indices: Int32Array;
  /** n × k cosine distances (1 − cos). */
  distances: Float32Array;
}

const QB = 64; // queries per block
const RB = 128; // data rows per block: 128 rows × 2 KiB stay in L2 while all queries pass

/** Scratch bytes exactKnnInArena needs. */
export const exactScratchBytes = (dim: number) => sized(QB * padTo8(dim) * 4) + sized(QB * RB * 4);

/**
 * Exact neighbours of rows `queries` among all n rows in the arena (normalised, stride
 * padTo8(dim), with ≥ 4 zero rows after the last so blocks may overrun). Row q of `out`
 * receives the neighbours of queries[q].
 */
export function exactKnnInArena(arena: Arena, xPtr: number, n: number, dim: number, k: number, queries: Int32Array, out: KnnGraph): void {
  const dp = padTo8(dim);
  const mark = arena.mark();
  const qPtr = arena.alloc(QB * dp * 4);
  const sPtr = arena.alloc(QB * RB * 4);
  const { f32 } = arena;
  const bestI = new Int32Array(QB * k);
  const bestD = new Float32Array(QB * k);
  for (let q0 = 0; q0 < queries.length; q0 += QB) {
    const qn = Math.min(QB, queries.length - q0);
    for (let q = 0; q < qn; q++) f32.copyWithin(qPtr / 4 + q * dp, xPtr / 4 + queries[q0 + q] * dp, xPtr / 4 + (queries[q0 + q] + 1) * dp);
    bestD.fill(Infinity);
    bestI.fill(-1);
    for (let start = 0; start < n; start += RB) {
      const rows = Math.min(RB, n - start);
      arena.kern.dotRows4(qPtr, qn, xPtr + start * dp * 4, (rows + 3) & ~3, dp, sPtr);
      const w = (rows + 3) & ~3;
      for (let q = 0; q < qn; q++) {
        const self = queries[q0 + q];
        const bo = q * k;
        for (let t = 0; t < rows; t++) {
          const d = 1 - f32[sPtr / 4 + q * w + t];
          if (d >= bestD[bo + k - 1] || start + t === self) continue;
          let pos = k - 1;
          while (pos > 0 && bestD[bo + pos - 1] > d) {
            bestD[bo + pos] = bestD[bo + pos - 1];
            bestI[bo + pos] = bestI[bo + pos - 1];
            pos--;
          }
          bestD[bo + pos] = d;
          bestI[bo + pos] = start + t;
        }
      }
    }
    out.indices.set(bestI.subarray(0, qn * k), q0 * k);
    out.distances.set(bestD.subarray(0, qn * k), q0 * k);
  }
  arena.release(mark);
}

/** Exact cosine kNN of `queries` (default: all rows) over plain row-major data. */
export function exactKnn(data: Float32Array, n: number, dim: number, k: number, queries?: Int32Array): KnnGraph {
  const q = queries ?? Int32Array.from({ length: n }, (_, i) => i);
  const { arena, xPtr } = loadRows(data, n, dim, exactScratchBytes(dim), true);
  const out: KnnGraph = { n: q.length, k, indices: new Int32Array(q.length * k), distances: new Float32Array(q.length * k) };
  exactKnnInArena(arena, xPtr, n, dim, Math.min(k, n - 1), q, out);
  return out;
}

/** Mean fraction of the true k neighbours found, over the rows both graphs describe. */
export function recallAgainst(approx: KnnGraph, exact: KnnGraph, rows: Int32Array, k = exact.k): number {
  let hit = 0;
  for (let q = 0; q < rows.length; q++) {
    const truth = new Set(exact.indices.subarray(q * exact.k, q * exact.k + k));
    const i = rows[q];
    for (let t = 0; t < k; t++) if (truth.has(approx.indices[i * approx.k + t])) hit++;
  }
  return hit / (rows.length * k);
}
