import { writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../main/api/errors';
import { ProjectStore, type ImageRow } from '../../main/store/project-store';
import { LATEST_VERSION } from '../../main/store/migrations';
import { tempDir } from '../helpers/paths';

const row = (relPath: string, hash: string, bytes = 100): ImageRow => ({ relPath, bytes, mtimeMs: 1_700_000_000_123.5, width: 32, height: 24, hash });

describe('ProjectStore', () => {
  let dir = '';
  let cleanup = async () => {};
  let store: ProjectStore;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('byol-store-unit-'));
    store = await ProjectStore.open(path.join(dir, 'proj'));
  });
  afterEach(async () => {
    await store.close();
    await cleanup();
  });

  it('creates the folder, database and cache, with defaults in info()', async () => {
    expect(store.dir).toBe(path.join(dir, 'proj'));
    expect(existsSync(path.join(store.dir, 'project.duckdb'))).toBe(true);
    expect(existsSync(store.cacheDir)).toBe(true);
    expect(await store.info()).toEqual({
      dir: store.dir, name: 'proj', sourceFolder: null, images: 0, removed: 0, skipped: 0, duplicates: 0, schemaVersion: LATEST_VERSION,
    });
    await store.setMeta('name', 'Cats');
    await store.setMeta('sourceFolder', '/data/cats');
    await store.setMeta('name', 'Cats and dogs');
    expect(await store.getMeta('name')).toBe('Cats and dogs');
    expect(await store.getMeta('missing')).toBeNull();
    expect((await store.info()).name).toBe('Cats and dogs');
    expect((await store.info()).sourceFolder).toBe('/data/cats');
  });

  it('upserts: new paths get new ids, changed ones keep theirs, unchanged are untouched', async () => {
    await store.upsertImages([row('b.png', 'hb'), row('a.png', 'ha'), row('c.png', 'hc')]);
    const first = await store.knownFiles();
    expect([...first.keys()].sort()).toEqual(['a.png', 'b.png', 'c.png']);
    // Within a batch, new ids follow path order.
    expect(first.get('a.png')!.id).toBeLessThan(first.get('b.png')!.id);

    await store.upsertImages([row('b.png', 'hb2', 555), row('d.png', 'hd')]);
    const second = await store.knownFiles();
    expect(second.get('b.png')).toEqual({ id: first.get('b.png')!.id, bytes: 555, mtimeMs: 1_700_000_000_123.5, hash: 'hb2', removed: false });
    expect(second.get('a.png')).toEqual(first.get('a.png'));
    const maxFirst = Math.max(...[...first.values()].map((f) => f.id));
    expect(second.get('d.png')!.id).toBe(maxFirst + 1);
    expect((await store.info()).images).toBe(4);
  });

  it('markRemoved keeps rows (and ids) and a later upsert brings them back', async () => {
    await store.upsertImages([row('a.png', 'ha'), row('b.png', 'hb'), row('c.png', 'hc')]);
    const ids = await store.knownFiles();
    await store.markRemoved(['b.png', 'not-there.png']);
    const info = await store.info();
    expect([info.images, info.removed]).toEqual([2, 1]);
    const known = await store.knownFiles();
    expect(known.size).toBe(3);
    expect(known.get('b.png')!.removed).toBe(true);
    expect((await store.pageImages(0, 10)).items.map((i) => i.path)).toEqual(['a.png', 'c.png']);
    expect(await store.imageById(ids.get('b.png')!.id)).toBeNull();

    await store.upsertImages([row('b.png', 'hb')]);
    const back = await store.knownFiles();
    expect(back.get('b.png')).toEqual({ ...ids.get('b.png')!, removed: false });
    expect((await store.info()).removed).toBe(0);
  });

  it('pages by path and numbers exact-duplicate groups densely', async () => {
    // 'same' is shared by 3 images, 'twin' by 2 (one of them removed), the rest unique.
    await store.upsertImages([
      row('z/3.png', 'same'), row('a/1.png', 'u1'), row('m/2.png', 'same'), row('b/x.png', 'twin'),
      row('c/y.png', 'twin'), row('d/4.png', 'same'), row('e/5.png', 'dup2'), row('f/6.png', 'dup2'), row('g/7.png', ''), row('h/8.png', ''),
    ]);
    await store.markRemoved(['c/y.png']);
    const all = await store.pageImages(0, 100);
    expect(all.total).toBe(9);
    const groupOf = Object.fromEntries(all.items.map((i) => [i.path, i.duplicateGroup]));
    expect(groupOf).toEqual({
      'a/1.png': null, 'b/x.png': null, 'd/4.png': 1, 'e/5.png': 2, 'f/6.png': 2, 'g/7.png': null, 'h/8.png': null, 'm/2.png': 1, 'z/3.png': 1,
    });
    // Beyond the first of each group: 2 extra 'same' + 1 extra 'dup2'; empty hashes are unknown, not duplicates.
    expect((await store.info()).duplicates).toBe(3);

    const pages: string[] = [];
    for (let off = 0; off < all.total; off += 4) {
      const page = await store.pageImages(off, 4);
      expect(page.total).toBe(9);
      pages.push(...page.items.map((i) => i.path));
    }
    expect(pages).toEqual(all.items.map((i) => i.path));
    expect(pages).toEqual([...pages].sort());

    const item = all.items.find((i) => i.path === 'm/2.png')!;
    expect(await store.imageById(item.id)).toEqual(item);
    expect(item).toMatchObject({ width: 32, height: 24, bytes: 100, mtimeMs: 1_700_000_000_123.5, hash: 'same' });
    expect(await store.imageById(99999)).toBeNull();
  });

  it('replaces the skipped list and pages it', async () => {
    await store.replaceSkipped([{ path: 'x.gif', reason: 'unsupported' }, { path: 'a.png', reason: 'corrupt' }]);
    await store.replaceSkipped([{ path: 'q.txt', reason: 'not an image' }, { path: 'b.jpg', reason: 'truncated' }, { path: 'c.jpg', reason: 'empty' }]);
    expect((await store.info()).skipped).toBe(3);
    expect(await store.pageSkipped(1, 1)).toEqual({ total: 3, items: [{ path: 'c.jpg', reason: 'empty' }] });
    await store.replaceSkipped([]);
    expect((await store.pageSkipped(0, 10)).total).toBe(0);
  });

  it('rejects a batch naming a path twice and leaves the table unchanged', async () => {
    await store.upsertImages([row('a.png', 'ha')]);
    await expect(store.upsertImages([row('b.png', 'x'), row('b.png', 'y')])).rejects.toThrow(/twice/);
    expect([...(await store.knownFiles()).keys()]).toEqual(['a.png']);
  });

  it('stores, replaces and reads back embeddings bit-exactly; the latest run by default', async () => {
    await store.upsertImages([row('a.png', 'ha'), row('b.png', 'hb'), row('c.png', 'hc')]);
    const ids = [...(await store.knownFiles()).values()].map((f) => f.id).sort((a, b) => a - b);
    expect(await store.getEmbeddings()).toBeNull();
    const r1 = await store.createRun({ epochs: 1 });
    const special = new Float32Array([0.1, -0, 1e-45, 3.4028234663852886e38, -Infinity, Math.PI, 1 / 3, -2.5e-39, 7]);
    await store.putEmbeddings(r1, Int32Array.from(ids), 3, special);
    const got = await store.getEmbeddings(r1);
    expect(got!.dim).toBe(3);
    expect([...got!.ids]).toEqual(ids);
    expect(new Uint32Array(got!.data.buffer)).toEqual(new Uint32Array(special.buffer));

    // Replacing a run's rows leaves only the new ones.
    await store.putEmbeddings(r1, [ids[2]], 3, new Float32Array([1, 2, 3]));
    expect([...(await store.getEmbeddings(r1))!.data]).toEqual([1, 2, 3]);

    const r2 = await store.createRun({ epochs: 2 });
    expect(r2).not.toBe(r1);
    expect((await store.getEmbeddings())!.ids).toEqual(Int32Array.from([ids[2]]));
    await store.putEmbeddings(r2, ids.slice(0, 2), 2, new Float32Array([5, 6, 7, 8]));
    await store.finishRun(r2, 'done', { loss: 0.5 });
    expect((await store.getEmbeddings())!.data).toEqual(new Float32Array([5, 6, 7, 8]));

    await expect(store.putEmbeddings(r2, [ids[0]], 4, new Float32Array(3))).rejects.toThrow(/3 floats/);
    await expect(store.putEmbeddings(r2, [12345], 1, new Float32Array(1))).rejects.toThrow(/not in this project/);
    await expect(store.putEmbeddings('run-9999', [ids[0]], 1, new Float32Array(1))).rejects.toThrow(/does not exist/);
    await expect(store.finishRun('run-9999')).rejects.toBeInstanceOf(UserError);
    // A rejected put rolls back: r2 still holds its earlier rows.
    expect((await store.getEmbeddings(r2))!.data).toEqual(new Float32Array([5, 6, 7, 8]));
  });

  it('upserts 100k rows in one bulk transaction within seconds', async () => {
    const many = Array.from({ length: 100_000 }, (_, i) => row(`d${i % 50}/${i}.png`, `h${i}`, i));
    const t0 = performance.now();
    await store.upsertImages(many);
    const seconds = (performance.now() - t0) / 1000;
    console.log(`upsert 100k rows: ${seconds.toFixed(2)} s`);
    // Measured ~0.5 s here; a per-row path takes minutes, so this bound catches a regression.
    expect(seconds).toBeLessThan(10);
    expect((await store.info()).images).toBe(100_000);
  });

  it('serializes concurrent writes and reads on one store', async () => {
    const batches = Array.from({ length: 10 }, (_, b) => Array.from({ length: 50 }, (_, j) => row(`c${b}/${j}.png`, `h${b}-${j}`)));
    const reads: Promise<unknown>[] = [];
    await Promise.all(batches.map((rows, b) => {
      reads.push(store.pageImages(0, 5), store.info());
      return b % 2 ? store.upsertImages(rows).then(() => store.setMeta(`m${b}`, String(b))) : store.upsertImages(rows);
    }));
    await Promise.all(reads);
    const known = await store.knownFiles();
    expect(known.size).toBe(500);
    expect(new Set([...known.values()].map((f) => f.id)).size).toBe(500);
    expect(await store.getMeta('m9')).toBe('9');
  });
});

describe('ProjectStore.open errors', () => {
  let dir = '';
  let cleanup = async () => {};
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('byol-store-err-'));
  });
  afterEach(() => cleanup());

  it('says clearly when the folder cannot be created', async () => {
    const file = path.join(dir, 'a-file');
    await writeFile(file, 'x');
    const err = await ProjectStore.open(path.join(file, 'proj')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/Cannot open project at .*cannot be created or written.*Choose a folder/);
  });

  it('refuses a project.duckdb that is not a DuckDB file, and leaves it alone', async () => {
    await writeFile(path.join(dir, 'project.duckdb'), 'these are not the bytes you are looking for'.repeat(200));
    const err = await ProjectStore.open(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/not a BYOL Explorer project/);
  });

  it('refuses a DuckDB file that holds some other database', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const inst = await DuckDBInstance.create(path.join(dir, 'project.duckdb'));
    const conn = await inst.connect();
    await conn.run('CREATE TABLE sales (id INTEGER)');
    conn.closeSync();
    inst.closeSync();
    const err = await ProjectStore.open(dir).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/DuckDB database but not a BYOL Explorer project/);
  });

  it('refuses to open the same folder twice in one process, and reopens after close', async () => {
    const a = await ProjectStore.open(dir);
    await expect(ProjectStore.open(dir)).rejects.toMatchObject({ code: 'busy' });
    await a.close();
    await expect(a.info()).rejects.toMatchObject({ code: 'no_project' });
    const b = await ProjectStore.open(dir);
    await b.close();
  });
});
