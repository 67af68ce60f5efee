/**
 * UMAP's fuzzy simplicial set from a kNN graph (McInnes et al. 2018; umap-learn's
 * smooth_knn_dist, compute_membership_strengths and fuzzy union), as a symmetric graph in
 * COO form sorted by head.
 */
import type { KnnGraph } from './knn-exact';

export interface FuzzyGraph {
  n: number;
  head: Int32Array;
  tail: Int32Array;
  weight: Float32Array;
}

const SMOOTH_K_TOLERANCE = 1e-5;
const MIN_K_DIST_SCALE = 1e-3;

/**
 * Per point: rho = distance to the nearest neighbour, sigma such that
 * Σ exp(−(d − rho)/sigma) = log2(nNeighbors). Uses the first nNeighbors − 1 graph columns:
 * umap-learn counts the point itself as one of its n_neighbors.
 */
export function smoothKnnDist(g: KnnGraph, nNeighbors: number, localConnectivity = 1): { sigmas: Float32Array; rhos: Float32Array } {
  const { n, k } = g;
  const cols = Math.min(k, nNeighbors - 1);
  const target = Math.log2(nNeighbors);
  const sigmas = new Float32Array(n);
  const rhos = new Float32Array(n);
  let meanAll = 0;
  for (let i = 0; i < n * k; i++) meanAll += g.distances[i];
  meanAll /= n * k;
  for (let i = 0; i < n; i++) {
    const row = i * k;
    // rho: interpolated distance to the localConnectivity-th non-zero neighbour.
    let rho = 0;
    const idx = Math.floor(localConnectivity);
    const frac = localConnectivity - idx;
    const nonZero: number[] = [];
    for (let t = 0; t < cols; t++) if (g.distances[row + t] > 0) nonZero.push(g.distances[row + t]);
    const nz = nonZero.length;
    if (nz >= localConnectivity) {
      rho = idx > 0 ? nonZero[idx - 1] + (frac > 0 ? frac * (nonZero[idx] - nonZero[idx - 1]) : 0) : frac * nonZero[0];
    } else if (nz > 0) rho = nonZero[nz - 1];
    let lo = 0;
    let hi = Infinity;
    let mid = 1;
    for (let it = 0; it < 64; it++) {
      let psum = 0;
      for (let t = 0; t < cols; t++) {
        const d = g.distances[row + t] - rho;
        psum += d > 0 ? Math.exp(-(d / mid)) : 1;
      }
      if (Math.abs(psum - target) < SMOOTH_K_TOLERANCE) break;
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        mid = hi === Infinity ? mid * 2 : (lo + hi) / 2;
      }
    }
    let meanRow = 0;
    for (let t = 0; t < cols; t++) meanRow += g.distances[row + t];
    meanRow /= cols + 1; // umap-learn's mean includes the self column (distance 0)
    if (rho > 0) mid = Math.max(mid, MIN_K_DIST_SCALE * meanRow);
    else mid = Math.max(mid, MIN_K_DIST_SCALE * meanAll);
    sigmas[i] = mid;
    rhos[i] = rho;
  }
  return { sigmas, rhos };
}

/** Membership strengths, fuzzy union A + Aᵀ − A∘Aᵀ, sorted by (head, tail). */
export function fuzzySimplicialSet(g: KnnGraph, nNeighbors: number, localConnectivity = 1): FuzzyGraph {
  const { n, k } = g;
  const cols = Math.min(k, nNeighbors - 1);
  const { sigmas, rhos } = smoothKnnDist(g, nNeighbors, localConnectivity);
  // Directed weights in CSR (row i → its cols neighbours), then transpose by counting.
  const m = n * cols;
  const dHead = new Int32Array(m);
  const dTail = new Int32Array(m);
  const dW = new Float32Array(m);
  let e = 0;
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < cols; t++) {
      const j = g.indices[i * k + t];
      if (j === i || j < 0) continue;
      const d = g.distances[i * k + t] - rhos[i];
      dHead[e] = i;
      dTail[e] = j;
      dW[e] = d <= 0 || sigmas[i] === 0 ? 1 : Math.exp(-d / sigmas[i]);
      e++;
    }
  }
  // Fuzzy union S = A + Aᵀ − A∘Aᵀ: bucket both directions of every edge by head (CSR),
  // then sort each short row by tail and merge the (at most two) entries per pair.
  const start = new Int32Array(n + 1);
  for (let t = 0; t < e; t++) {
    start[dHead[t] + 1]++;
    start[dTail[t] + 1]++;
  }
  for (let i = 0; i < n; i++) start[i + 1] += start[i];
  const fill = start.slice(0, n);
  const rowTail = new Int32Array(2 * e);
  const rowW = new Float32Array(2 * e);
  for (let t = 0; t < e; t++) {
    let p = fill[dHead[t]]++;
    rowTail[p] = dTail[t];
    rowW[p] = dW[t];
    p = fill[dTail[t]]++;
    rowTail[p] = dHead[t];
    rowW[p] = dW[t];
  }
  const head = new Int32Array(2 * e);
  const tail = new Int32Array(2 * e);
  const weight = new Float32Array(2 * e);
  let out = 0;
  for (let i = 0; i < n; i++) {
    const lo = start[i];
    const hi = start[i + 1];
    for (let p = lo + 1; p < hi; p++) {
      const tj = rowTail[p];
      const tw = rowW[p];
      let q = p;
      while (q > lo && rowTail[q - 1] > tj) {
        rowTail[q] = rowTail[q - 1];
        rowW[q] = rowW[q - 1];
        q--;
      }
      rowTail[q] = tj;
      rowW[q] = tw;
    }
    for (let p = lo; p < hi; p++) {
      let w = rowW[p];
      if (p + 1 < hi && rowTail[p + 1] === rowTail[p]) {
        const q = rowW[++p];
        w = w + q - w * q;
      }
      head[out] = i;
      tail[out] = rowTail[p];
      weight[out] = w;
      out++;
    }
  }
  return { n, head: head.slice(0, out), tail: tail.slice(0, out), weight: weight.slice(0, out) };
}
