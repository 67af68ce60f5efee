import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { IngestSummary } from '../../preload/contract';
import { UserError } from '../api/errors';
import type { ImageRow, KnownFile, ProjectStore } from '../store/project-store';
import { FileProcessor } from './process-file';
import { RowBatcher } from './row-batcher';
import { scanFolder, type ScannedFile } from './scan';
import { ThumbWriter } from './thumbs';

export interface IngestProgress {
  done: number;
  total: number;
  message: string;
}

export interface IngestOptions {
  folder: string;
  store: ProjectStore;
  signal?: AbortSignal;
  onProgress?: (p: IngestProgress) => void;
  /** Files decoded at once; each decode is one task on libuv's pool (sharp). */
  concurrency?: number;
  /** Rows per upsert transaction, and the longest a decoded row may wait for one. */
  batchSize?: number;
  batchMs?: number;
}

/** Several decodes per core keep the cores busy while others wait on file I/O. */
export function defaultConcurrency(): number {
  return Math.max(2, Math.min(8, os.availableParallelism() * 2));
}

const PROGRESS_MS = 100;

/**
 * Ingests an image folder into the project: scans it, decodes new and changed files (size or
 * mtime differ from the store) with bounded concurrency, writes thumbnails, and upserts rows
 * in batches of one transaction each, so a kill loses at most the batch in flight. Files gone
 * since the last ingest, and known files that no longer decode, are marked removed.
 *
 * Cancelling (aborting `signal`) stops promptly: no new file is started, files in flight finish,
 * their rows are written, and the summary of the work done so far is RETURNED (not thrown);
 * the job runner reports that as 'cancelled' because the signal is aborted. The skipped list
 * then holds what this run found so far (unless the scan itself was cut short).
 */
export async function ingestFolder(opts: IngestOptions): Promise<IngestSummary> {
  const t0 = performance.now();
  const { store, signal } = opts;
  const folder = path.resolve(opts.folder);
  await assertFolder(folder);
  await store.setMeta('sourceFolder', folder);

  let lastProgress = 0;
  const progress = (done: number, total: number, message: string, force = false) => {
    const now = performance.now();
    if (!force && now - lastProgress < PROGRESS_MS) return;
    lastProgress = now;
    opts.onProgress?.({ done, total, message });
  };
  progress(0, 0, 'Scanning folder…', true);
  // The project folder may sit inside the image folder: never ingest our own cache.
  const scan = await scanFolder(folder, { signal, exclude: [store.dir], onFound: (n) => progress(0, 0, `Scanning folder: ${n} image files found`) });

  const known = await store.knownFiles();
  const { work, unchanged, gone } = plan(scan.files, known);
  const summary: IngestSummary = { images: 0, added: 0, changed: 0, unchanged, removed: 0, skipped: [...scan.skipped], duplicates: 0, seconds: 0 };
  const finish = async (scanComplete: boolean): Promise<IngestSummary> => {
    summary.skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    // After a cancelled scan the list is partial: keep the previous one instead.
    if (scanComplete) await store.replaceSkipped(summary.skipped);
    const info = await store.info();
    return { ...summary, images: info.images, duplicates: info.duplicates, seconds: (performance.now() - t0) / 1000 };
  };
  if (signal?.aborted) return finish(false);

  await store.markRemoved(gone);
  summary.removed = gone.length;

  const total = work.length;
  const note = unchanged ? `, ${unchanged} unchanged` : '';
  progress(0, total, `Decoding 0 of ${total} new or changed images${note}`, true);

  const committed = new Set<string>();
  for (const k of known.values()) committed.add(k.hash);
  const processor = new FileProcessor(new ThumbWriter(store.cacheDir), committed);
  const batcher = new RowBatcher((rows: ImageRow[]) => store.upsertImages(rows), opts.batchSize ?? 256, opts.batchMs ?? 2000);
  const broken: string[] = [];
  let done = 0;
  let next = 0;
  let failed = false;

  // A fixed set of workers pulls from the list, so at most `concurrency` files are in memory.
  const worker = async () => {
    while (next < work.length && !signal?.aborted && !batcher.failed && !failed) {
      const item = work[next++];
      const out = await processor.process(item.file).catch((err: unknown) => {
        failed = true; // a project-level failure (e.g. disk full): stop the other workers too
        throw err;
      });
      if (out.ok) {
        batcher.add(out.row);
        if (item.isNew) summary.added++;
        else summary.changed++;
      } else {
        summary.skipped.push({ path: item.file.relPath, reason: out.reason });
        if (!item.isNew) broken.push(item.file.relPath);
      }
      done++;
      progress(done, total, `Decoding ${done} of ${total} new or changed images${note}`, done === total);
    }
  };
  const n = Math.max(1, Math.floor(opts.concurrency ?? defaultConcurrency()));
  const results = await Promise.allSettled(Array.from({ length: n }, worker));
  // Whatever was decoded is written, even when cancelled or when another worker failed.
  await batcher.close();
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;

  await store.markRemoved(broken);
  summary.removed += broken.length;
  return finish(true);
}

interface WorkItem {
  file: ScannedFile;
  isNew: boolean;
}

/** Splits scanned files into work (new or changed) and unchanged, and finds vanished paths. */
export function plan(files: ScannedFile[], known: Map<string, KnownFile>): { work: WorkItem[]; unchanged: number; gone: string[] } {
  const work: WorkItem[] = [];
  let unchanged = 0;
  const present = new Set<string>();
  for (const file of files) {
    present.add(file.relPath);
    const k = known.get(file.relPath);
    if (!k || k.removed) work.push({ file, isNew: true });
    else if (k.bytes !== file.bytes || k.mtimeMs !== file.mtimeMs) work.push({ file, isNew: false });
    else unchanged++;
  }
  const gone: string[] = [];
  for (const [relPath, k] of known) if (!k.removed && !present.has(relPath)) gone.push(relPath);
  return { work, unchanged, gone };
}

async function assertFolder(folder: string): Promise<void> {
  try {
    if ((await stat(folder)).isDirectory()) return;
  } catch {
    throw new UserError('not_found', `The folder ${folder} does not exist or cannot be opened. Choose an existing folder of images.`);
  }
  throw new UserError('invalid_request', `${folder} is a file, not a folder. Choose the folder that holds your images.`);
}
