import { describe, expect, it } from 'vitest';
import { gaussianBlobs, purity } from '../../main/analysis/cluster/blobs';
import { condenseTree, selectClusters, stabilities } from '../../main/analysis/cluster/condensed-tree';
import { hdbscan } from '../../main/analysis/cluster/hdbscan';
import { exactKnn } from '../../main/analysis/knn-exact';

describe('condensed tree and excess of mass', () => {
  it('matches a hand-computed tree: two groups of 5, joined at distance 1, one point at distance 2', () => {
    // Edges: chains inside A = 0..4 and B = 5..9 at 0.1, A–B at 1, point 10 at 2 (sorted).
    const a = [0, 1, 2, 3, 5, 6, 7, 8, 4, 9];
    const b = [1, 2, 3, 4, 6, 7, 8, 9, 5, 10];
    const w = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 1, 2];
    const tree = condenseTree({ a: Int32Array.from(a), b: Int32Array.from(b), w: Float64Array.from(w) }, 11, 3);
    // Root 0 plus the two groups, born at λ = 1/1.
    expect(Array.from(tree.parent)).toEqual([-1, 0, 0]);
    expect(Array.from(tree.birth)).toEqual([0, 1, 1]);
    expect(Array.from(tree.size)).toEqual([11, 5, 5]);
    expect(tree.pointCluster[10]).toBe(0);
    expect(tree.pointLambda[10]).toBeCloseTo(0.5);
    for (let p = 0; p < 10; p++) expect(tree.pointLambda[p]).toBeCloseTo(10);
    const st = stabilities(tree);
    // Each group: 5 points × (10 − 1); root: point 10 × 0.5 + both groups × 5 × (1 − 0).
    expect(st[1]).toBeCloseTo(45);
    expect(st[2]).toBeCloseTo(45);
    expect(st[0]).toBeCloseTo(10.5);
    expect(Array.from(selectClusters(tree, st))).toEqual([0, 1, 1]);
    // With the root allowed, it still loses: 10.5 < 45 + 45.
    expect(Array.from(selectClusters(tree, st, true))).toEqual([0, 1, 1]);
    // A group too small for minClusterSize 6: no split, everything stays in the root.
    const flat = condenseTree({ a: Int32Array.from(a), b: Int32Array.from(b), w: Float64Array.from(w) }, 11, 6);
    expect(flat.parent.length).toBe(1);
    expect(Array.from(selectClusters(flat, stabilities(flat)))).toEqual([0]);
    expect(Array.from(selectClusters(flat, stabilities(flat), true))).toEqual([1]);
  });
});

describe('hdbscan over a cosine kNN graph', () => {
  it('finds the blobs and labels scattered points as noise', () => {
    const n = 2400;
    const dim = 16;
    const { data, labels } = gaussianBlobs({ n, dim, clusters: 4, seed: 7, spread: 0.04, noise: 0.1 });
    const graph = exactKnn(data, n, dim, 15);
    const r = hdbscan(graph, { minClusterSize: 30, minSamples: 10 });
    expect(r.clusterCount).toBe(4);
    const inBlob = Array.from(labels.keys()).filter((i) => labels[i] >= 0);
    const noise = Array.from(labels.keys()).filter((i) => labels[i] < 0);
    expect(noise.length).toBeGreaterThan(150);
    // Blob points: nearly all assigned, and each found cluster is one blob.
    const assigned = inBlob.filter((i) => r.labels[i] >= 0);
    expect(assigned.length / inBlob.length).toBeGreaterThan(0.95);
    expect(purity(assigned.map((i) => labels[i]), assigned.map((i) => r.labels[i]))).toBeGreaterThan(0.99);
    expect(noise.filter((i) => r.labels[i] < 0).length / noise.length).toBeGreaterThan(0.8);
    for (const i of assigned) expect(r.probabilities[i]).toBeGreaterThan(0);
    expect(r.stability.length).toBe(4);
  });

  it('joins a disconnected graph and still separates its parts', () => {
    // Two far-apart blobs with k small enough that the kNN graph has two components.
    const n = 400;
    const { data, labels } = gaussianBlobs({ n, dim: 8, clusters: 2, seed: 9, spread: 0.01 });
    const graph = exactKnn(data, n, 8, 5);
    for (const opts of [{}, { data, dim: 8 }]) {
      const r = hdbscan(graph, { minClusterSize: 20, minSamples: 5, ...opts });
      expect(r.clusterCount).toBe(2);
      expect(purity(labels, r.labels)).toBe(1);
    }
  });

  it('returns all noise for uniform data rather than inventing clusters', () => {
    const { data } = gaussianBlobs({ n: 600, dim: 12, clusters: 1, seed: 3, noise: 1 });
    const r = hdbscan(exactKnn(data, 600, 12, 10), { minClusterSize: 100 });
    const noise = r.labels.filter((l) => l < 0).length;
    expect(r.clusterCount <= 1 || noise > 400).toBe(true);
  });
});
