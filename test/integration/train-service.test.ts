/**
 * Training through the contract's requests, as the UI drives it: train.start runs in a
 * worker, train.pause / train.resume / train.stop control it, events stream, and the
 * embeddings of every image land in the project store as float32 rows.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, JobFinished } from '../../preload/contract';
import { events } from '../../preload/contract';
import { AppService } from '../../main/api/service';
import { evaluateProject } from '../../main/engine/eval/eval-project';
import { checkpointPath, readCheckpointInfo } from '../../main/engine/trainer/checkpoint';
import { hasCifar } from '../helpers/paths';
import { makeTinyProject, type TinyProject, eventWaiters } from './train-fixture';

if (!hasCifar) console.log('[skip] train service: the shared CIFAR folder is missing beside the repository.');

describe.skipIf(!hasCifar)('train.* requests', () => {
  let tiny: TinyProject;
  let service: AppService;
  const seen: { event: EventName; payload: unknown }[] = [];
  const { waitFor, settle } = eventWaiters();

  beforeAll(async () => {
    tiny = await makeTinyProject();
    service = new AppService({
      mode: 'serve',
      dataRoot: path.join(tiny.root, 'data'),
      emit: (event, payload) => {
        // Every event must satisfy the contract the renderer validates with.
        const check = events[event].safeParse(JSON.parse(JSON.stringify(payload)));
        if (!check.success) throw new Error(`${event} payload breaks the contract: ${check.error.message}`);
        seen.push({ event, payload });
        settle(event, payload);
      },
    });
    await service.openProject(tiny.project);
  });
  afterAll(async () => {
    await service?.close();
    await tiny?.cleanup();
  });

  it('starts, pauses (with a checkpoint), resumes and stops a worker run, then stores N×D float32 embeddings', async () => {
    expect(await service.call('train.status', {})).toMatchObject({ state: 'idle', jobId: null, last: null });
    await expect(service.call('train.start', { config: { epochs: 0 } })).rejects.toThrow(/epochs/);
    await expect(service.call('train.start', { config: {}, resume: true })).rejects.toThrow(/no checkpoint to resume/);

    const finished = waitFor<JobFinished>((e, p) => e === 'job.finished' && (p as JobFinished).kind === 'train');
    const firstProgress = waitFor((e) => e === 'train.progress');
    const started = (await service.call('train.start', { config: { epochs: 50, imageSize: 16, batchSize: 16, seed: 3, backend: 'wasm' } })) as { jobId: string; runId: string };
    expect(started.runId).toMatch(/^run-\d{4}$/);
    await expect(service.call('train.start', { config: {} })).rejects.toThrow(/already running/);
    await firstProgress;

    const paused = waitFor((e, p) => e === 'train.state' && (p as { state: string }).state === 'paused');
    await service.call('train.pause', {});
    await paused;
    const atPause = readCheckpointInfo(checkpointPath(tiny.project))!.position.globalStep;
    expect(atPause).toBeGreaterThanOrEqual(1);
    const status = (await service.call('train.status', {})) as { state: string; progress: { step: number } | null; backend: { backend: string } | null };
    expect(status).toMatchObject({ state: 'paused', jobId: started.jobId, runId: started.runId, backend: { backend: 'wasm' } });
    const progressCount = seen.filter((s) => s.event === 'train.progress').length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(seen.filter((s) => s.event === 'train.progress').length).toBe(progressCount); // really paused

    const resumed = waitFor((e, p) => e === 'train.state' && (p as { state: string }).state === 'running');
    await service.call('train.resume', {});
    await resumed;
    await waitFor((e, p) => e === 'train.progress' && (p as { step: number }).step > atPause);
    expect(await service.call('train.stop', {})).toEqual({ state: 'stopping' });

    const f = await finished;
    expect(f.status, f.error).toBe('ok');
    expect(f.summary).toMatchObject({ backend: 'wasm', stopReason: 'stopped' });
    const ckpt = readCheckpointInfo(checkpointPath(tiny.project))!;
    expect(ckpt.position.globalStep).toBe((f.summary as { steps: number }).steps);
    expect(ckpt.meta.runId).toBe(started.runId);

    // The Train tab's "last run": the checkpoint described, with how the store says the run ended.
    const sum = f.summary as { steps: number; totalSteps: number; imagesPerSecond: number };
    const { last } = (await service.call('train.status', {})) as { last: Record<string, unknown> };
    expect(last).toMatchObject({
      runId: started.runId, steps: sum.steps, totalSteps: ckpt.position.totalSteps, status: 'cancelled', stopReason: 'stopped', backend: 'wasm',
      preset: 'small', imageSize: 16, batchSize: 16, resumable: sum.steps < ckpt.position.totalSteps, lastLoss: ckpt.meta.lastLoss,
    });
    expect(last.resumable).toBe(true); // stopped long before its 50 epochs
    expect(last.imagesPerSecond).toBeCloseTo(sum.imagesPerSecond, 6);
    expect(last.trainedSeconds).toBeCloseTo(ckpt.meta.trainedMs / 1000, 6);
    expect(Math.abs(Date.parse(last.savedAt as string) - Date.now())).toBeLessThan(10 * 60_000);

    const backendEvt = seen.find((s) => s.event === 'train.backend')!.payload as { backend: string; reasons: { backend: string; reason: string }[] };
    expect(backendEvt.backend).toBe('wasm');
    expect(backendEvt.reasons.map((r) => r.backend).sort()).toEqual(['cpu', 'tensorflow', 'tensorflow-gpu']);
    const p = seen.filter((s) => s.event === 'train.progress').at(-1)!.payload as Record<string, number>;
    for (const k of ['loss', 'imagesPerSecond', 'lr', 'tau']) expect(Number.isFinite(p[k]), k).toBe(true);
    expect(p.tau).toBeGreaterThanOrEqual(0.99);

    const store = service.currentStore!;
    const emb = (await store.getEmbeddings(started.runId))!;
    expect(emb.ids.length).toBe(64);
    expect(emb.dim).toBe(192);
    expect(emb.data).toBeInstanceOf(Float32Array);
    expect(emb.data.length).toBe(64 * 192);
    expect(emb.data.every(Number.isFinite)).toBe(true);

    const r = await evaluateProject(store);
    expect(r).toMatchObject({ images: 64, classes: 4, k: 20, temperature: 0.1 });
    for (const x of [r.knnTop1, r.knnTop1RandomInit]) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(1);
    }
    expect(await service.call('train.status', {})).toMatchObject({ state: 'done' });
  });
});
