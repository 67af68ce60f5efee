/** "Similar images" on a real DuckDB project: exact cosine ranking against a brute-force reference. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectStore, type ImageRow } from '../../main/store/project-store';
import { Rng } from '../../main/engine/recipe/rng';
import { tempDir } from '../helpers/paths';

const N = 300;
const D = 16;
const row = (relPath: string): ImageRow => ({ relPath, bytes: 10, mtimeMs: 1, width: 32, height: 32, hash: relPath });

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

describe('similar images', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let store: ProjectStore;
  let ids: number[];
  const vec = new Map<number, Float32Array>();
  let removed: number;
  let late: number;
  let zero: number;

  beforeAll(async () => {
    tmp = await tempDir('byol-similar-');
    store = await ProjectStore.open(path.join(tmp.dir, 'proj'));
    await store.upsertImages(Array.from({ length: N + 1 }, (_, i) => row(`f${String(i).padStart(4, '0')}.png`)));
    const byPath = await store.knownFiles();
    ids = Array.from({ length: N }, (_, i) => byPath.get(`f${String(i).padStart(4, '0')}.png`)!.id);
    late = byPath.get(`f${String(N).padStart(4, '0')}.png`)!.id;
    // An older run with other vectors: only the latest run counts.
    const rng = new Rng(7, 'similar-test');
    const old = await store.createRun({ kind: 'old' }, 'import');
    await store.putEmbeddings(old, Int32Array.from(ids), D, Float32Array.from({ length: N * D }, () => rng.next() - 0.5));
    await store.finishRun(old);
    const data = new Float32Array(N * D);
    for (let i = 0; i < N; i++) for (let j = 0; j < D; j++) data[i * D + j] = rng.next() - 0.5 + (j === i % 4 ? 1 : 0);
    // Image 1 is an exact copy of image 0's vector; image 2's vector is all zeros.
    data.copyWithin(D, 0, D);
    data.fill(0, 2 * D, 3 * D);
    zero = ids[2];
    ids.forEach((id, i) => vec.set(id, data.subarray(i * D, (i + 1) * D)));
    const run = await store.createRun({ kind: 'latest' }, 'import');
    await store.putEmbeddings(run, Int32Array.from(ids), D, data);
    await store.finishRun(run);
    removed = ids[5];
    await store.markRemoved(['f0005.png']);
  });
  afterAll(async () => {
    await store.close();
    await tmp.cleanup();
  });

  it('ranks the present images by cosine similarity of the latest run, the image itself first', async () => {
    for (const q of [ids[0], ids[10], ids[123]]) {
      const r = await store.similarImages(q, 50);
      const expected = ids
        .filter((id) => id !== q && id !== removed && id !== zero)
        .map((id) => ({ id, s: cosine(vec.get(q)!, vec.get(id)!) }))
        .sort((a, b) => b.s - a.s)
        .slice(0, 49);
      expect(r.items).toHaveLength(50);
      expect(r.items[0]).toEqual({ id: q, similarity: expect.closeTo(1, 5) as number });
      expect(r.items.slice(1).map((x) => x.id)).toEqual(expected.map((x) => x.id));
      r.items.slice(1).forEach((x, i) => expect(x.similarity).toBeCloseTo(expected[i].s, 5));
      expect(r.items.some((x) => x.id === removed)).toBe(false);
    }
  });

  it('puts the image first even where another has the very same vector, and that one next', async () => {
    const r = await store.similarImages(ids[1], 3);
    expect(r.items.map((x) => x.id)).toEqual([ids[1], ids[0], expect.any(Number) as number]);
    expect(r.items[1].similarity).toBeCloseTo(1, 5);
  });

  it('sorts an all-zero vector last, and can rank from it without failing', async () => {
    const all = await store.similarImages(ids[3], N);
    expect(all.items).toHaveLength(N - 1);
    expect(all.items.at(-1)!.id).toBe(zero);
    const fromZero = await store.similarImages(zero, 5);
    expect(fromZero.items[0].id).toBe(zero);
    expect(fromZero.items).toHaveLength(5);
  });

  it('explains what is missing: a removed or unknown image, one added after training', async () => {
    await expect(store.similarImages(removed, 5)).rejects.toThrow(/not in this project/);
    await expect(store.similarImages(999_999, 5)).rejects.toThrow(/not in this project/);
    await expect(store.similarImages(late, 5)).rejects.toThrow(/no embedding in run-\d{4}: it was added after training/);
  });

  it('asks for training first in a project without embeddings', async () => {
    const other = await ProjectStore.open(path.join(tmp.dir, 'empty'));
    try {
      await other.upsertImages([row('a.png')]);
      const [id] = [...(await other.knownFiles()).values()].map((f) => f.id);
      await expect(other.similarImages(id, 5)).rejects.toThrow(/no embeddings yet. Train the model/);
    } finally {
      await other.close();
    }
  });
});
