import { describe, expect, it } from 'vitest';
import { gaussianBlobs } from '../../main/analysis/cluster/blobs';
import { exactKnn } from '../../main/analysis/knn-exact';
import { Rng } from '../../main/analysis/rng';
import { exactDuplicateGroups, nearDuplicateGroups, nearDuplicatePairs } from '../../main/analysis/labels/duplicates';
import { outlierScores, percentile, percentileRanks } from '../../main/analysis/labels/outliers';

/** Random embeddings with planted near copies: 10 → 11 (tiny noise), 20 → 21 → 22 (a chain). */
function planted(): { data: Float32Array; n: number; d: number } {
  const n = 400;
  const d = 32;
  const rng = new Rng(3);
  const data = Float32Array.from({ length: n * d }, () => rng.normal());
  const copy = (from: number, to: number, eps: number) => {
    for (let j = 0; j < d; j++) data[to * d + j] = data[from * d + j] + rng.normal() * eps;
  };
  copy(10, 11, 0.01);
  copy(20, 21, 0.08);
  copy(21, 22, 0.08);
  return { data, n, d };
}

describe('near duplicates', () => {
  it('finds planted copies as pairs and joins chains into groups', () => {
    const { data, n, d } = planted();
    const g = exactKnn(data, n, d, 8);
    const pairs = nearDuplicatePairs(g, 0.99);
    const keys = Array.from(pairs.a, (a, t) => `${a}-${pairs.b[t]}`);
    expect(keys).toContain('10-11');
    expect(keys).toContain('20-21');
    expect(keys).toContain('21-22');
    expect(new Set(keys).size).toBe(keys.length);
    for (let t = 1; t < pairs.similarity.length; t++) expect(pairs.similarity[t]).toBeLessThanOrEqual(pairs.similarity[t - 1]);
    const groups = nearDuplicateGroups(g, 0.99).map((x) => Array.from(x));
    expect(groups).toEqual([[10, 11], [20, 21, 22]]);
    // Raising the threshold keeps only the closest copy.
    expect(nearDuplicateGroups(g, 0.9995).map((x) => Array.from(x))).toEqual([[10, 11]]);
    // Random 32-D vectors are far apart: a low threshold is needed before others join.
    expect(nearDuplicatePairs(g, 0.5).a.length).toBeGreaterThanOrEqual(3);
  });

  it('groups exact duplicates by hash and ignores missing hashes', () => {
    const groups = exactDuplicateGroups(['a', 'b', 'a', '', null, 'c', 'b', 'a', undefined, '']);
    expect(groups.map((g) => Array.from(g))).toEqual([[0, 2, 7], [1, 6]]);
  });
});

describe('outliers', () => {
  it('scores points far from every cluster above cluster members', () => {
    const n = 1000;
    const { data, labels } = gaussianBlobs({ n, dim: 16, clusters: 5, seed: 2, spread: 0.05, noise: 0.03 });
    const s = outlierScores(exactKnn(data, n, 16, 10));
    const cut = percentile(s, 97);
    const noise = Array.from(labels.keys()).filter((i) => labels[i] < 0);
    expect(noise.length).toBeGreaterThan(10);
    expect(noise.filter((i) => s[i] >= cut).length / noise.length).toBeGreaterThan(0.7);
    const ranks = percentileRanks(s);
    const meanRank = noise.reduce((a, i) => a + ranks[i], 0) / noise.length;
    expect(meanRank).toBeGreaterThan(0.9);
  });

  it('percentile interpolates like numpy and ranks handle ties', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBeCloseTo(2.5);
    expect(percentile([5, 1, 3], 0)).toBe(1);
    expect(percentile([5, 1, 3], 100)).toBe(5);
    expect(percentile([0, 10], 25)).toBeCloseTo(2.5);
    expect(Array.from(percentileRanks([3, 1, 3, 2, 5]))).toEqual([0.5, 0, 0.5, 0.25, 1]);
  });

  it('uses only the first k neighbours when asked', () => {
    const g = { n: 2, k: 3, indices: Int32Array.from([1, 1, 1, 0, 0, 0]), distances: Float32Array.from([0.1, 0.2, 0.6, 0.3, 0.3, 0.9]) };
    expect(Array.from(outlierScores(g, 2))).toEqual([Math.fround(0.15000000000000002), Math.fround(0.3)]);
    expect(outlierScores(g)[0]).toBeCloseTo(0.3);
  });
});
