import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestSummary } from '../../preload/contract';
import { ingestFolder, type IngestProgress } from '../../main/dataset/ingest';
import { scanFolder } from '../../main/dataset/scan';
import { THUMB_PX, thumbPath } from '../../main/dataset/thumbs';
import { ProjectStore } from '../../main/store/project-store';
import { createMessyFolder, type MessyFolder } from '../helpers/messy-folder';
import { tempDir } from '../helpers/paths';

describe('ingesting a messy folder', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let messy: MessyFolder;
  let store: ProjectStore;
  let summary: IngestSummary;
  const progress: IngestProgress[] = [];

  beforeAll(async () => {
    tmp = await tempDir('byol-messy-');
    messy = await createMessyFolder(path.join(tmp.dir, 'src'), path.join(tmp.dir, 'outside'));
    for (const n of messy.notes) console.log(`note: ${n}`);
    store = await ProjectStore.open(path.join(tmp.dir, 'project'));
    summary = await ingestFolder({ folder: messy.root, store, onProgress: (p) => progress.push(p), concurrency: 3 });
  });
  afterAll(async () => {
    await store?.close();
    await messy?.unlock();
    await tmp?.cleanup();
  });

  it('skips every bad file with its reason and nothing else', async () => {
    const got = new Map(summary.skipped.map((s) => [s.path, s.reason]));
    expect([...got.keys()].sort()).toEqual(messy.bad.map((b) => b.relPath).sort());
    for (const b of messy.bad) expect(got.get(b.relPath), b.relPath).toMatch(b.reason);
    const stored = await store.pageSkipped(0, 1000);
    expect(stored.items).toEqual(summary.skipped);
  });

  it('records every good file with its size after orientation, and counts duplicates', async () => {
    expect(summary).toMatchObject({ images: messy.good.length, added: messy.good.length, changed: 0, unchanged: 0, removed: 0, duplicates: messy.duplicates });
    const { items } = await store.pageImages(0, 1000);
    const byPath = new Map(items.map((i) => [i.path, i]));
    expect([...byPath.keys()].sort()).toEqual(messy.good.map((g) => g.relPath).sort());
    for (const g of messy.good) expect([byPath.get(g.relPath)!.width, byPath.get(g.relPath)!.height], g.relPath).toEqual([g.width, g.height]);
    expect(byPath.get('dup/copy-of-photo.webp')!.hash).toBe(byPath.get('good/photo.webp')!.hash);
    expect(await store.getMeta('sourceFolder')).toBe(messy.root);
  });

  it('writes RGB8 JPEG thumbnails of both sizes that sharp decodes', async () => {
    const { items } = await store.pageImages(0, 1000);
    for (const it of items) {
      for (const size of ['small', 'large'] as const) {
        const file = thumbPath(store.cacheDir, it.hash, size);
        expect(existsSync(file), `${it.path} ${size}`).toBe(true);
        const { data, info } = await sharp(file, { failOn: 'error' }).raw().toBuffer({ resolveWithObject: true });
        const want = Math.min(THUMB_PX[size], Math.max(it.width, it.height));
        expect(Math.max(info.width, info.height), `${it.path} ${size}`).toBe(want);
        expect(info.width >= info.height).toBe(it.width >= it.height);
        expect(info.channels, it.path).toBe(3);
        if (messy.good.find((g) => g.relPath === it.path)?.alpha) {
          for (const v of data.subarray(0, 3 * info.width)) expect(v).toBeGreaterThan(245); // transparent top row → white
        }
      }
    }
  });

  it('reports progress with the total known after the scan', async () => {
    const candidates = (await scanFolder(messy.root)).files.length;
    const decoding = progress.filter((p) => p.total > 0);
    expect(decoding.length).toBeGreaterThan(0);
    // Every file the scan lists is new here, so all of them are decoding work.
    expect(decoding.at(-1)).toMatchObject({ done: candidates, total: candidates });
    for (const p of decoding) expect(p.total).toBe(candidates);
    for (const p of progress) expect(p.message.length).toBeGreaterThan(0);
  });
});
