/**
 * Seeded synthetic embeddings with the structure real encoders produce: clusters of varying
 * size and spread that each live near a low-dimensional subspace, plus isotropic noise and a
 * few outliers. Used by tests and benchmarks (no model or dataset needs downloading).
 */
import { Rng } from './rng';

export interface SyntheticOptions {
  n: number;
  dim: number;
  clusters: number;
  seed: number;
  /** Intrinsic dimension of each cluster's local variation. */
  rank?: number;
  /** Share of the within-cluster variance that is isotropic noise (0..1). */
  noiseShare?: number;
  /** Fraction of points drawn uniformly at random rather than from a cluster. */
  outliers?: number;
  /** Distance between cluster centres relative to cluster spread (bigger = better separated). */
  separation?: number;
}

export interface SyntheticData {
  data: Float32Array;
  labels: Int32Array;
  n: number;
  dim: number;
}

export function syntheticEmbeddings(o: SyntheticOptions): SyntheticData {
  const { n, dim, clusters, seed } = o;
  const rank = Math.min(o.rank ?? 12, dim);
  const noiseShare = o.noiseShare ?? 0.25;
  const outliers = o.outliers ?? 0.02;
  const separation = o.separation ?? 3;
  const rng = new Rng(seed, 1);
  const centers = new Float32Array(clusters * dim);
  const bases = new Float32Array(clusters * rank * dim);
  const spreads = new Float32Array(clusters);
  // Cluster sizes vary (Dirichlet-like weights) so some clusters are 5-10x bigger than others.
  const weights = new Float64Array(clusters);
  let wsum = 0;
  for (let c = 0; c < clusters; c++) {
    weights[c] = -Math.log(1 - rng.next()) + 0.2;
    wsum += weights[c];
    spreads[c] = 0.5 + rng.next();
    for (let j = 0; j < dim; j++) centers[c * dim + j] = rng.normal() * separation / Math.sqrt(dim) * Math.sqrt(rank);
    // Random directions whose scales decay, like an embedding's spectrum.
    for (let r = 0; r < rank; r++) {
      const scale = spreads[c] / Math.sqrt(1 + r) / Math.sqrt(dim);
      for (let j = 0; j < dim; j++) bases[(c * rank + r) * dim + j] = rng.normal() * scale;
    }
  }
  const cum = new Float64Array(clusters);
  let acc = 0;
  for (let c = 0; c < clusters; c++) cum[c] = acc += weights[c] / wsum;
  const data = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  const z = new Float64Array(rank);
  let signalVar = 0;
  for (let r = 0; r < rank; r++) signalVar += 1 / (1 + r);
  for (let i = 0; i < n; i++) {
    const row = i * dim;
    if (rng.next() < outliers) {
      labels[i] = -1;
      for (let j = 0; j < dim; j++) data[row + j] = rng.normal() * separation * Math.sqrt(rank / dim);
      continue;
    }
    const u = rng.next();
    let c = 0;
    while (c < clusters - 1 && cum[c] < u) c++;
    labels[i] = c;
    for (let r = 0; r < rank; r++) z[r] = rng.normal();
    const noise = spreads[c] * Math.sqrt((signalVar * noiseShare) / (1 - noiseShare) / dim);
    for (let j = 0; j < dim; j++) {
      let v = centers[c * dim + j] + rng.normal() * noise;
      for (let r = 0; r < rank; r++) v += z[r] * bases[(c * rank + r) * dim + j];
      data[row + j] = v;
    }
  }
  return { data, labels, n, dim };
}
