/**
 * Training survives SIGKILL at seeded random points, 20 times: after each kill the project
 * reopens, the checkpoint is either the previous complete one or a newer complete one
 * (never torn, never older than one the child reported written), and resuming from it ends
 * with exactly the state of an uninterrupted run.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_DIR, LATEST_CHECKPOINT, checkpointPath, readCheckpoint, type CheckpointData } from '../../main/engine/trainer/checkpoint';
import { lastRun } from '../../main/api/last-run';
import { ProjectStore } from '../../main/store/project-store';
import { runAndKill, type KillPlan } from '../helpers/crash-run';
import { rngFrom, type Rng } from '../helpers/fuzz';
import { REPO_ROOT, hasCifar } from '../helpers/paths';
import { CRASH_TRAIN_CONFIG } from './crash-train-config';
import { makeTinyProject, type TinyProject } from './train-fixture';

const CHILD = path.join(REPO_ROOT, 'test/integration/crash-train-child.ts');
const SEED = Number(process.env.CRASH_SEED ?? 6);
const KILLS = 20;
const IMAGES = 16; // 4 per class × 4: 2 steps an epoch at batch 8
const STEPS_PER_EPOCH = 2;
const TOTAL = STEPS_PER_EPOCH * (CRASH_TRAIN_CONFIG.epochs ?? 0);

type Aim = 'startup' | 'step' | 'write' | 'anytime';

/** Where to kill: a seeded moment of the chosen kind. */
function plan(aim: Aim, rng: Rng): KillPlan {
  if (aim === 'startup') return { after: /^start/, delayMs: Math.floor(rng() * 400) };
  if (aim === 'step') return { after: new RegExp(`^step ${1 + Math.floor(rng() * TOTAL)}$`), delayMs: Math.floor(rng() * 500) };
  // The child stalls between writing the temp checkpoint and renaming it (CRASH_HOLD).
  if (aim === 'write') return { after: /^hold /, delayMs: Math.floor(rng() * 100) };
  return { delayMs: 500 + Math.floor(rng() * 5000) };
}

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function expectSameState(a: CheckpointData, b: CheckpointData): void {
  expect(b.position).toEqual(a.position);
  expect(b.rng).toEqual(a.rng);
  expect(b.meta.lastLoss).toBe(a.meta.lastLoss);
  for (const k of Object.keys(a.weights) as (keyof CheckpointData['weights'])[]) {
    a.weights[k].forEach((w, i) => expect(bytes(b.weights[k][i].data).equals(bytes(w.data)), `${k} ${w.name}`).toBe(true));
  }
  for (const [s, bufs] of Object.entries(a.optimizer.slots)) bufs.forEach((x, i) => expect(bytes(b.optimizer.slots[s][i].data).equals(bytes(x.data))).toBe(true));
}

describe.skipIf(!hasCifar)('training survives SIGKILL at random points and resumes', () => {
  let tiny: TinyProject;
  let straight: CheckpointData;
  let ckpt: string;

  beforeAll(async () => {
    tiny = await makeTinyProject({ perClass: IMAGES / 4 });
    ckpt = checkpointPath(tiny.project);
    // The uninterrupted run every resumed one must end at, bit for bit; run by the same child
    // so that the backend and its thread count are the same as in the interrupted runs.
    const clean = await runAndKill([tiny.project], null, { script: CHILD });
    expect(clean.output).toContain(`done ${TOTAL}`);
    straight = readCheckpoint(ckpt)!;
    expect(straight.position.globalStep).toBe(TOTAL);
    rmSync(ckpt);
  }, 60_000);
  afterAll(() => tiny?.cleanup());

  it(`keeps every written checkpoint through ${KILLS} kills, then resumes to the uninterrupted result`, async () => {
    if (!hasCifar) console.log('skipping: the shared CIFAR folder is absent');
    const rng = rngFrom(SEED);
    const aims: Aim[] = ['startup', 'step', 'write', 'anytime'];
    const landed: Record<string, number> = {};
    let kills = 0;
    let finished = 0;
    let tornWrites = 0;
    let lastStep = 0;
    while (kills < KILLS) {
      const aim = aims[kills % aims.length];
      const env = aim === 'write' ? { CRASH_HOLD: `^${LATEST_CHECKPOINT.replace('.', '\\.')}$` } : undefined;
      const round = await runAndKill([tiny.project], plan(aim, rng), { script: CHILD, env });
      const store = await ProjectStore.open(tiny.project);
      try {
        expect((await store.info()).images).toBe(IMAGES);
        // The Train tab describes whatever checkpoint survived, and offers Continue where steps remain.
        const last = await lastRun(store);
        const at = existsSync(ckpt) ? readCheckpoint(ckpt)!.position.globalStep : null;
        if (at === null) expect(last).toBeNull();
        else expect(last).toMatchObject({ steps: at, totalSteps: TOTAL, resumable: at < TOTAL, status: null });
      } finally {
        await store.close();
      }
      // Only the checkpoint and at most one temp file of an interrupted write are there.
      const dir = path.join(tiny.project, CHECKPOINT_DIR);
      const names = existsSync(dir) ? readdirSync(dir) : [];
      const temps = names.filter((n) => n.endsWith('.tmp'));
      expect(names.filter((n) => n !== LATEST_CHECKPOINT && !n.endsWith('.tmp'))).toEqual([]);
      expect(temps.length).toBeLessThanOrEqual(1);
      if (temps.length) tornWrites++;
      // Killed while holding before the rename: the temp is there, the old checkpoint unchanged.
      if (round.killed && round.lastLine.startsWith('hold')) expect(temps.length).toBe(1);
      const c = existsSync(ckpt) ? readCheckpoint(ckpt) : null; // throws if torn
      const step = c?.position.globalStep ?? 0;
      if (c) {
        expect(step % STEPS_PER_EPOCH, 'checkpoints land on epoch ends').toBe(0);
        for (const w of c.weights.encoder) expect(w.data.every(Number.isFinite), w.name).toBe(true);
      }
      // Nothing written before is lost, and every checkpoint the child announced is there.
      expect(step).toBeGreaterThanOrEqual(lastStep);
      const announced = [...round.output.matchAll(/^checkpoint (\d+)$/gm)].map((m) => Number(m[1]));
      expect(step).toBeGreaterThanOrEqual(Math.max(0, ...announced));
      lastStep = step;
      if (process.env.CRASH_VERBOSE) console.log(`round: ${round.killed ? 'killed' : 'finished'} after ${Math.round(round.ms)} ms at "${round.lastLine}", checkpoint step ${step}`);
      if (round.killed) {
        kills++;
        const at = round.lastLine.split(' ')[0] || '(before start)';
        landed[at] = (landed[at] ?? 0) + 1;
      } else {
        // Finished before the kill: the run is complete and equal to the straight one; start over.
        expectSameState(straight, c!);
        finished++;
        rmSync(ckpt);
        lastStep = 0;
      }
    }
    console.log(`crash-train: ${KILLS} kills (last line seen before each: ${JSON.stringify(landed)}), ${tornWrites} rounds found a temp file of an interrupted write, ${finished} runs finished before their kill`);
    expect(Object.keys(landed).length).toBeGreaterThanOrEqual(2);

    // Resuming completes to exactly the uninterrupted result.
    const resumed = await runAndKill([tiny.project], null, { script: CHILD });
    expect(resumed.killed).toBe(false);
    expect(readdirSync(path.join(tiny.project, CHECKPOINT_DIR))).toEqual([LATEST_CHECKPOINT]);
    expectSameState(straight, readCheckpoint(ckpt)!);
  }, 300_000);
});
