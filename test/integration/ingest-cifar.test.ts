import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFolder } from '../../main/dataset/ingest';
import { thumbPath } from '../../main/dataset/thumbs';
import { ProjectStore } from '../../main/store/project-store';
import { CIFAR_DIR, hasCifar, tempDir } from '../helpers/paths';

if (!hasCifar) console.log(`skipping the CIFAR ingest test: ${CIFAR_DIR} is missing`);

describe.skipIf(!hasCifar)('ingesting the shared CIFAR folder', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let store: ProjectStore;
  beforeAll(async () => {
    tmp = await tempDir('byol-cifar-');
    store = await ProjectStore.open(path.join(tmp.dir, 'project'));
  });
  afterAll(async () => {
    await store?.close();
    await tmp?.cleanup();
  });

  it('records 5000 images with thumbnails that decode, then re-ingests nothing', async () => {
    const progress: { done: number; total: number }[] = [];
    const s = await ingestFolder({ folder: CIFAR_DIR, store, onProgress: (p) => progress.push(p) });
    console.log(`first ingest: ${s.images} images in ${s.seconds.toFixed(2)} s (${(s.images / s.seconds).toFixed(0)} images/s)`);
    expect(s).toMatchObject({ images: 5000, added: 5000, changed: 0, unchanged: 0, removed: 0, skipped: [] });
    expect(progress.at(-1)).toMatchObject({ done: 5000, total: 5000 });
    expect(await store.getMeta('sourceFolder')).toBe(path.resolve(CIFAR_DIR));

    const page = await store.pageImages(0, 5000);
    expect(page.total).toBe(5000);
    expect(new Set(page.items.map((i) => i.path.split('/')[0])).size).toBe(10);
    for (const it of page.items) {
      expect([it.width, it.height]).toEqual([32, 32]);
      expect(existsSync(thumbPath(store.cacheDir, it.hash, 'small')) && existsSync(thumbPath(store.cacheDir, it.hash, 'large')), it.path).toBe(true);
    }
    for (const it of page.items.filter((_, i) => i % 50 === 0)) {
      for (const size of ['small', 'large'] as const) {
        const { info } = await sharp(thumbPath(store.cacheDir, it.hash, size), { failOn: 'error' }).raw().toBuffer({ resolveWithObject: true });
        expect([info.width, info.height, info.channels]).toEqual([32, 32, 3]);
      }
    }

    const again = await ingestFolder({ folder: CIFAR_DIR, store });
    console.log(`re-ingest of an unchanged folder: ${again.seconds.toFixed(2)} s`);
    expect(again).toMatchObject({ images: 5000, added: 0, changed: 0, unchanged: 5000, removed: 0, skipped: [] });
  });
});
