import { describe, expect, it } from 'vitest';
import { projectEmbeddings } from '../../main/analysis/project';
import { projectInWorker } from '../../main/analysis/projection-host';
import { labelAccuracy } from '../../main/analysis/quality';
import { syntheticEmbeddings } from '../../main/analysis/synthetic';

const emb = syntheticEmbeddings({ n: 2500, dim: 96, clusters: 8, seed: 11 });

describe('projectEmbeddings', () => {
  it('streams a preview, then epochs, and returns kNN + 3D layout; threads do not change it', async () => {
    const events: string[] = [];
    const one = await projectEmbeddings(emb.data, emb.n, emb.dim, {
      seed: 2,
      nEpochs: 100,
      threads: 1,
      epochsPerUpdate: 25,
      onPreview: (c) => events.push(`preview:${c.length}`),
      onEpoch: (e, total) => void events.push(`epoch:${e}/${total}`),
    });
    expect(events).toEqual([`preview:${emb.n * 3}`, 'epoch:25/100', 'epoch:50/100', 'epoch:75/100', 'epoch:100/100']);
    expect(one.knn.n).toBe(emb.n);
    expect(one.knn.k).toBe(15);
    expect(one.coords.length).toBe(emb.n * 3);
    expect(one.seconds).toBeGreaterThan(0);
    expect(Object.keys(one.timings)).toEqual(expect.arrayContaining(['load', 'preview', 'knn', 'umap-graph', 'umap-sgd']));
    const acc = labelAccuracy(one.coords, 3, emb.labels.map((l) => (l < 0 ? 99 : l)), 10);
    expect(acc).toBeGreaterThan(0.9);
    const two = await projectEmbeddings(emb.data, emb.n, emb.dim, { seed: 2, nEpochs: 100, threads: 2 });
    expect(two.coords.every((x, i) => x === one.coords[i])).toBe(true);
  });

  it('rejects bad input and honours an abort signal', async () => {
    await expect(projectEmbeddings(new Float32Array(10), 5, 4)).rejects.toThrow(/5 × 4/);
    const ac = new AbortController();
    const run = projectEmbeddings(emb.data, emb.n, emb.dim, {
      threads: 1,
      onEpoch: (e) => {
        if (e >= 10) ac.abort();
      },
      signal: ac.signal,
    });
    await expect(run).rejects.toThrow(/cancelled/);
  });
});

describe('projectInWorker', () => {
  it('runs the pipeline on a worker thread, streams layouts and can stop early', async () => {
    let preview: Float32Array | null = null;
    let updates = 0;
    const r = await projectInWorker(emb.data, emb.n, emb.dim, {
      seed: 2,
      onPreview: (c) => (preview = c),
      onEpoch: (e) => {
        updates++;
        return e < 40;
      },
    });
    expect(preview).toBeInstanceOf(Float32Array);
    expect(preview!.length).toBe(emb.n * 3);
    expect(updates).toBeGreaterThanOrEqual(8);
    expect(r.epochs).toBeLessThan(100); // stopped well before umap-learn's 500
    expect(r.coords).toBeInstanceOf(Float32Array);
    expect(r.knn.indices).toBeInstanceOf(Int32Array);
    expect(r.coords.length).toBe(emb.n * 3);
  });

  it('rejects with AbortError when cancelled', async () => {
    const ac = new AbortController();
    const run = projectInWorker(emb.data, emb.n, emb.dim, { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });
});
