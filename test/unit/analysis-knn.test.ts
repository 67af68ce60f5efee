import { describe, expect, it } from 'vitest';
import { exactKnn, recallAgainst } from '../../main/analysis/knn-exact';
import { knnGraph } from '../../main/analysis/knn';
import { syntheticEmbeddings } from '../../main/analysis/synthetic';
import { sampleRows } from '../../main/analysis/quality';

function naiveCosineKnn(data: Float32Array, n: number, d: number, k: number) {
  const norm = (i: number) => Math.sqrt(data.subarray(i * d, (i + 1) * d).reduce((s, x) => s + x * x, 0));
  const out: { j: number; dist: number }[][] = [];
  for (let i = 0; i < n; i++) {
    const row: { j: number; dist: number }[] = [];
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let dot = 0;
      for (let c = 0; c < d; c++) dot += data[i * d + c] * data[j * d + c];
      row.push({ j, dist: 1 - dot / (norm(i) * norm(j)) });
    }
    row.sort((a, b) => a.dist - b.dist);
    out.push(row.slice(0, k));
  }
  return out;
}

/** Counts rows that break the contract: self, out of range, duplicate or unsorted entries. */
function malformedRows(g: { n: number; k: number; indices: Int32Array; distances: Float32Array }): number {
  let bad = 0;
  for (let i = 0; i < g.n; i++) {
    const row = new Set<number>();
    let ok = true;
    for (let t = 0; t < g.k; t++) {
      const j = g.indices[i * g.k + t];
      if (j === i || j < 0 || j >= g.n) ok = false;
      if (t > 0 && g.distances[i * g.k + t] < g.distances[i * g.k + t - 1]) ok = false;
      row.add(j);
    }
    if (!ok || row.size !== g.k) bad++;
  }
  return bad;
}

const sameArray = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (x: number, i: number) => x === b[i]);

describe('cosine kNN graph', () => {
  it('exact search agrees with a plain double loop', () => {
    const { data, n, dim } = syntheticEmbeddings({ n: 300, dim: 21, clusters: 5, seed: 4 });
    const g = exactKnn(data, n, dim, 8);
    const ref = naiveCosineKnn(data, n, dim, 8);
    expect(malformedRows(g)).toBe(0);
    for (let i = 0; i < n; i++)
      for (let t = 0; t < 8; t++) expect(g.distances[i * 8 + t]).toBeCloseTo(ref[i][t].dist, 4);
    expect(recallAgainst(g, { n, k: 8, indices: Int32Array.from(ref.flatMap((r) => r.map((e) => e.j))), distances: new Float32Array(n * 8) }, sampleRows(n, n))).toBeGreaterThan(0.99);
  });

  it('approximate search (PCA + RP forest + NN-descent) has recall@15 ≥ 0.9 and is seeded', async () => {
    const { data, n, dim } = syntheticEmbeddings({ n: 6000, dim: 256, clusters: 40, seed: 5 });
    const timings: Record<string, number> = {};
    const g = await knnGraph(data, n, dim, { k: 15, seed: 9, exactBelow: 0 }, timings);
    expect(timings['nn-descent']).toBeGreaterThan(0); // the approximate path really ran
    expect(malformedRows(g)).toBe(0);
    const rows = sampleRows(n, 400);
    const truth = exactKnn(data, n, dim, 15, rows);
    const recall = recallAgainst(g, truth, rows);
    console.log(`kNN recall@15 on 6000 × 256: ${recall.toFixed(4)}`);
    expect(recall).toBeGreaterThanOrEqual(0.9);
    // Distances are true cosine distances of the listed neighbours.
    for (const i of [0, 1234, 5999]) {
      const j = g.indices[i * 15];
      let dot = 0, ni = 0, nj = 0;
      for (let c = 0; c < dim; c++) {
        dot += data[i * dim + c] * data[j * dim + c];
        ni += data[i * dim + c] ** 2;
        nj += data[j * dim + c] ** 2;
      }
      expect(g.distances[i * 15]).toBeCloseTo(1 - dot / Math.sqrt(ni * nj), 4);
    }
    const again = await knnGraph(data, n, dim, { k: 15, seed: 9, exactBelow: 0 });
    expect(sameArray(again.indices, g.indices)).toBe(true);
  });

  it('handles k larger than the data and duplicate points', async () => {
    const data = new Float32Array(6 * 4).fill(1);
    data.set([1, 0, 0, 0], 20);
    const g = await knnGraph(data, 6, 4, { k: 15 });
    expect(g.k).toBe(5);
    expect(malformedRows(g)).toBe(0);
    expect(g.distances[0]).toBeCloseTo(0, 6);
  });
});
