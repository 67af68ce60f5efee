import { describe, expect, it } from 'vitest';
import { gaussianBlobs, purity } from '../../main/analysis/cluster/blobs';
import { chooseK } from '../../main/analysis/cluster/choose-k';
import { kmeans } from '../../main/analysis/cluster/kmeans';
import { Rng } from '../../main/analysis/rng';
import { pairwiseDistances, silhouette } from '../../main/analysis/cluster/silhouette';

describe('kmeans', () => {
  it('recovers well-separated blobs and is repeatable with a seed', () => {
    const { data, labels } = gaussianBlobs({ n: 3000, dim: 32, clusters: 6, seed: 1, spread: 0.08 });
    const a = kmeans(data, 3000, 32, 6, { seed: 3 });
    const b = kmeans(data, 3000, 32, 6, { seed: 3 });
    expect(purity(labels, a.labels)).toBeGreaterThan(0.99);
    expect(purity(a.labels, labels)).toBeGreaterThan(0.99);
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(a.sizes.reduce((s, v) => s + v, 0)).toBe(3000);
    // Cosine mode: centroids are means of unit rows, so their norms are at most 1.
    for (let c = 0; c < 6; c++) {
      let s = 0;
      for (let j = 0; j < 32; j++) s += a.centroids[c * 32 + j] ** 2;
      expect(Math.sqrt(s)).toBeLessThanOrEqual(1 + 1e-5);
      expect(Math.sqrt(s)).toBeGreaterThan(0.9);
    }
  });

  it('clusters in a PCA reduction above `dims` dimensions and still finds the blobs', () => {
    const { data, labels } = gaussianBlobs({ n: 2000, dim: 256, clusters: 5, seed: 2, spread: 0.04 });
    const r = kmeans(data, 2000, 256, 5, { seed: 1, dims: 16 });
    expect(purity(labels, r.labels)).toBeGreaterThan(0.99);
    expect(r.iterations).toBeLessThanOrEqual(30);
  });

  it('refines sample-chosen centres on all rows when the input is large', () => {
    const { data, labels } = gaussianBlobs({ n: 3000, dim: 16, clusters: 8, seed: 6, spread: 0.05 });
    const r = kmeans(data, 3000, 16, 8, { seed: 2, sampleSize: 400 });
    expect(purity(labels, r.labels)).toBeGreaterThan(0.99);
    expect(Array.from(r.sizes).every((s) => s > 300)).toBe(true);
  });

  it('separates two distinct repeated points (zero spread) into two clusters', () => {
    const data = new Float32Array(20 * 4);
    for (let i = 0; i < 20; i++) data[i * 4 + (i % 2)] = 1;
    const r = kmeans(data, 20, 4, 2, { seed: 0 });
    expect(new Set(r.labels).size).toBe(2);
  });
});

describe('silhouette and chooseK', () => {
  it('silhouette is near 1 for tight separated groups and near 0 for a random split', () => {
    const { data, labels } = gaussianBlobs({ n: 300, dim: 8, clusters: 3, seed: 4, spread: 0.02 });
    const dist = pairwiseDistances(data, 300, 8);
    expect(silhouette(dist, 300, labels, 3)).toBeGreaterThan(0.9);
    const rng = new Rng(11);
    const random = Int32Array.from({ length: 300 }, () => rng.int(2));
    expect(Math.abs(silhouette(dist, 300, random, 2))).toBeLessThan(0.15);
  });

  it('picks the true number of clusters and reports a score for every k tried', () => {
    const { data } = gaussianBlobs({ n: 3000, dim: 48, clusters: 7, seed: 5, spread: 0.06 });
    const r = chooseK(data, 3000, 48, { kMin: 2, kMax: 12, seed: 1, fitSize: 1500, sampleSize: 800 });
    expect(r.scores.map((s) => s.k)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(r.k).toBe(7);
    for (const s of r.scores) expect(s.silhouette).toBeLessThanOrEqual(r.scores.find((x) => x.k === 7)!.silhouette);
  });
});
