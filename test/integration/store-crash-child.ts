/**
 * Child process for store-crash.test.ts: writes batches to a project until it is killed.
 * Batch k inserts B rows "b<k>/<j>" with bytes 0 and, in the same upsert, rewrites batch k-1
 * with bytes k; every second batch also replaces one run's embeddings with the value k for
 * every image so far. After each commit it prints "<kind> <k>" so the parent knows what is durable.
 * Usage: node --import tsx store-crash-child.ts <projectDir> <batchSize>
 */
import { ProjectStore, type ImageRow } from '../../main/store/project-store';

const [dir, batchArg] = process.argv.slice(2);
const B = Number(batchArg);
const DIM = 16;

const rowsOf = (k: number, bytes: number): ImageRow[] =>
  Array.from({ length: B }, (_, j) => ({ relPath: `b${String(k).padStart(4, '0')}/${j}`, bytes, mtimeMs: k, width: j, height: k, hash: `${k}-${j}` }));

const store = await ProjectStore.open(dir);
console.log('opened 0');
let run = await store.getMeta('crashRun');
if (run === null) {
  run = await store.createRun({ purpose: 'crash test' });
  await store.setMeta('crashRun', run);
}
let k = (await store.knownFiles()).size / B;
for (;;) {
  k++;
  await store.upsertImages([...rowsOf(k, 0), ...(k > 1 ? rowsOf(k - 1, k) : [])]);
  console.log(`upsert ${k}`);
  if (k % 2 === 0) {
    const known = await store.knownFiles();
    const ids = Int32Array.from(known.values(), (f) => f.id);
    await store.putEmbeddings(run, ids, DIM, new Float32Array(ids.length * DIM).fill(k));
    console.log(`embed ${k}`);
  }
}
