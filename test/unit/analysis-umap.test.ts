import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/paths';
import { exactKnn } from '../../main/analysis/knn-exact';
import { findAbParams } from '../../main/analysis/ab-params';
import { fuzzySimplicialSet } from '../../main/analysis/fuzzy-graph';
import { knnGraph } from '../../main/analysis/knn';
import { pca } from '../../main/analysis/pca';
import { labelAccuracy } from '../../main/analysis/quality';
import { syntheticEmbeddings } from '../../main/analysis/synthetic';
import { Umap } from '../../main/analysis/umap';
import { poolEpochRunner } from '../../main/analysis/umap-parallel';
import { WorkerPool } from '../../main/analysis/worker-pool';

// Well-separated Gaussian clusters: 2000 points, 10 clusters, 64-D, seeded.
const blobs = syntheticEmbeddings({ n: 2000, dim: 64, clusters: 10, seed: 42, rank: 64, noiseShare: 0.5, outliers: 0, separation: 4 });
const knn = await knnGraph(blobs.data, blobs.n, blobs.dim, { k: 15, seed: 1 });
const init = pca(blobs.data, blobs.n, blobs.dim, 3, { seed: 1 }).coords;
let pool: WorkerPool | null = null;
afterAll(async () => {
  await pool?.close();
});

describe('UMAP', () => {
  it('fits the same a, b as umap-learn for min_dist 0.1 and 0.5', () => {
    const d = findAbParams(1, 0.1);
    expect(d.a).toBeCloseTo(1.5769, 3); // umap-learn 0.5: a=1.5769434, b=0.8950608
    expect(d.b).toBeCloseTo(0.8951, 3);
    const w = findAbParams(1, 0.5);
    expect(w.a).toBeCloseTo(0.5830, 2); // umap-learn: a=0.5830300, b=1.3341669
    expect(w.b).toBeCloseTo(1.3342, 2);
  });

  it('builds a symmetric fuzzy graph with memberships in (0, 1]', () => {
    const g = fuzzySimplicialSet(knn, 15);
    const w = new Map<string, number>();
    let bad = 0;
    for (let e = 0; e < g.head.length; e++) {
      if (!(g.weight[e] > 0 && g.weight[e] <= 1) || g.head[e] === g.tail[e]) bad++;
      if (e > 0 && (g.head[e] < g.head[e - 1] || (g.head[e] === g.head[e - 1] && g.tail[e] <= g.tail[e - 1]))) bad++;
      w.set(`${g.head[e]},${g.tail[e]}`, g.weight[e]);
    }
    expect(bad).toBe(0);
    let asym = 0;
    for (let e = 0; e < g.head.length; e++) if (w.get(`${g.tail[e]},${g.head[e]}`) !== g.weight[e]) asym++;
    expect(asym).toBe(0);
    // Each point's nearest neighbour is at distance rho: membership exactly 1.
    let ones = 0;
    for (let e = 0; e < g.head.length; e++) if (g.weight[e] === 1) ones++;
    expect(ones).toBeGreaterThanOrEqual(blobs.n);
  });

  // Opt-in: importing umap-learn and JIT-compiling its numba code takes 30-60 s.
  const noUmapLearn =
    process.env.BYOL_TEST_UMAP_LEARN !== '1'
      ? 'set BYOL_TEST_UMAP_LEARN=1 to compare with umap-learn (slow: numba JIT)'
      : spawnSync('/usr/bin/python3', ['-c', 'import umap']).status === 0
        ? null
        : 'umap-learn (Debian python3-umap-learn) is not installed';
  it.skipIf(noUmapLearn !== null)('builds the same fuzzy graph as umap-learn from the same kNN', async () => {
    const s = syntheticEmbeddings({ n: 400, dim: 24, clusters: 5, seed: 8 });
    const g = exactKnn(s.data, s.n, s.dim, 15);
    const { dir, cleanup } = await tempDir();
    try {
      writeFileSync(path.join(dir, 'idx'), g.indices);
      writeFileSync(path.join(dir, 'dist'), g.distances);
      // umap-learn counts the point itself as its first neighbour.
      const py = `
import sys, numpy as np
from umap.umap_ import fuzzy_simplicial_set
d, n = sys.argv[1], 400
idx = np.fromfile(d + '/idx', dtype=np.int32).reshape(n, 15)
dist = np.fromfile(d + '/dist', dtype=np.float32).reshape(n, 15)
I = np.hstack([np.arange(n)[:, None], idx[:, :14]]).astype(np.int64)
D = np.hstack([np.zeros((n, 1), np.float32), dist[:, :14]])
G = fuzzy_simplicial_set(np.zeros((n, 1)), 15, 0, 'euclidean', knn_indices=I, knn_dists=D)[0].toarray()
G.astype(np.float32).tofile(d + '/graph')
`;
      const r = spawnSync('/usr/bin/python3', ['-c', py, dir], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const ref = new Float32Array(readFileSync(path.join(dir, 'graph')).buffer.slice(0));
      const ours = fuzzySimplicialSet(g, 15);
      const dense = new Float32Array(400 * 400);
      for (let e = 0; e < ours.head.length; e++) dense[ours.head[e] * 400 + ours.tail[e]] = ours.weight[e];
      let diff = 0;
      for (let i = 0; i < dense.length; i++) diff = Math.max(diff, Math.abs(dense[i] - ref[i]));
      expect(diff).toBeLessThan(1e-4);
    } finally {
      await cleanup();
    }
  });
  if (noUmapLearn) console.log(`skipping the umap-learn comparison: ${noUmapLearn}`);

  it('keeps well-separated clusters apart in 3D (kNN label accuracy ≥ 0.95)', async () => {
    expect(new Umap().initializeFit(knn)).toBe(500); // umap-learn's default below 10k points
    // A random start, so the clusters must come from the layout, not from a PCA start.
    const u = new Umap({ seed: 3, nEpochs: 200 });
    u.initializeFit(knn);
    const before = labelAccuracy(u.getEmbedding(), 3, blobs.labels, 15);
    const coords = await u.run();
    const acc = labelAccuracy(coords, 3, blobs.labels, 15);
    console.log(`3D kNN label accuracy: random start ${before.toFixed(3)} → UMAP ${acc.toFixed(3)}`);
    expect(before).toBeLessThan(0.5);
    expect(acc).toBeGreaterThanOrEqual(0.95);
    expect(coords.every(Number.isFinite)).toBe(true);
  });

  it('gives identical layouts on one thread and on two workers, and stops when asked', async () => {
    pool = new WorkerPool(2);
    const a = new Umap({ seed: 5, nEpochs: 60 });
    a.initializeFit(knn, init);
    const inline = Float32Array.from(await a.run());
    const b = new Umap({ seed: 5, nEpochs: 60 });
    b.initializeFit(knn, init);
    const seen: number[] = [];
    const par = await b.run((epoch, total) => {
      seen.push(epoch);
      expect(total).toBe(60);
    }, poolEpochRunner(pool), 10);
    expect(seen).toEqual([10, 20, 30, 40, 50, 60]);
    let diff = 0;
    for (let i = 0; i < inline.length; i++) diff = Math.max(diff, Math.abs(inline[i] - par[i]));
    expect(diff).toBe(0);
    const c = new Umap({ seed: 5, nEpochs: 60 });
    c.initializeFit(knn, init);
    await c.run((epoch) => epoch < 20, undefined, 10);
    expect(c.currentEpoch).toBe(20);
    // A different seed gives a different layout.
    const d = new Umap({ seed: 6, nEpochs: 60 });
    d.initializeFit(knn, init);
    const other = await d.run();
    expect(other.some((x, i) => x !== inline[i])).toBe(true);
  });

  it('steps one epoch at a time like umap-js', () => {
    const u = new Umap({ seed: 1, nEpochs: 3, nComponents: 2 });
    u.initializeFit(knn);
    expect(u.step()).toBe(1);
    expect(u.step()).toBe(2);
    expect(u.step()).toBe(3);
    expect(u.step()).toBe(3);
    expect(u.getEmbedding().length).toBe(blobs.n * 2);
  });
});
