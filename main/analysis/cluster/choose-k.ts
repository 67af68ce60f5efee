/**
 * Picks k for k-means by the silhouette score, computed on a seeded sample so the cost does
 * not grow with n. Distances are Euclidean in the space k-means works in (normalised rows,
 * PCA-reduced above `dims`), so the score judges the same geometry the clustering saw. Every k tried is returned with its score so the UI can plot the curve and
 * let the user override the choice.
 */
import { Rng } from '../rng';
import { lloyd, prepareRows, type KMeansOptions } from './kmeans';
import { gatherRows, sampleIndices } from './rows';
import { pairwiseDistances, silhouette } from './silhouette';

export interface ChooseKOptions extends KMeansOptions {
  kMin?: number;
  kMax?: number;
  /** Points each trial k-means is fitted on (a seeded sample). */
  fitSize?: number;
  /** Points the silhouette is measured on (a subset of the fit sample). */
  sampleSize?: number;
}

export interface KScore {
  k: number;
  silhouette: number;
  inertia: number;
}

export interface ChooseKResult {
  /** The k with the highest silhouette. */
  k: number;
  scores: KScore[];
}

export function chooseK(data: Float32Array, n: number, d: number, o: ChooseKOptions = {}): ChooseKResult {
  const seed = o.seed ?? 0;
  const { x, dim } = prepareRows(data, n, d, o);
  const fit = sampleIndices(n, o.fitSize ?? 4000, new Rng(seed, 41));
  const fx = gatherRows(x, dim, fit);
  const m = fit.length;
  const s = Math.min(m, o.sampleSize ?? 2000);
  // The fit sample is already in random order, so its first s rows are a random subset.
  const dist = pairwiseDistances(fx, s, dim);
  const kMin = Math.max(2, o.kMin ?? 2);
  const kMax = Math.max(kMin, Math.min(o.kMax ?? 30, m - 1));
  const scores: KScore[] = [];
  for (let k = kMin; k <= kMax; k++) {
    const r = lloyd(fx, m, dim, k, { seed: seed + k, maxIter: o.maxIter ?? 20, tol: o.tol, restarts: o.restarts ?? 2 });
    scores.push({ k, silhouette: silhouette(dist, s, r.labels.subarray(0, s), k), inertia: r.inertia });
  }
  let best = scores[0];
  for (const sc of scores) if (sc.silhouette > best.silhouette) best = sc;
  return { k: best.k, scores };
}
