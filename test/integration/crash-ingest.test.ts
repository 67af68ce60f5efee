import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageItem } from '../../preload/contract';
import { ingestFolder } from '../../main/dataset/ingest';
import { thumbPath } from '../../main/dataset/thumbs';
import { ProjectStore } from '../../main/store/project-store';
import { pick, rngFrom, type Rng } from '../helpers/fuzz';
import { CIFAR_DIR, REPO_ROOT, hasCifar, tempDir } from '../helpers/paths';

const CHILD = path.join(REPO_ROOT, 'test/integration/crash-ingest-child.ts');
const SEED = Number(process.env.CRASH_SEED ?? 6);
const KILLS = 20;
const PER_CLASS = 150;
const BATCH = 64;

type Phase = 'scan' | 'decode' | 'commit' | 'anytime' | 'never';
interface Round {
  /** How the kill was aimed, and the last line the child printed before it died. */
  aim: Phase;
  lastLine: string;
  killed: boolean;
  /** Rows whose transaction the child saw commit before the kill. */
  acked: number;
}

/**
 * Runs the ingest child and SIGKILLs it at a seeded point of the chosen phase: just after the
 * scan starts, after a random share of the decodes, inside the k-th batch transaction, or at
 * a random time. Resolves when the child is gone (killed, or finished before the kill).
 */
function runAndKill(src: string, dir: string, aim: Phase, rng: Rng): Promise<Round> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, src, dir, String(BATCH)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const round: Round = { aim, lastLine: '', killed: false, acked: 0 };
    let armed = false;
    let fired = false;
    const kill = (ms: number): void => {
      if (armed) return;
      armed = true;
      setTimeout(() => {
        fired = true;
        round.killed = child.kill('SIGKILL');
      }, ms);
    };
    const decodeAt = 1 + Math.floor(rng() * 400);
    const commitAt = 1 + Math.floor(rng() * 3);
    let commits = 0;
    let stderr = '';
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const line of lines) {
        const [what, n] = line.split(' ');
        // Printed before the child died, so that transaction did commit.
        if (what === 'commit-') round.acked += Number(n);
        if (fired) continue;
        round.lastLine = line;
        if (aim === 'anytime' && what === 'start') kill(Math.floor(rng() * 900));
        if (aim === 'scan' && what === 'scan') kill(Math.floor(rng() * 4));
        if (aim === 'decode' && what === 'decode' && Number(n) >= decodeAt) kill(Math.floor(rng() * 30));
        if (aim === 'commit' && what === 'commit+' && ++commits === commitAt) kill(Math.floor(rng() * 3));
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' || code === 0) resolve({ ...round, killed: signal === 'SIGKILL' });
      else reject(new Error(`ingest child failed (code ${code}): ${stderr}`));
    });
  });
}

async function allRows(store: ProjectStore): Promise<ImageItem[]> {
  const { total, items } = await store.pageImages(0, 5000);
  expect(items.length).toBe(total);
  return items;
}

describe.skipIf(!hasCifar)('ingest survives SIGKILL at random points and resumes', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let src = '';
  const reference = new Map<string, { hash: string; width: number; height: number }>();

  beforeAll(async () => {
    tmp = await tempDir('byol-crash-ingest-');
    src = path.join(tmp.dir, 'src');
    for (const cls of (await readdir(CIFAR_DIR)).sort()) {
      const files = (await readdir(path.join(CIFAR_DIR, cls))).sort().slice(0, PER_CLASS);
      await mkdir(path.join(src, cls), { recursive: true });
      await Promise.all(files.map((f) => copyFile(path.join(CIFAR_DIR, cls, f), path.join(src, cls, f))));
    }
    // A clean, uninterrupted ingest is the reference every resumed one must match.
    const ref = await ProjectStore.open(path.join(tmp.dir, 'reference'));
    await ingestFolder({ folder: src, store: ref });
    for (const r of await allRows(ref)) reference.set(r.path, { hash: r.hash, width: r.width, height: r.height });
    await ref.close();
  });
  afterAll(() => tmp?.cleanup());

  it(`keeps every committed row through ${KILLS} kills, then resumes to the reference`, async () => {
    if (!hasCifar) console.log('skipping: the shared CIFAR folder is absent');
    expect(reference.size).toBe(10 * PER_CLASS);
    const rng = rngFrom(SEED);
    const aims: Phase[] = ['scan', 'decode', 'commit', 'anytime'];
    let projects = 0;
    let dir = path.join(tmp.dir, `project-${projects}`);
    let before = new Set<string>();
    const landed: Record<string, number> = {};
    let kills = 0;
    while (kills < KILLS) {
      const round = await runAndKill(src, dir, aims[kills % aims.length], rng);
      const store = await ProjectStore.open(dir);
      try {
        const rows = await allRows(store);
        const info = await store.info();
        const paths = new Set(rows.map((r) => r.path));
        expect(info.images).toBe(rows.length);
        expect(paths.size).toBe(rows.length);
        expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
        // Nothing committed before is lost, and every commit the child saw finish is there.
        for (const p of before) expect(paths.has(p), `lost ${p}`).toBe(true);
        // Each run adds only new paths, so acknowledged rows are all on top of the earlier ones.
        expect(rows.length).toBeGreaterThanOrEqual(before.size + round.acked);
        // Contract: a row is committed only after its thumbnails are written, so every
        // committed row has both, and they decode; its hash and size match the reference.
        for (const r of rows) {
          expect(r).toMatchObject(reference.get(r.path) ?? { missing: r.path });
          for (const size of ['small', 'large'] as const) {
            const file = thumbPath(store.cacheDir, r.hash, size);
            expect(existsSync(file) && statSync(file).size > 0, `${size} thumbnail of ${r.path}`).toBe(true);
          }
        }
        for (let k = 0; k < Math.min(10, rows.length); k++) {
          const r = pick(rng, rows);
          await sharp(thumbPath(store.cacheDir, r.hash, 'large')).raw().toBuffer();
        }
        before = paths;
      } finally {
        await store.close();
      }
      if (round.killed) {
        kills++;
        const at = round.lastLine.split(' ')[0] || '(before start)';
        landed[at] = (landed[at] ?? 0) + 1;
      } else {
        // The child finished before the kill: go on with a fresh project.
        expect(before.size).toBe(reference.size);
        dir = path.join(tmp.dir, `project-${++projects}`);
        before = new Set();
      }
    }
    console.log(`crash-ingest: ${KILLS} kills (last line seen before each: ${JSON.stringify(landed)}), ${projects} ingests finished before their kill`);
    expect(Object.keys(landed).length).toBeGreaterThanOrEqual(3);

    // Resuming completes to exactly the reference.
    const resumed = await runAndKill(src, dir, 'never', rng);
    expect(resumed.killed).toBe(false);
    const store = await ProjectStore.open(dir);
    try {
      const rows = await allRows(store);
      expect(rows.length).toBe(reference.size);
      for (const r of rows) expect(r).toMatchObject(reference.get(r.path) ?? { missing: r.path });
      expect((await store.pageSkipped(0, 10)).total).toBe(0);
    } finally {
      await store.close();
    }
  }, 170_000);
});
