/**
 * Seeded Gaussian blobs for tests and benchmarks: well-separated cluster centres with
 * isotropic spread, plus optional uniform noise points (label −1). The structure is known,
 * so clustering and propagation results can be checked against it.
 */
import { Rng } from '../rng';

export interface BlobOptions {
  n: number;
  dim: number;
  clusters: number;
  seed: number;
  /** Standard deviation of each coordinate around the centre; centres have unit norm. */
  spread?: number;
  /** Fraction of points drawn uniformly from [−1, 1]^dim (label −1). */
  noise?: number;
}

export function gaussianBlobs(o: BlobOptions): { data: Float32Array; labels: Int32Array } {
  const { n, dim, clusters } = o;
  const rng = new Rng(o.seed, 51);
  const spread = o.spread ?? 0.05;
  const centres = new Float64Array(clusters * dim);
  for (let c = 0; c < clusters; c++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += (centres[c * dim + j] = rng.normal()) ** 2;
    for (let j = 0; j < dim; j++) centres[c * dim + j] /= Math.sqrt(s);
  }
  const data = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (rng.next() < (o.noise ?? 0)) {
      labels[i] = -1;
      for (let j = 0; j < dim; j++) data[i * dim + j] = rng.next() * 2 - 1;
      continue;
    }
    const c = i % clusters;
    labels[i] = c;
    for (let j = 0; j < dim; j++) data[i * dim + j] = centres[c * dim + j] + rng.normal() * spread;
  }
  return { data, labels };
}

/** Fraction of points whose label equals the majority label of their true group (purity). */
export function purity(truth: ArrayLike<number>, found: ArrayLike<number>): number {
  const counts = new Map<string, number>();
  const best = new Map<number, number>();
  for (let i = 0; i < truth.length; i++) {
    const key = `${found[i]}:${truth[i]}`;
    const c = (counts.get(key) ?? 0) + 1;
    counts.set(key, c);
    best.set(found[i], Math.max(best.get(found[i]) ?? 0, c));
  }
  let s = 0;
  for (const v of best.values()) s += v;
  return s / truth.length;
}
