/**
 * Layout quality measures, so speed is never bought with a worse map: how well low-dimensional
 * neighbourhoods keep the high-dimensional ones, and how well they keep known labels.
 */
import { exactKnn, type KnnGraph } from './knn-exact';
import { loadRows } from './pca';
import { padTo8 } from './simd-kernels';

/** Exact k nearest neighbours (squared Euclidean) in a small layout, for the given rows. */
export function layoutNeighbors(coords: Float32Array, dim: number, k: number, rows: Int32Array): Int32Array {
  const n = coords.length / dim;
  const out = new Int32Array(rows.length * k);
  const bd = new Float64Array(k);
  const bi = new Int32Array(k);
  rows.forEach((i, q) => {
    bd.fill(Infinity);
    bi.fill(-1);
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let d = 0;
      for (let c = 0; c < dim; c++) d += (coords[i * dim + c] - coords[j * dim + c]) ** 2;
      if (d >= bd[k - 1]) continue;
      let p = k - 1;
      while (p > 0 && bd[p - 1] > d) {
        bd[p] = bd[p - 1];
        bi[p] = bi[p - 1];
        p--;
      }
      bd[p] = d;
      bi[p] = j;
    }
    out.set(bi, q * k);
  });
  return out;
}

/** Fraction of rows whose k layout neighbours mostly (plurality) share the row's label. */
export function labelAccuracy(coords: Float32Array, dim: number, labels: Int32Array, k = 10, rows?: Int32Array): number {
  const n = coords.length / dim;
  const r = rows ?? Int32Array.from({ length: n }, (_, i) => i);
  const nb = layoutNeighbors(coords, dim, k, r);
  let ok = 0;
  for (let q = 0; q < r.length; q++) {
    const votes = new Map<number, number>();
    for (let t = 0; t < k; t++) {
      const l = labels[nb[q * k + t]];
      votes.set(l, (votes.get(l) ?? 0) + 1);
    }
    let best = -Infinity;
    let bestLabel = -1;
    for (const [l, v] of votes) if (v > best || (v === best && l === labels[r[q]])) [best, bestLabel] = [v, l];
    if (bestLabel === labels[r[q]]) ok++;
  }
  return ok / r.length;
}

/** Fraction of each row's exact high-dimensional k neighbours that are also its layout k neighbours. */
export function knnPreservation(exact: KnnGraph, rows: Int32Array, coords: Float32Array, dim: number, k = exact.k): number {
  const nb = layoutNeighbors(coords, dim, k, rows);
  let hit = 0;
  for (let q = 0; q < rows.length; q++) {
    const truth = new Set(exact.indices.subarray(q * exact.k, q * exact.k + k));
    for (let t = 0; t < k; t++) if (truth.has(nb[q * k + t])) hit++;
  }
  return hit / (rows.length * k);
}

/**
 * Trustworthiness (Venna & Kaski 2001) at k with cosine input distances, estimated over
 * `rows`: 1 means no layout neighbour is a stranger in the original space.
 */
export function trustworthiness(data: Float32Array, n: number, d: number, coords: Float32Array, dim: number, k: number, rows: Int32Array): number {
  const { arena, xPtr } = loadRows(data, n, d, (n + 64) * 8 + 64 * 4, true);
  const dp = padTo8(d);
  const idxPtr = arena.alloc(n * 4);
  const outPtr = arena.alloc(n * 4);
  for (let j = 0; j < n; j++) arena.i32[idxPtr / 4 + j] = j;
  const low = layoutNeighbors(coords, dim, k, rows);
  const rank = new Int32Array(n);
  let penalty = 0;
  for (let q = 0; q < rows.length; q++) {
    const i = rows[q];
    arena.kern.dotTo(xPtr + i * dp * 4, xPtr, dp * 4, idxPtr, n, outPtr, dp);
    const sims = arena.f32View(outPtr, n);
    sims[i] = Infinity; // self ranks 0
    const order = Int32Array.from({ length: n }, (_, j) => j).sort((a, b) => sims[b] - sims[a]);
    for (let r = 0; r < n; r++) rank[order[r]] = r; // neighbours rank 1..n-1
    for (let t = 0; t < k; t++) penalty += Math.max(0, rank[low[q * k + t]] - k);
  }
  return 1 - (2 / (rows.length * k * (2 * n - 3 * k - 1))) * penalty;
}

/** Evenly spread sample of row ids. */
export function sampleRows(n: number, count: number): Int32Array {
  const m = Math.min(n, count);
  return Int32Array.from({ length: m }, (_, q) => Math.floor((q * n) / m));
}

export { exactKnn };
