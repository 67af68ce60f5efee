import { describe, expect, it } from 'vitest';
import { gaussianBlobs } from '../../main/analysis/cluster/blobs';
import { exactKnn } from '../../main/analysis/knn-exact';
import { Rng } from '../../main/analysis/rng';
import { knnAffinity, normalizeSymmetric } from '../../main/analysis/labels/csr';
import { knnClassify } from '../../main/analysis/labels/knn-classify';
import { spreadLabels, spreadOperator, spreadWith } from '../../main/analysis/labels/spreading';

/** Two interleaved half-moons, lifted to z = 6 so cosine distance tracks planar distance. */
function moons(n: number, seed: number): { data: Float32Array; y: Int32Array } {
  const rng = new Rng(seed);
  const data = new Float32Array(n * 3);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    // Ids 0 and 1 sit at the outer tip of their moon; the rest are spread along it.
    const t = i < 2 ? 0 : Math.PI * rng.next();
    const c = i % 2;
    data[i * 3] = (c === 0 ? Math.cos(t) : 1 - Math.cos(t)) + rng.normal() * 0.05;
    data[i * 3 + 1] = (c === 0 ? Math.sin(t) : 0.5 - Math.sin(t)) + rng.normal() * 0.05;
    data[i * 3 + 2] = 6;
    y[i] = c;
  }
  return { data, y };
}

function accuracy(pred: Int32Array, y: Int32Array, skip: Set<number>): number {
  let ok = 0;
  let all = 0;
  for (let i = 0; i < y.length; i++) {
    if (skip.has(i) || y[i] < 0) continue;
    all++;
    if (pred[i] === y[i]) ok++;
  }
  return ok / all;
}

describe('kNN affinity (CSR)', () => {
  it('is symmetric, has no self loops, and S = D^-1/2 W D^-1/2 has spectral radius 1', () => {
    const { data } = gaussianBlobs({ n: 300, dim: 8, clusters: 3, seed: 1, spread: 0.1 });
    const g = exactKnn(data, 300, 8, 6);
    for (const kind of ['heat', 'cosine'] as const) {
      const w = knnAffinity(g, kind);
      const entries = new Map<number, number>();
      for (let i = 0; i < 300; i++) for (let p = w.indptr[i]; p < w.indptr[i + 1]; p++) entries.set(i * 300 + w.indices[p], w.values[p]);
      const at = (i: number, j: number) => entries.get(i * 300 + j) ?? 0;
      for (let i = 0; i < 300; i++)
        for (let p = w.indptr[i]; p < w.indptr[i + 1]; p++) {
          expect(w.indices[p]).not.toBe(i);
          if (p > w.indptr[i]) expect(w.indices[p]).toBeGreaterThan(w.indices[p - 1]);
          expect(at(w.indices[p], i)).toBeCloseTo(w.values[p], 6);
        }
      // Every kNN edge is present.
      for (let t = 0; t < 6; t++) expect(at(0, g.indices[t])).toBeGreaterThan(0);
      // Power iteration on S converges to eigenvalue 1 (eigenvector D^1/2 · 1).
      const s = normalizeSymmetric(w);
      let v = new Float64Array(300).fill(1);
      let lambda = 0;
      for (let it = 0; it < 200; it++) {
        const nv = new Float64Array(300);
        for (let i = 0; i < 300; i++) for (let p = s.indptr[i]; p < s.indptr[i + 1]; p++) nv[i] += s.values[p] * v[s.indices[p]];
        const norm = Math.sqrt(nv.reduce((a, x) => a + x * x, 0));
        lambda = norm / Math.sqrt(v.reduce((a, x) => a + x * x, 0));
        v = nv.map((x) => x / norm);
      }
      expect(lambda).toBeCloseTo(1, 3);
    }
  });
});

describe('label spreading', () => {
  it('follows the manifold where kNN from the same few labels cannot', () => {
    const n = 800;
    const { data, y } = moons(n, 2);
    const g = exactKnn(data, n, 3, 10);
    // One label per moon, at an end of each moon.
    const seeds = new Int32Array(n).fill(-1);
    seeds[0] = 0;
    seeds[1] = 1;
    const r = spreadLabels(g, seeds, 2, { maxIter: 400 });
    const knn = knnClassify(data, n, 3, [0, 1], [0, 1], 2, { k: 1 });
    const skip = new Set([0, 1]);
    const accSpread = accuracy(r.predicted, y, skip);
    const accKnn = accuracy(knn.predicted, y, skip);
    expect(accSpread).toBeGreaterThan(0.97);
    expect(accKnn).toBeLessThan(0.9);
    for (let i = 0; i < n; i++) {
      expect(r.confidence[i]).toBeGreaterThanOrEqual(0.5 - 1e-6);
      expect(r.confidence[i]).toBeLessThanOrEqual(1 + 1e-6);
    }
  });

  it('labels Gaussian clusters from 3 labels each, with confidence higher for correct predictions', () => {
    const n = 3000;
    const { data, labels } = gaussianBlobs({ n, dim: 32, clusters: 6, seed: 3, spread: 0.17 });
    const g = exactKnn(data, n, 32, 15);
    const seeds = new Int32Array(n).fill(-1);
    const skip = new Set<number>();
    for (let i = 0; i < 18; i++) {
      seeds[i] = labels[i];
      skip.add(i);
    }
    for (const affinity of ['heat', 'cosine'] as const) {
      const r = spreadLabels(g, seeds, 6, { affinity });
      expect(accuracy(r.predicted, labels, skip)).toBeGreaterThan(0.95);
      let cRight = 0;
      let nRight = 0;
      let cWrong = 0;
      let nWrong = 0;
      for (let i = 0; i < n; i++) {
        if (r.predicted[i] === labels[i]) {
          cRight += r.confidence[i];
          nRight++;
        } else {
          cWrong += r.confidence[i];
          nWrong++;
        }
      }
      if (nWrong > 0) expect(cRight / nRight).toBeGreaterThan(cWrong / nWrong);
      expect(r.iterations).toBeLessThanOrEqual(50);
    }
    // A prepared operator gives the same answer and can be reused as labels change.
    const op = spreadOperator(g);
    expect(Array.from(spreadWith(op, seeds, 6).predicted)).toEqual(Array.from(spreadLabels(g, seeds, 6).predicted));
    seeds[18] = labels[18];
    expect(spreadWith(op, seeds, 6).predicted[18]).toBe(labels[18]);
  });

  it('normalises class mass, so a tight class does not swallow a wide one it overlaps', () => {
    // Two overlapping classes in 16-D, one tight and one wide, 10 seeds each. Unnormalised
    // scores pile up in the tight class (its seeds sit in the densest part of the graph).
    for (const seed of [1, 2, 3]) {
      const n = 2000, d = 16, rng = new Rng(seed);
      const data = new Float32Array(n * d);
      const y = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        y[i] = i % 2;
        for (let j = 0; j < d; j++) data[i * d + j] = (j === 0 ? (y[i] ? 0.5 : -0.5) : j === 1 ? 3 : 0) + rng.normal() * (y[i] ? 0.9 : 0.3);
      }
      const g = exactKnn(data, n, d, 15);
      const seeds = new Int32Array(n).fill(-1);
      for (let i = 0; i < 20; i++) seeds[i] = y[i];
      const skip = new Set(Array.from({ length: 20 }, (_, i) => i));
      const wideShare = (p: Int32Array) => p.reduce((a, v, i) => a + (i >= 20 && v === 1 ? 1 : 0), 0) / (n - 20);
      const raw = spreadLabels(g, seeds, 2, { massNormalize: false });
      const cmn = spreadLabels(g, seeds, 2);
      expect(accuracy(cmn.predicted, y, skip)).toBeGreaterThan(accuracy(raw.predicted, y, skip));
      expect(Math.abs(wideShare(cmn.predicted) - 0.5)).toBeLessThan(Math.abs(wideShare(raw.predicted) - 0.5));
    }
  });

  it('leaves points no label can reach unpredicted', () => {
    const { data } = gaussianBlobs({ n: 200, dim: 8, clusters: 2, seed: 4, spread: 0.01 });
    const g = exactKnn(data, 200, 8, 5);
    const seeds = new Int32Array(200).fill(-1);
    seeds[0] = 0; // only blob 0 (even ids) has a label; the graph has two components
    const r = spreadLabels(g, seeds, 2);
    for (let i = 0; i < 200; i++) {
      expect(r.predicted[i]).toBe(i % 2 === 0 ? 0 : -1);
      if (i % 2) expect(r.confidence[i]).toBe(0);
    }
  });
});
