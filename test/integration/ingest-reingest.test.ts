import { existsSync } from 'node:fs';
import { mkdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFolder } from '../../main/dataset/ingest';
import { thumbPath } from '../../main/dataset/thumbs';
import { ProjectStore } from '../../main/store/project-store';
import { pixels } from '../helpers/messy-folder';
import { tempDir } from '../helpers/paths';

const png = (seed: number, w = 40, h = 30) => sharp(pixels(w, h, 3, seed), { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();

describe('re-ingesting a folder', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let src: string;
  let store: ProjectStore;
  const N = 30;
  const file = (i: number) => `set-${i % 3}/img-${String(i).padStart(3, '0')}.png`;

  beforeAll(async () => {
    tmp = await tempDir('byol-reingest-');
    src = path.join(tmp.dir, 'src');
    for (let i = 0; i < N; i++) {
      await mkdir(path.dirname(path.join(src, file(i))), { recursive: true });
      await writeFile(path.join(src, file(i)), await png(i));
    }
    store = await ProjectStore.open(path.join(tmp.dir, 'project'));
  });
  afterAll(async () => {
    await store?.close();
    await tmp?.cleanup();
  });

  it('decodes only new and changed files and marks vanished ones removed', async () => {
    const first = await ingestFolder({ folder: src, store, batchSize: 7 });
    expect(first).toMatchObject({ images: N, added: N, changed: 0, unchanged: 0, removed: 0, skipped: [] });
    const before = await store.knownFiles();

    // Touch one (mtime only), add one, delete one.
    const future = new Date(Date.now() + 60_000);
    await utimes(path.join(src, file(4)), future, future);
    await writeFile(path.join(src, 'set-0/new.png'), await png(1000));
    await rm(path.join(src, file(7)));
    const second = await ingestFolder({ folder: src, store });
    expect(second).toMatchObject({ images: N, added: 1, changed: 1, unchanged: N - 2, removed: 1, skipped: [] });

    const after = await store.knownFiles();
    expect(after.get(file(7))).toMatchObject({ removed: true, id: before.get(file(7))!.id });
    expect(after.get(file(4))).toMatchObject({ removed: false, id: before.get(file(4))!.id, hash: before.get(file(4))!.hash, mtimeMs: (await stat(path.join(src, file(4)))).mtimeMs });
    expect(after.get('set-0/new.png')?.removed).toBe(false);
    const third = await ingestFolder({ folder: src, store });
    expect(third).toMatchObject({ images: N, added: 0, changed: 0, unchanged: N, removed: 0 });
  });

  it('gives changed content a new hash and thumbnails, and drops files that turn bad', async () => {
    const before = await store.knownFiles();
    await writeFile(path.join(src, file(10)), await png(2000, 60, 20)); // new content and size
    await writeFile(path.join(src, file(11)), Buffer.from('now a text file')); // becomes unreadable as an image
    await writeFile(path.join(src, file(7)), await png(7)); // the deleted file comes back
    const s = await ingestFolder({ folder: src, store });
    expect(s).toMatchObject({ added: 1, changed: 1, removed: 1, unchanged: N - 2 });
    expect(s.skipped).toEqual([{ path: file(11), reason: expect.stringMatching(/^not an image/) }]);
    expect(s.images).toBe(N);

    const after = await store.knownFiles();
    const changed = after.get(file(10))!;
    expect(changed.hash).not.toBe(before.get(file(10))!.hash);
    expect(existsSync(thumbPath(store.cacheDir, changed.hash, 'small'))).toBe(true);
    const meta = await sharp(thumbPath(store.cacheDir, changed.hash, 'large')).metadata();
    expect([meta.width, meta.height]).toEqual([60, 20]);
    expect(after.get(file(11))!.removed).toBe(true);
    // A file that comes back keeps its id (labels and embeddings stay attached).
    expect(after.get(file(7))).toMatchObject({ removed: false, id: before.get(file(7))!.id });
    expect((await store.info()).skipped).toBe(1);
  });
});
