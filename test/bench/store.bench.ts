/**
 * Project store throughput: bulk upsert, reads, embeddings, similar images and Parquet at 100k
 * images. References run in the same process: a per-row prepared INSERT ... ON CONFLICT upsert
 * (the obvious way), BLOB storage for embeddings (the alternative to our FLOAT[] column), and
 * "similar images" ranked in JS after reading every vector.
 * Run: npx tsx test/bench/store.bench.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBBlobValue, DuckDBInstance } from '@duckdb/node-api';
import { ProjectStore, type ImageRow } from '../../main/store/project-store';
import { median, printTable } from './table';

const N = 100_000;
const DIM = 128;
const REPS = 3;
const REF_N = 1_000;

const rows = (n: number, gen: number): ImageRow[] =>
  Array.from({ length: n }, (_, i) => ({ relPath: `c${i % 10}/img${String(i).padStart(6, '0')}.png`, bytes: 1000 + i + gen, mtimeMs: 1.7e12 + i, width: 32, height: 32, hash: `h${i}` }));

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

const root = await mkdtemp(path.join(os.tmpdir(), 'byol-bench-store-'));
const results: Record<string, number[]> = {};
const add = (k: string, s: number) => (results[k] ??= []).push(s);
const data = new Float32Array(N * DIM);
for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.37);
const ids = Int32Array.from({ length: N }, (_, i) => i + 1);

for (let rep = 0; rep < REPS; rep++) {
  const store = await ProjectStore.open(path.join(root, `p${rep}`));
  add('upsert 100k new', await time(() => store.upsertImages(rows(N, 0))));
  add('upsert 100k unchanged', await time(() => store.upsertImages(rows(N, 0))));
  add('upsert 100k changed', await time(() => store.upsertImages(rows(N, 1))));
  add('knownFiles 100k', await time(() => store.knownFiles()));
  add('pageImages 200 @50k', await time(() => store.pageImages(50_000, 200)));
  add('info', await time(() => store.info()));
  const run = await store.createRun({ rep });
  add('putEmbeddings 100k x 128', await time(() => store.putEmbeddings(run, ids, DIM, data)));
  add('getEmbeddings 100k x 128', await time(() => store.getEmbeddings()));
  add('similarImages 1000 of 100k x 128', await time(() => store.similarImages(ids[rep * 997], 1000)));
  // Reference: the same answer the obvious way, every vector read into JS and ranked there.
  add('ref: read + JS cosine top 1000', await time(async () => {
    const e = (await store.getEmbeddings())!;
    const q = e.data.subarray(rep * 997 * DIM, (rep * 997 + 1) * DIM);
    const qn = Math.hypot(...q);
    const sims = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      let ab = 0, bb = 0;
      for (let j = 0; j < DIM; j++) {
        const v = e.data[i * DIM + j];
        ab += v * q[j];
        bb += v * v;
      }
      sims[i] = ab / (qn * Math.sqrt(bb));
    }
    Array.from(sims.keys()).sort((a, b) => sims[b] - sims[a]).slice(0, 1000);
  }));
  const file = path.join(root, `p${rep}.parquet`);
  add('exportParquet 100k', await time(() => store.exportParquet(file)));
  await store.close();
  const fresh = await ProjectStore.open(path.join(root, `q${rep}`));
  add('importParquet 100k', await time(() => fresh.importParquet(file)));
  await fresh.close();
}

// References, same machine, same run.
const inst = await DuckDBInstance.create(path.join(root, 'ref.duckdb'));
const conn = await inst.connect();
await conn.run('CREATE TABLE images (id INTEGER PRIMARY KEY, rel_path VARCHAR UNIQUE, bytes BIGINT, mtime_ms DOUBLE, width INTEGER, height INTEGER, hash VARCHAR)');
await conn.run('CREATE TABLE emb (image_id INTEGER, vector BLOB)');
for (let rep = 0; rep < REPS; rep++) {
  await conn.run('DELETE FROM images');
  const ref = rows(REF_N, rep);
  add('ref: per-row INSERT ON CONFLICT, 1k', await time(async () => {
    const st = await conn.prepare(`INSERT INTO images VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (rel_path) DO UPDATE SET bytes = excluded.bytes, mtime_ms = excluded.mtime_ms, hash = excluded.hash`);
    await conn.run('BEGIN');
    for (let i = 0; i < ref.length; i++) {
      const r = ref[i];
      st.bind([i + 1, r.relPath, r.bytes, r.mtimeMs, r.width, r.height, r.hash]);
      await st.run();
    }
    await conn.run('COMMIT');
  }));
  await conn.run('DELETE FROM emb');
  add('ref: BLOB put 100k x 128', await time(async () => {
    await conn.run('BEGIN');
    const app = await conn.createAppender('emb');
    for (let i = 0; i < N; i++) {
      app.appendInteger(ids[i]);
      app.appendBlob(new Uint8Array(data.buffer, i * DIM * 4, DIM * 4));
      app.endRow();
    }
    app.flushSync();
    app.closeSync();
    await conn.run('COMMIT');
  }));
  add('ref: BLOB get 100k x 128', await time(async () => {
    const reader = await conn.runAndReadAll('SELECT image_id, vector FROM emb ORDER BY image_id');
    const out = new Uint8Array(N * DIM * 4);
    reader.getRows().forEach((r, i) => out.set((r[1] as DuckDBBlobValue).bytes, i * DIM * 4));
  }));
}
conn.closeSync();
inst.closeSync();
await rm(root, { recursive: true, force: true });

const med = (k: string) => median(results[k]);
const ratio = (ours: string, ref: string, scale = 1) => `${(med(ref) * scale / med(ours)).toFixed(1)}x faster`;
printTable(`Project store, ${N.toLocaleString('en-US')} images, median of ${REPS}`, Object.keys(results).map((k) => ({
  operation: k,
  'median s': med(k),
  'vs reference': k === 'upsert 100k new' ? ratio(k, 'ref: per-row INSERT ON CONFLICT, 1k', N / REF_N)
    : k === 'putEmbeddings 100k x 128' ? `${(med('ref: BLOB put 100k x 128') / med(k)).toFixed(2)}x`
    : k === 'getEmbeddings 100k x 128' ? `${(med('ref: BLOB get 100k x 128') / med(k)).toFixed(2)}x`
    : k === 'similarImages 1000 of 100k x 128' ? `${(med('ref: read + JS cosine top 1000') / med(k)).toFixed(1)}x`
    : '',
})));
console.log('\n"vs reference" = reference time / our time (>1: we are faster); the per-row upsert is scaled from 1k to 100k rows.');
