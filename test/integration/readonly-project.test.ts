import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobFinished } from '../../preload/contract';
import { AppService } from '../../main/api/service';
import { thumbPath } from '../../main/dataset/thumbs';
import { ProjectStore } from '../../main/store/project-store';
import { pixels } from '../helpers/messy-folder';
import { tempDir } from '../helpers/paths';

/**
 * How to make a folder read-only for real. As a normal user, permissions do it. As root they
 * do not (root writes anyway), so a tmpfs is mounted and remounted read-only instead; where
 * root cannot mount either (an unprivileged container), the test skips and says why.
 */
type Method = 'chmod' | 'mount';
function pickMethod(probe: string): Method | null {
  if (process.getuid?.() !== 0) return 'chmod';
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return 'mount';
  } catch {
    return null;
  }
}

function setWritable(dir: string, writable: boolean): void {
  execFileSync('chmod', ['-R', writable ? 'u+w' : 'a-w', dir]);
}

/** sha1 of every file under dir, by relative path: "corrupt nothing" means this is unchanged. */
function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = createHash('sha1').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

const png = (seed: number) => sharp(pixels(24, 20, 3, seed), { raw: { width: 24, height: 20, channels: 3 } }).png().toBuffer();

function skipWith(ctx: { skip: (note?: string) => void }, reason: string): void {
  console.log(`skipping: ${reason}`);
  ctx.skip(reason);
}

let tmp: Awaited<ReturnType<typeof tempDir>>;
let method: Method | null = null;
let project = '';
let src = '';
const finished = new Map<string, (f: JobFinished) => void>();
let service: AppService;

async function ingest(folder: string): Promise<JobFinished> {
  const { jobId } = (await service.call('ingest.start', { folder, projectDir: project })) as { jobId: string };
  return new Promise((resolve) => finished.set(jobId, resolve));
}

async function rowsOf(dir: string): Promise<{ path: string; hash: string }[]> {
  const store = await ProjectStore.open(dir);
  try {
    const rows = (await store.pageImages(0, 5000)).items.map((r) => ({ path: r.path, hash: r.hash }));
    for (const r of rows) for (const size of ['small', 'large'] as const) expect(existsSync(thumbPath(store.cacheDir, r.hash, size)), `${size} thumb of ${r.path}`).toBe(true);
    return rows;
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  tmp = await tempDir('byol-readonly-');
  project = path.join(tmp.dir, 'project');
  src = path.join(tmp.dir, 'src');
  await mkdir(project);
  await mkdir(src);
  method = pickMethod(project);
  if (!method) return;
  if (method === 'mount') execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=32m', 'tmpfs', project]);
  for (let i = 0; i < 6; i++) await writeFile(path.join(src, `a${i}.png`), await png(i));
  service = new AppService({ mode: 'serve', dataRoot: path.join(tmp.dir, 'data'), emit: (event, payload) => {
    if (event === 'job.finished') finished.get((payload as JobFinished).jobId)?.(payload as JobFinished);
  } });
  expect(await ingest(src)).toMatchObject({ status: 'ok' });
  await service.close();
});

afterAll(async () => {
  await service?.close();
  if (method === 'mount') {
    try {
      execFileSync('umount', ['-l', project], { stdio: 'ignore' });
    } catch {
      // already unmounted
    }
  }
  if (method === 'chmod') setWritable(project, true);
  await tmp?.cleanup();
});

describe('read-only project folders', () => {
  it('refuses to open a read-only project with a clear message, and changes nothing', async (ctx) => {
    if (!method) return skipWith(ctx, 'cannot make a folder read-only here: running as root without permission to mount');
    const before = await rowsOf(project);
    expect(before.length).toBe(6);
    const prints = fingerprint(project);
    if (method === 'mount') execFileSync('mount', ['-o', 'remount,ro', project]);
    else setWritable(project, false);
    try {
      const err = await ProjectStore.open(project).then(() => null, (e: Error) => e);
      expect(err?.message).toMatch(/^Cannot open project at .+: the folder cannot be created or written \((EROFS|EACCES)\)\. Choose a folder you are allowed to write to\.$/);
      // The same through the API, as the UI sees it.
      await expect(service.call('project.open', { dir: project })).rejects.toMatchObject({ code: 'failed', message: err?.message });
      await expect(service.call('ingest.start', { folder: src, projectDir: project })).rejects.toMatchObject({ code: 'failed' });
    } finally {
      if (method === 'mount') execFileSync('mount', ['-o', 'remount,rw', project]);
      else setWritable(project, true);
    }
    expect(fingerprint(project)).toEqual(prints);
    expect(await rowsOf(project)).toEqual(before);
  });

  it('stops an ingest whose thumbnail cache turns read-only, commits no row without thumbnails, then resumes', async (ctx) => {
    if (!method) return skipWith(ctx, 'cannot make a folder read-only here: running as root without permission to mount');
    const before = await rowsOf(project);
    for (let i = 0; i < 5; i++) await writeFile(path.join(src, `b${i}.png`), await png(100 + i));
    const cache = path.join(project, 'cache');
    if (method === 'mount') {
      execFileSync('mount', ['--bind', cache, cache]);
      execFileSync('mount', ['-o', 'remount,bind,ro', cache]);
    } else setWritable(cache, false);
    let failed: JobFinished;
    try {
      failed = await ingest(src);
    } finally {
      if (method === 'mount') execFileSync('umount', [cache]);
      else setWritable(cache, true);
    }
    await service.close();
    expect(failed.status).toBe('error');
    expect(failed.error).toMatch(/^Cannot write thumbnails in .+ \((EROFS|EACCES)\)\. Check that the disk is not full and the project folder is writable\.$/);
    expect(await rowsOf(project)).toEqual(before);
    expect(statSync(path.join(project, 'project.duckdb')).size).toBeGreaterThan(0);
    // Writable again: the same ingest finishes the job.
    expect(await ingest(src)).toMatchObject({ status: 'ok', summary: { images: 11, added: 5 } });
    await service.close();
    expect((await rowsOf(project)).length).toBe(11);
  });
});
