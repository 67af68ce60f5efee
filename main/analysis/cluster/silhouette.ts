/** Silhouette score (Rousseeuw 1987) over a precomputed distance matrix of a sample. */

/** s × s Euclidean distances between the first s rows of x (d columns). */
export function pairwiseDistances(x: Float32Array, s: number, d: number): Float32Array {
  const out = new Float32Array(s * s);
  const norms = new Float64Array(s);
  for (let i = 0; i < s; i++) for (let j = 0; j < d; j++) norms[i] += x[i * d + j] * x[i * d + j];
  for (let a = 0; a < s; a++) {
    for (let b = a + 1; b < s; b++) {
      let dot = 0;
      for (let j = 0, oa = a * d, ob = b * d; j < d; j++) dot += x[oa + j] * x[ob + j];
      out[a * s + b] = out[b * s + a] = Math.sqrt(Math.max(0, norms[a] + norms[b] - 2 * dot));
    }
  }
  return out;
}

/**
 * Mean silhouette of s points with labels in [0, k) (negative labels are ignored, e.g.
 * noise). A point alone in its cluster scores 0, as in scikit-learn.
 */
export function silhouette(dist: Float32Array, s: number, labels: ArrayLike<number>, k: number): number {
  const counts = new Int32Array(k);
  for (let i = 0; i < s; i++) if (labels[i] >= 0) counts[labels[i]]++;
  const sums = new Float64Array(k);
  let total = 0;
  let used = 0;
  for (let i = 0; i < s; i++) {
    const li = labels[i];
    if (li < 0) continue;
    used++;
    if (counts[li] < 2) continue;
    sums.fill(0);
    for (let j = 0, o = i * s; j < s; j++) if (labels[j] >= 0) sums[labels[j]] += dist[o + j];
    const a = sums[li] / (counts[li] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== li && counts[c] > 0) b = Math.min(b, sums[c] / counts[c]);
    if (!Number.isFinite(b)) continue;
    const m = Math.max(a, b);
    total += m > 0 ? (b - a) / m : 0;
  }
  return used ? total / used : 0;
}
