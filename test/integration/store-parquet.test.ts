import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectStore, type ImageRow } from '../../main/store/project-store';
import { queryRows } from '../../main/store/read';
import { tempDir } from '../helpers/paths';

/** Seeded float32s from random bit patterns (NaNs replaced: their payloads are not a promise). */
function randomFloats(n: number, seed: number): Float32Array {
  const bits = new Uint32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const exp = (s >>> 23) & 0xff;
    const mant = s & 0x7fffff;
    bits[i] = exp === 0xff && mant !== 0 ? s & 0x807fffff : s;
  }
  return new Float32Array(bits.buffer);
}

async function withDuck<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  try {
    return await fn(conn);
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

const byPath = async (store: ProjectStore) => {
  const emb = (await store.getEmbeddings())!;
  const pathOf = new Map([...(await store.knownFiles())].map(([p, f]) => [f.id, p]));
  const out = new Map<string, Uint32Array>();
  emb.ids.forEach((id, i) => out.set(pathOf.get(id)!, new Uint32Array(emb.data.slice(i * emb.dim, (i + 1) * emb.dim).buffer)));
  return out;
};

describe('Parquet export / import', () => {
  let dir = '';
  let cleanup = async () => {};
  let a: ProjectStore;
  const N = 300;
  const DIM = 64;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('byol-store-pq-'));
    a = await ProjectStore.open(path.join(dir, 'a'));
    const rows: ImageRow[] = Array.from({ length: N }, (_, i) => ({
      relPath: `cls${i % 3}/img${String(N - i).padStart(4, '0')}.png`, bytes: 1000 + i, mtimeMs: 1.7e12 + i / 4, width: 32, height: 32, hash: `h${i % 250}`,
    }));
    await a.upsertImages(rows);
    await a.markRemoved([rows[5].relPath]);
    const ids = Int32Array.from([...(await a.knownFiles()).values()].map((f) => f.id));
    const old = await a.createRun({ epochs: 1 });
    await a.putEmbeddings(old, ids, DIM, new Float32Array(ids.length * DIM).fill(1));
    const latest = await a.createRun({ epochs: 2 });
    const data = randomFloats(ids.length * DIM, 42);
    data.set([0, -0, 1e-45, -Infinity, Infinity, 3.4028234663852886e38], 0);
    await a.putEmbeddings(latest, ids, DIM, data);
    // An image that arrived after training has no embedding.
    await a.upsertImages([{ relPath: 'late.png', bytes: 1, mtimeMs: 1, width: 8, height: 8, hash: 'late' }]);
  });
  afterAll(async () => {
    await a.close();
    await cleanup();
  });

  it('exports the documented columns with the latest run, and imports them bit-exactly', async () => {
    const file = path.join(dir, 'a.parquet');
    expect(await a.exportParquet(file)).toEqual({ rows: N });
    expect((await readdir(dir)).filter((f) => f.includes('partial'))).toEqual([]);

    const schema = await withDuck((c) => queryRows<{ column_name: string; column_type: string }>(c, 'DESCRIBE SELECT * FROM read_parquet($1)', [file]));
    expect(Object.fromEntries(schema.map((r) => [r.column_name, r.column_type]))).toEqual({
      id: 'INTEGER', path: 'VARCHAR', width: 'INTEGER', height: 'INTEGER', bytes: 'BIGINT', mtime_ms: 'DOUBLE', hash: 'VARCHAR', embedding: 'FLOAT[]', label: 'VARCHAR',
    });

    const b = await ProjectStore.open(path.join(dir, 'b'));
    try {
      expect(await b.importParquet(file)).toEqual({ rows: N });
      const [ia, ib] = [await a.info(), await b.info()];
      expect(ib).toMatchObject({ images: ia.images, duplicates: ia.duplicates, removed: 0 });
      const ka = await a.knownFiles();
      for (const [p, f] of await b.knownFiles()) expect({ ...f, id: 0 }).toEqual({ ...ka.get(p)!, id: 0 });

      const [ea, eb] = [await byPath(a), await byPath(b)];
      // Only non-removed images travel; 'late.png' has none.
      expect(eb.size).toBe(N - 1);
      expect(eb.has('late.png')).toBe(false);
      for (const [p, bits] of eb) expect(bits).toEqual(ea.get(p));
      expect((await b.getEmbeddings())!.dim).toBe(DIM);

      // Importing again updates in place: same ids, a second import run, still N images.
      const before = await b.knownFiles();
      await b.importParquet(file);
      expect(await b.knownFiles()).toEqual(before);
    } finally {
      await b.close();
    }
  });

  it('imports labels and DOUBLE[] embeddings from a foreign file, and exports the labels again', async () => {
    const file = path.join(dir, 'foreign.parquet');
    await withDuck((c) =>
      c.run(`COPY (SELECT 'x/' || i || '.jpg' AS path, [i * 0.5, -i]::DOUBLE[] AS embedding,
               CASE WHEN i % 2 = 0 THEN 'even' END AS label, 'ignored' AS extra
             FROM range(10) t(i)) TO '${file}' (FORMAT parquet)`),
    );
    const c = await ProjectStore.open(path.join(dir, 'c'));
    try {
      expect(await c.importParquet(file)).toEqual({ rows: 10 });
      const emb = (await c.getEmbeddings())!;
      expect(emb.dim).toBe(2);
      expect(emb.data.slice(2 * 3, 2 * 3 + 2)).toEqual(new Float32Array([1.5, -3]));
      const out = path.join(dir, 'c.parquet');
      await c.exportParquet(out);
      const labels = await withDuck((d) => queryRows<{ path: string; label: string | null }>(d, 'SELECT path, label FROM read_parquet($1) ORDER BY path', [out]));
      expect(labels.filter((l) => l.label === 'even').map((l) => l.path)).toEqual(['x/0.jpg', 'x/2.jpg', 'x/4.jpg', 'x/6.jpg', 'x/8.jpg']);
      expect(labels.filter((l) => l.label === null)).toHaveLength(5);

      // Fixed-size arrays are accepted too, and NULL sizes/hashes read as unknown.
      const fixed = path.join(dir, 'fixed.parquet');
      await withDuck((d) => d.run(`COPY (SELECT 'y.png' AS path, NULL::BIGINT AS bytes, NULL::VARCHAR AS hash, [0.25, 8, -1]::FLOAT[3] AS embedding) TO '${fixed}' (FORMAT parquet)`));
      await c.importParquet(fixed);
      expect((await c.getEmbeddings())!.data).toEqual(new Float32Array([0.25, 8, -1]));
      expect((await c.knownFiles()).get('y.png')).toMatchObject({ bytes: 0, hash: '' });
    } finally {
      await c.close();
    }
  });

  it('rejects bad files with a clear message and changes nothing', async () => {
    const d = await ProjectStore.open(path.join(dir, 'd'));
    try {
      const cases: [string, string, RegExp][] = [
        ['nopath', `SELECT 'a' AS file`, /no "path" column/],
        ['badtype', `SELECT 'a' AS path, 'oops' AS embedding`, /Column "embedding" .* is VARCHAR, but it must be FLOAT\[\]/],
        ['mixed', `SELECT * FROM (VALUES ('a', [1.0, 2.0]::FLOAT[]), ('b', [1.0]::FLOAT[])) t(path, embedding)`, /different lengths/],
        ['dupes', `SELECT * FROM (VALUES ('a'), ('a')) t(path)`, /twice/],
      ];
      for (const [name, sql, msg] of cases) {
        const file = path.join(dir, `${name}.parquet`);
        await withDuck((c) => c.run(`COPY (${sql}) TO '${file}' (FORMAT parquet)`));
        await expect(d.importParquet(file), name).rejects.toThrow(msg);
      }
      const notParquet = path.join(dir, 'not.parquet');
      await writeFile(notParquet, 'plain text');
      await expect(d.importParquet(notParquet)).rejects.toThrow(/Cannot read .* as Parquet/);
      await expect(d.importParquet(path.join(dir, 'missing.parquet'))).rejects.toMatchObject({ code: 'not_found' });
      await expect(d.exportParquet(path.join(dir, 'no-such-dir', 'x.parquet'))).rejects.toMatchObject({ code: 'not_found' });
      expect(await d.info()).toMatchObject({ images: 0 });
      expect(await d.getEmbeddings()).toBeNull();
    } finally {
      await d.close();
    }
  });
});
