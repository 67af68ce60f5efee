import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageItem, JobFinished } from '../../preload/contract';
import { AppService } from '../../main/api/service';
import { thumbPath } from '../../main/dataset/thumbs';
import { ProjectStore } from '../../main/store/project-store';
import { pixels } from '../helpers/messy-folder';
import { tempDir } from '../helpers/paths';

/**
 * A real full disk: the project lives on a 2 MiB tmpfs. Mounting needs root with
 * CAP_SYS_ADMIN; elsewhere the test skips and says why.
 */
function canMount(probe: string): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const SKIP = 'cannot mount a small tmpfs here (needs root with mount rights)';

/** Noise images: their 512 px thumbnails are large, so a few dozen fill 2 MiB. */
async function noiseJpeg(seed: number): Promise<Buffer> {
  return sharp(pixels(600, 400, 3, seed), { raw: { width: 600, height: 400, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
}

function skipWith(ctx: { skip: (note?: string) => void }, reason: string): void {
  console.log(`skipping: ${reason}`);
  ctx.skip(reason);
}

let tmp: Awaited<ReturnType<typeof tempDir>>;
let mounted = false;
let project = '';
let small = '';
let big = '';
let service: AppService;
const finished = new Map<string, (f: JobFinished) => void>();

async function ingest(folder: string): Promise<JobFinished> {
  const { jobId } = (await service.call('ingest.start', { folder, projectDir: project })) as { jobId: string };
  const f = await new Promise<JobFinished>((resolve) => finished.set(jobId, resolve));
  await service.close();
  return f;
}

/** Reopens the project (the real "does it still open?" check) and checks every row's thumbnails. */
async function rowsOf(): Promise<ImageItem[]> {
  const store = await ProjectStore.open(project);
  try {
    const { total, items } = await store.pageImages(0, 5000);
    expect(items.length).toBe(total);
    for (const r of items) for (const size of ['small', 'large'] as const) expect(existsSync(thumbPath(store.cacheDir, r.hash, size)), `${size} thumb of ${r.path}`).toBe(true);
    return items;
  } finally {
    await store.close();
  }
}

const DISK_FULL = /^Cannot (write thumbnails in .+ \(ENOSPC\)\. Check that the disk is not full|save to the project at .+: the disk is full \(.+\)\. Free some disk space, then run the step again)/;

beforeAll(async () => {
  tmp = await tempDir('byol-diskfull-');
  project = path.join(tmp.dir, 'mnt');
  await mkdir(project);
  if (!canMount(project)) return;
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', project]);
  mounted = true;
  small = path.join(tmp.dir, 'small');
  big = path.join(tmp.dir, 'big');
  await mkdir(small);
  await mkdir(big);
  for (let i = 0; i < 8; i++) {
    const png = await sharp(pixels(32, 32, 3, i), { raw: { width: 32, height: 32, channels: 3 } }).png().toBuffer();
    await writeFile(path.join(small, `s${i}.png`), png);
    await writeFile(path.join(big, `s${i}.png`), png);
  }
  for (let i = 0; i < 40; i++) await writeFile(path.join(big, `n${i}.jpg`), await noiseJpeg(1000 + i));
  service = new AppService({ mode: 'serve', dataRoot: path.join(tmp.dir, 'data'), emit: (event, payload) => {
    if (event === 'job.finished') finished.get((payload as JobFinished).jobId)?.(payload as JobFinished);
  } });
});

afterAll(async () => {
  await service?.close();
  if (mounted) execFileSync('umount', ['-l', project], { stdio: 'ignore' });
  await tmp?.cleanup();
});

describe('a full disk under the project', () => {
  it('stops an ingest with a clear error, keeps what was saved, and resumes once space is freed', async (ctx) => {
    if (!mounted) return skipWith(ctx, SKIP);
    expect(await ingest(small)).toMatchObject({ status: 'ok', summary: { images: 8 } });
    const before = await rowsOf();

    const full = await ingest(big);
    expect(full.status).toBe('error');
    expect(full.error).toMatch(DISK_FULL);
    // Still opens while the disk is full; nothing saved before is lost, no row lacks thumbnails.
    const during = await rowsOf();
    for (const r of before) expect(during).toContainEqual(r);
    console.log(`disk full after ${during.length - before.length} of 40 large images: ${full.error}`);

    execFileSync('mount', ['-o', 'remount,size=64m', project]);
    expect(await ingest(big)).toMatchObject({ status: 'ok', summary: { images: 48, skipped: [] } });
    expect((await rowsOf()).length).toBe(48);
  });

  it('rolls back a batch whose database commit hits a full disk', async (ctx) => {
    if (!mounted) return skipWith(ctx, SKIP);
    const before = await rowsOf();
    // Fill every free byte, then change only mtimes: no thumbnail is written (they exist),
    // so the first write that fails is the database's own.
    const filler = path.join(project, 'filler.bin');
    const chunk = Buffer.alloc(64 * 1024, 7);
    for (;;) {
      const ok = await appendFile(filler, chunk).then(() => true, () => false);
      if (!ok) break;
    }
    for (;;) {
      const ok = await appendFile(filler, Buffer.alloc(512)).then(() => true, () => false);
      if (!ok) break;
    }
    const later = new Date(Date.now() + 60_000);
    for (const f of readdirSync(small)) await utimes(path.join(big, f), later, later);
    try {
      const full = await ingest(big);
      expect(full.status).toBe('error');
      expect(full.error).toMatch(/^Cannot save to the project at .+: the disk is full \(.*No space left on device.*\)\. Free some disk space, then run the step again; what was saved before is intact\.$/);
      // Still full: the project opens and shows exactly what was committed before.
      expect(await rowsOf()).toEqual(before);
    } finally {
      await rm(filler);
    }
    expect(await ingest(big)).toMatchObject({ status: 'ok', summary: { images: 48, changed: 8 } });
    const after = await rowsOf();
    expect(after.length).toBe(before.length);
    for (const r of after.filter((x) => x.path.startsWith('s'))) expect(Math.round(r.mtimeMs)).toBe(later.getTime());
  });
});
