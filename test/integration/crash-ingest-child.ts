/**
 * Child process for crash-ingest.test.ts: a real ingest of <folder> into <projectDir>, run
 * until it finishes or the parent SIGKILLs it. It narrates its phase on stdout ("start",
 * "scan", "decode <done>", "commit+ <rows>", "commit- <rows>", "done <images>") so the
 * parent can aim its kills at a phase and record where each one landed.
 * Usage: node --import tsx crash-ingest-child.ts <folder> <projectDir> <batchSize>
 */
import { ingestFolder } from '../../main/dataset/ingest';
import { ProjectStore, type ImageRow } from '../../main/store/project-store';

const [folder, dir, batchArg] = process.argv.slice(2);
const say = (line: string): void => void process.stdout.write(`${line}\n`);

const store = await ProjectStore.open(dir);
// Narrate each batch transaction; the write itself is the store's own.
const upsert = store.upsertImages.bind(store);
store.upsertImages = async (rows: ImageRow[]) => {
  say(`commit+ ${rows.length}`);
  await upsert(rows);
  say(`commit- ${rows.length}`);
};
say('start');
const summary = await ingestFolder({
  folder,
  store,
  batchSize: Number(batchArg),
  batchMs: 200,
  onProgress: (p) => say(p.total === 0 ? 'scan' : `decode ${p.done}`),
});
await store.close();
say(`done ${summary.images}`);
