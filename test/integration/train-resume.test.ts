/**
 * `train --resume` continues exactly where a run stopped: a run of N steps straight and a
 * run interrupted (stopped, its worker terminated, or its CLI process SIGKILLed) and then
 * resumed end with the same weights, optimizer state, RNG state and position, bit for bit.
 */
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { copyFile, cp, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainConfigInput } from '../../main/engine/recipe/config';
import { checkpointPath, readCheckpoint, type CheckpointData } from '../../main/engine/trainer/checkpoint';
import { listProjectImages, type ProjectImage } from '../../main/engine/trainer/project-images';
import type { TrainJob } from '../../main/engine/trainer/protocol';
import { runTraining } from '../../main/engine/trainer/train-loop';
import { TrainHost } from '../../main/engine/trainer/worker-host';
import { ProjectStore } from '../../main/store/project-store';
import { CIFAR_DIR, hasCifar, REPO_ROOT } from '../helpers/paths';
import { runCli } from '../helpers/run-cli';
import { makeTinyProject, type TinyProject } from './train-fixture';

if (!hasCifar) console.log('[skip] train resume: the shared CIFAR folder is missing beside the repository.');

// Exactly what `train --epochs 2 --image-size 16 --batch 16 --seed 7 --backend wasm` asks for.
const CONFIG: TrainConfigInput = { epochs: 2, imageSize: 16, batchSize: 16, seed: 7, backend: 'wasm' };
const CLI_ARGS = ['--epochs', '2', '--image-size', '16', '--batch', '16', '--seed', '7', '--backend', 'wasm'];

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Largest |a − b| over every weight and optimizer slot (0 = bit-identical floats). */
function maxDiff(a: CheckpointData, b: CheckpointData): number {
  let m = 0;
  const cmp = (x: Float32Array, y: Float32Array) => {
    if (bytes(x).equals(bytes(y))) return;
    for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  };
  for (const k of Object.keys(a.weights) as (keyof CheckpointData['weights'])[]) a.weights[k].forEach((w, i) => cmp(w.data, b.weights[k][i].data));
  for (const [s, bufs] of Object.entries(a.optimizer.slots)) bufs.forEach((x, i) => cmp(x.data, b.optimizer.slots[s][i].data));
  return m;
}

function expectSameEnd(a: CheckpointData, b: CheckpointData): void {
  expect(b.position).toEqual(a.position);
  expect(b.rng).toEqual(a.rng);
  expect(b.optimizer.step).toBe(a.optimizer.step);
  expect(b.meta.lastLoss).toBe(a.meta.lastLoss);
  expect(maxDiff(a, b)).toBe(0);
}

describe.skipIf(!hasCifar)('train resume', () => {
  let tiny: TinyProject;
  let images: ProjectImage[];
  let straight: CheckpointData;
  let ckpt: string;
  const job = (resume: boolean): TrainJob => ({ projectDir: tiny.project, images, config: CONFIG, resume, runId: null, embed: false, progressEvery: 1 });

  beforeAll(async () => {
    tiny = await makeTinyProject({ perClass: 8 }); // 32 images: 2 steps per epoch
    const store = await ProjectStore.open(tiny.project);
    images = await listProjectImages(store);
    await store.close();
    ckpt = checkpointPath(tiny.project);
    const s = await runTraining({ job: job(false) });
    expect(s).toMatchObject({ steps: 4, totalSteps: 4, stopReason: 'completed' });
    straight = readCheckpoint(ckpt)!;
    rmSync(ckpt);
  });
  afterAll(() => tiny?.cleanup());

  it('stop mid-epoch, then resume in a new trainer: same final state', async () => {
    const first = await runTraining({ job: job(false), maxSteps: 1 });
    expect(first).toMatchObject({ steps: 1, stopReason: 'stopped' });
    expect(readCheckpoint(ckpt)!.position).toMatchObject({ globalStep: 1, epoch: 0, stepInEpoch: 1 });
    const second = await runTraining({ job: job(true) });
    expect(second).toMatchObject({ steps: 4, stopReason: 'completed' });
    expectSameEnd(straight, readCheckpoint(ckpt)!);
    rmSync(ckpt);
  });

  it('terminate the worker after its first epoch checkpoint, resume in a new worker: same final state', async () => {
    const host = new TrainHost();
    let killed = false;
    const run = host.run(job(false), {
      onEvent: (e) => {
        if (e.type === 'checkpoint' && !killed) {
          killed = true;
          void host.kill();
        }
      },
    });
    await expect(run).rejects.toThrow(/exited unexpectedly/);
    expect(readCheckpoint(ckpt)!.position.globalStep).toBeGreaterThanOrEqual(2);
    const summary = await new TrainHost().run(job(true));
    expect(summary).toMatchObject({ steps: 4, stopReason: 'completed' });
    expectSameEnd(straight, readCheckpoint(ckpt)!);
    rmSync(ckpt);
  });

  it('a time budget sizes the schedule, re-fits it to the measured step time, stops cleanly when it runs out and writes a checkpoint', async () => {
    const logs: string[] = [];
    const s = await runTraining({
      job: { ...job(false), config: { ...CONFIG, epochs: 1000, minutes: 0.05 } },
      onEvent: (e) => e.type === 'log' && logs.push(e.message),
    });
    expect(s.stopReason === 'time-budget' || s.stopReason === 'completed').toBe(true);
    expect(s.totalSteps).toBeLessThan(2000); // sized from the measured step time, not 1000 epochs
    expect(logs.join('\n')).toMatch(/budget fits about \d+ steps/);
    // The probe's guess is re-fitted to the measured step time (checkpoints every 2 steps make
    // the real steps slower than the probe); later re-fits within 2% of the last logged one stay quiet.
    const refits = [...logs.join('\n').matchAll(/Measured \d+ ms\/step: the schedules now end at step (\d+)/g)].map((m) => Number(m[1]));
    expect(refits.length).toBeGreaterThan(0);
    expect(Math.abs(s.totalSteps - refits[refits.length - 1])).toBeLessThanOrEqual(Math.ceil(0.02 * refits[refits.length - 1]));
    expect(s.trainedSeconds).toBeLessThan(3 + 10); // 3 s budget plus at most one slow step
    expect(readCheckpoint(ckpt)!.position.globalStep).toBe(s.steps);
    rmSync(ckpt);
  });

  it('SIGKILL the CLI mid-run, then `train --resume`: same final state', async () => {
    const env = { BYOL_DATA_DIR: path.join(tiny.root, 'data') };
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'main/cli/index.ts'), 'train', '--project', tiny.project, ...CLI_ARGS],
      { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_c, sig) => r(sig)));
    // Kill as soon as the first epoch's checkpoint exists.
    while (!existsSync(ckpt) && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const killedAt = readCheckpoint(ckpt)!.position.globalStep;
    expect(killedAt).toBeGreaterThanOrEqual(2);
    expect(killedAt).toBeLessThan(4); // killed mid-run, not after it
    const r = await runCli(['train', '--project', tiny.project, '--resume', '--json', ...CLI_ARGS], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ backend: 'wasm', epochs: 2, steps: 4, stop_reason: 'completed' });
    expect(r.json!.final_loss).toBe(straight.meta.lastLoss);
    expectSameEnd(straight, readCheckpoint(ckpt)!);
  });

  // The same project, now trained by the CLI, serves the other commands' end-to-end checks.
  it('`embed --json` stores N×D float32 rows; `eval --json` reports kNN top-1 in [0, 1] for trained and random init', async () => {
    const env = { BYOL_DATA_DIR: path.join(tiny.root, 'data') };
    const e = await runCli(['embed', '--project', tiny.project, '--json'], env);
    expect(e.code, e.stderr).toBe(0);
    expect(e.json).toMatchObject({ images: 32, dim: 192, backend: expect.any(String), run_id: expect.stringMatching(/^run-/) });
    expect(e.stdout.trim().split('\n')).toHaveLength(1);
    expect(e.stderr).toMatch(/Backend: /);
    const store = await ProjectStore.open(tiny.project);
    try {
      const emb = (await store.getEmbeddings(e.json!.run_id as string))!;
      expect([emb.ids.length, emb.dim, emb.data.length]).toEqual([32, 192, 32 * 192]);
    } finally {
      await store.close();
    }
    const v = await runCli(['eval', '--project', tiny.project, '--json'], env);
    expect(v.code, v.stderr).toBe(0);
    expect(v.json).toMatchObject({ images: 32, classes: 4 });
    for (const k of ['knn_top1', 'knn_top1_random_init']) {
      expect(v.json![k]).toBeGreaterThanOrEqual(0);
      expect(v.json![k]).toBeLessThanOrEqual(1);
    }
  });

  it('explains what to do when there is no project, checkpoint or valid option', async () => {
    const env = { BYOL_DATA_DIR: path.join(tiny.root, 'data') };
    const none = await runCli(['train', '--project', path.join(tiny.root, 'nope'), '--json'], env);
    expect(none.code).toBe(2);
    expect(none.json!.error).toMatch(/No project at .*ingest/);
    const bad = await runCli(['train', '--project', tiny.project, '--backend', 'gpu9000', '--json'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--backend must be one of auto, tensorflow-gpu, tensorflow, wasm, cpu/);
    // A folder of one image: a clear message instead of a BatchNorm or collapse-monitor failure.
    const one = path.join(tiny.root, 'one-image');
    await mkdir(one, { recursive: true });
    await copyFile(path.join(CIFAR_DIR, 'cat', (await readdir(path.join(CIFAR_DIR, 'cat'))).sort()[0]), path.join(one, 'cat.jpg'));
    expect((await runCli(['ingest', one, '--project', path.join(tiny.root, 'one-project'), '--json'], env)).code).toBe(0);
    const lone = await runCli(['train', '--project', path.join(tiny.root, 'one-project'), '--epochs', '1', '--backend', 'wasm', '--json'], env);
    expect(lone.code).not.toBe(0);
    expect(lone.json!.error).toMatch(/at least 2 images to train; this project has 1/);
    // A damaged checkpoint: `info` still describes the project, and says what is wrong with it.
    const damaged = path.join(tiny.root, 'damaged-project');
    await cp(tiny.project, damaged, { recursive: true });
    await writeFile(checkpointPath(damaged), 'not a checkpoint');
    const info = await runCli(['info', '--project', damaged, '--json'], env);
    expect(info.code).toBe(0);
    expect(info.json).toMatchObject({ images: 32, lastRun: null, lastRunError: expect.stringMatching(/is not a BYOL Explorer checkpoint/) });
  });
});
