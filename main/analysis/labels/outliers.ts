/** Outlier scores from the kNN graph: an image far from its nearest neighbours is unusual. */
import type { KnnGraph } from '../knn-exact';

/** Mean cosine distance to each image's first k neighbours (default all the graph holds). */
export function outlierScores(graph: KnnGraph, k = graph.k): Float32Array {
  const kk = Math.max(1, Math.min(k, graph.k));
  const out = new Float32Array(graph.n);
  for (let i = 0; i < graph.n; i++) {
    let s = 0;
    for (let t = 0; t < kk; t++) s += graph.distances[i * graph.k + t];
    out[i] = s / kk;
  }
  return out;
}

/** The p-th percentile (0..100) of values, linearly interpolated (numpy's default). */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return NaN;
  const s = Float64Array.from(values).sort();
  const pos = (Math.min(100, Math.max(0, p)) / 100) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** Each value's percentile rank in [0, 1] (share of values strictly below it), for filters. */
export function percentileRanks(values: ArrayLike<number>): Float32Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const out = new Float32Array(n);
  let below = 0;
  for (let r = 0; r < n; r++) {
    if (r > 0 && values[order[r]] !== values[order[r - 1]]) below = r;
    out[order[r]] = n > 1 ? below / (n - 1) : 0;
  }
  return out;
}
