/**
 * Sparse symmetric affinity matrices in CSR form, built from a kNN graph, and the
 * sparse × dense product that label spreading iterates.
 */
import type { KnnGraph } from '../knn-exact';

export interface Csr {
  n: number;
  /** Row r's entries are [indptr[r], indptr[r + 1]). */
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

export type AffinityKind = 'heat' | 'cosine';

/**
 * W from kNN distances, symmetrised by taking the larger of w_ij and w_ji (an edge found in
 * either direction counts). 'heat' uses a locally scaled Gaussian exp(−d² / σ_i σ_j) with σ_i
 * the distance to the i-th point's `scaleNeighbor`-th neighbour (Zelnik-Manor & Perona 2004),
 * so dense and sparse regions are weighed alike; 'cosine' uses the similarity 1 − d, floored at 0.
 */
export function knnAffinity(graph: KnnGraph, kind: AffinityKind = 'heat', scaleNeighbor = 7): Csr {
  const { n, k, indices, distances } = graph;
  const sigma = new Float64Array(n);
  const t = Math.min(scaleNeighbor, k) - 1;
  for (let i = 0; i < n; i++) sigma[i] = Math.max(distances[i * k + t], 1e-6);
  const weight = (i: number, j: number, d: number) => (kind === 'heat' ? Math.exp(-(d * d) / (sigma[i] * sigma[j])) : Math.max(0, 1 - d));
  const counts = new Int32Array(n + 1);
  for (let i = 0; i < n; i++)
    for (let s = 0; s < k; s++) {
      const j = indices[i * k + s];
      if (j < 0 || j === i) continue;
      counts[i + 1]++;
      counts[j + 1]++;
    }
  for (let i = 0; i < n; i++) counts[i + 1] += counts[i];
  const fill = counts.slice(0, n);
  const cols = new Int32Array(counts[n]);
  const vals = new Float32Array(counts[n]);
  for (let i = 0; i < n; i++)
    for (let s = 0; s < k; s++) {
      const j = indices[i * k + s];
      if (j < 0 || j === i) continue;
      const w = weight(i, j, distances[i * k + s]);
      cols[fill[i]] = j;
      vals[fill[i]++] = w;
      cols[fill[j]] = i;
      vals[fill[j]++] = w;
    }
  // Merge duplicate (i, j) entries per row, keeping the larger weight.
  const indptr = new Int32Array(n + 1);
  let out = 0;
  for (let i = 0; i < n; i++) {
    // Copy the row out first: earlier merges compacted the arrays, so writes may overlap it.
    const rowCols = cols.slice(counts[i], counts[i + 1]);
    const rowVals = vals.slice(counts[i], counts[i + 1]);
    const order = Array.from(rowCols.keys()).sort((a, b) => rowCols[a] - rowCols[b]);
    const start = out;
    for (const p of order) {
      if (out > start && cols[out - 1] === rowCols[p]) vals[out - 1] = Math.max(vals[out - 1], rowVals[p]);
      else {
        cols[out] = rowCols[p];
        vals[out++] = rowVals[p];
      }
    }
    indptr[i + 1] = out;
  }
  return { n, indptr, indices: cols.slice(0, out), values: vals.slice(0, out) };
}

/** S = D^−1/2 W D^−1/2 (isolated rows stay zero). Returns a new matrix. */
export function normalizeSymmetric(w: Csr): Csr {
  const { n, indptr, indices, values } = w;
  const inv = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let p = indptr[i]; p < indptr[i + 1]; p++) s += values[p];
    inv[i] = s > 0 ? 1 / Math.sqrt(s) : 0;
  }
  const out = new Float32Array(values.length);
  for (let i = 0; i < n; i++) for (let p = indptr[i]; p < indptr[i + 1]; p++) out[p] = values[p] * inv[i] * inv[indices[p]];
  return { n, indptr, indices, values: out };
}

/** out (n × c) = A · F (n × c), both dense row-major; acc is scratch of length c. */
export function spmm(a: Csr, f: Float32Array | Float64Array, c: number, out: Float32Array | Float64Array, acc = new Float64Array(c)): void {
  const { n, indptr, indices, values } = a;
  for (let i = 0; i < n; i++) {
    acc.fill(0);
    for (let p = indptr[i], end = indptr[i + 1]; p < end; p++) {
      const v = values[p];
      const oj = indices[p] * c;
      for (let q = 0; q < c; q++) acc[q] += v * f[oj + q];
    }
    out.set(acc, i * c);
  }
}

/**
 * Breadth-first visiting order (every component, each from its lowest id). Renumbering rows
 * in this order puts graph neighbours close in memory, which makes the product above several
 * times faster on large graphs whose ids are in arbitrary order.
 */
export function bfsOrder(a: Csr): Int32Array {
  const { n, indptr, indices } = a;
  const order = new Int32Array(n);
  const seen = new Uint8Array(n);
  let head = 0;
  let tail = 0;
  for (let s = 0; s < n; s++) {
    if (seen[s]) continue;
    seen[s] = 1;
    order[tail++] = s;
    while (head < tail) {
      const i = order[head++];
      for (let p = indptr[i]; p < indptr[i + 1]; p++) {
        const j = indices[p];
        if (!seen[j]) {
          seen[j] = 1;
          order[tail++] = j;
        }
      }
    }
  }
  return order;
}

/** The matrix with rows and columns renumbered: new row r is old row order[r]. */
export function permuteCsr(a: Csr, order: Int32Array): Csr {
  const { n, indptr, indices, values } = a;
  const rank = new Int32Array(n);
  for (let r = 0; r < n; r++) rank[order[r]] = r;
  const ip = new Int32Array(n + 1);
  const ix = new Int32Array(indices.length);
  const vs = new Float32Array(values.length);
  let out = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r];
    for (let p = indptr[i]; p < indptr[i + 1]; p++) {
      ix[out] = rank[indices[p]];
      vs[out++] = values[p];
    }
    ip[r + 1] = out;
  }
  return { n, indptr: ip, indices: ix, values: vs };
}
