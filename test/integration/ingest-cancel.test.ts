import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFolder } from '../../main/dataset/ingest';
import { thumbPath } from '../../main/dataset/thumbs';
import { ProjectStore } from '../../main/store/project-store';
import { pixels } from '../helpers/messy-folder';
import { REPO_ROOT, tempDir } from '../helpers/paths';

const N = 300;

/** Every stored image has both thumbnails on disk and they decode. */
async function checkConsistent(store: ProjectStore): Promise<number> {
  const { total, items } = await store.pageImages(0, 5000);
  for (const it of items) {
    for (const size of ['small', 'large'] as const) {
      const file = thumbPath(store.cacheDir, it.hash, size);
      expect(existsSync(file), `${it.path} ${size}`).toBe(true);
      await sharp(file, { failOn: 'error' }).raw().toBuffer();
    }
  }
  return total;
}

describe('cancelling and killing an ingest', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let src: string;
  beforeAll(async () => {
    tmp = await tempDir('byol-cancel-');
    src = path.join(tmp.dir, 'src');
    await mkdir(src);
    // 256 px PNGs: slow enough (decode + resize + two encodes) that an ingest takes a while.
    for (let i = 0; i < N; i++) {
      const png = await sharp(pixels(256, 192, 3, i + 1), { raw: { width: 256, height: 192, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer();
      await writeFile(path.join(src, `img-${String(i).padStart(3, '0')}.png`), png);
    }
  });
  afterAll(async () => {
    await tmp?.cleanup();
  });

  it('stops promptly on abort, keeps what was decoded, and a later ingest finishes the rest', async () => {
    const store = await ProjectStore.open(path.join(tmp.dir, 'cancelled'));
    try {
      const ac = new AbortController();
      let abortedAt = 0;
      const s = await ingestFolder({
        folder: src,
        store,
        signal: ac.signal,
        batchSize: 8,
        onProgress: (p) => {
          if (p.done > 0 && !ac.signal.aborted) {
            abortedAt = performance.now();
            ac.abort();
          }
        },
      });
      const stopMs = performance.now() - abortedAt;
      console.log(`cancelled after ${s.added} of ${N} images, returned ${stopMs.toFixed(0)} ms after abort`);
      expect(s.added).toBeGreaterThan(0);
      expect(s.added).toBeLessThan(N);
      expect(stopMs).toBeLessThan(2000);
      expect(s.images).toBe(s.added);
      expect(await checkConsistent(store)).toBe(s.added);

      const rest = await ingestFolder({ folder: src, store });
      expect(rest).toMatchObject({ images: N, added: N - s.added, unchanged: s.added, skipped: [] });
    } finally {
      await store.close();
    }
  });

  it('does nothing but record the folder when the signal is already aborted', async () => {
    const store = await ProjectStore.open(path.join(tmp.dir, 'pre-aborted'));
    try {
      const s = await ingestFolder({ folder: src, store, signal: AbortSignal.abort() });
      expect(s).toMatchObject({ images: 0, added: 0 });
      expect(await store.getMeta('sourceFolder')).toBe(src);
    } finally {
      await store.close();
    }
  });

  it('survives a kill: committed rows are consistent and re-ingest completes', async () => {
    const project = path.join(tmp.dir, 'killed');
    const url = (f: string) => JSON.stringify(pathToFileURL(path.join(REPO_ROOT, f)).href);
    const script = `
      const { ingestFolder } = await import(${url('main/dataset/ingest.ts')});
      const { ProjectStore } = await import(${url('main/store/project-store.ts')});
      const store = await ProjectStore.open(process.argv[2]);
      await ingestFolder({ folder: process.argv[1], store, batchSize: 16, concurrency: 2,
        onProgress: (p) => console.log('done ' + p.done) });
      console.log('finished');`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, src, project], { cwd: REPO_ROOT });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const doneAtKill = await new Promise<number>((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (d) => {
        buf += d;
        const m = [...buf.matchAll(/done (\d+)/g)].at(-1);
        if (buf.includes('finished')) reject(new Error('the ingest finished before it could be killed'));
        else if (m && Number(m[1]) >= 60) {
          child.kill('SIGKILL');
          resolve(Number(m[1]));
        }
      });
      child.on('exit', (code) => code !== null && reject(new Error(`child exited with ${code}: ${stderr}`)));
    });
    await new Promise((r) => child.once('close', r));

    const store = await ProjectStore.open(project);
    try {
      const kept = await checkConsistent(store);
      console.log(`killed at ${doneAtKill}+ decoded images; ${kept} were committed`);
      expect(kept).toBeLessThanOrEqual(N);
      const rest = await ingestFolder({ folder: src, store });
      expect(rest).toMatchObject({ images: N, added: N - kept, unchanged: kept, skipped: [] });
      expect(await checkConsistent(store)).toBe(N);
    } finally {
      await store.close();
    }
  });
});
