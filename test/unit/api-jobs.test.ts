import { describe, expect, it } from 'vitest';
import type { JobFinished, JobProgress } from '../../preload/contract';
import { JobRunner } from '../../main/api/jobs';
import { ProgressMeter, type ProgressUpdate } from '../../main/api/progress';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('JobRunner', () => {
  it('streams progress and reports the summary', async () => {
    const progress: JobProgress[] = [];
    const finished: JobFinished[] = [];
    const runner = new JobRunner({ progress: (p) => progress.push(p), finished: (f) => finished.push(f) });
    const { jobId, done } = runner.start('ingest', async (ctx) => {
      for (let i = 1; i <= 5; i++) {
        await sleep(30);
        ctx.progress(i, 5, `item ${i}`);
      }
      return { n: 5 };
    });
    expect(runner.busyWith('ingest')).toBe(jobId);
    const f = await done;
    expect(f).toMatchObject({ jobId, kind: 'ingest', status: 'ok', summary: { n: 5 } });
    expect(finished).toHaveLength(1);
    expect(progress.at(-1)).toMatchObject({ done: 5, total: 5, etaSeconds: 0 });
    expect(progress.every((p) => p.jobId === jobId && p.rate >= 0)).toBe(true);
    expect(runner.busyWith('ingest')).toBeNull();
  });

  it('cancels through the abort signal', async () => {
    const runner = new JobRunner({ progress: () => {}, finished: () => {} });
    let steps = 0;
    const { jobId, done } = runner.start('ingest', async (ctx) => {
      while (!ctx.signal.aborted) {
        steps++;
        await sleep(5);
      }
    });
    await sleep(30);
    expect(runner.cancel(jobId)).toBe(true);
    expect((await done).status).toBe('cancelled');
    expect(steps).toBeGreaterThan(0);
    expect(runner.cancel(jobId)).toBe(false);
  });

  it('turns a thrown error into a finished event with the message', async () => {
    const runner = new JobRunner({ progress: () => {}, finished: () => {} });
    const { done } = runner.start('ingest', async () => {
      throw new Error('disk on fire');
    });
    expect(await done).toMatchObject({ status: 'error', error: 'disk on fire' });
  });
});

describe('ProgressMeter', () => {
  it('derives a rate and an ETA from done counts', async () => {
    const out: ProgressUpdate[] = [];
    const meter = new ProgressMeter((p) => out.push(p), 0);
    for (let i = 1; i <= 10; i++) {
      await sleep(20);
      meter.update(i * 10, 200);
    }
    const last = out.at(-1)!;
    // 10 items per ~20 ms is ~500/s; allow wide margins for a loaded machine.
    expect(last.rate).toBeGreaterThan(100);
    expect(last.rate).toBeLessThan(1000);
    expect(last.etaSeconds).toBeGreaterThan(0);
    expect(last.etaSeconds!).toBeCloseTo((200 - 100) / last.rate, 5);
  });

  it('throttles emits but always sends the final update', () => {
    const out: ProgressUpdate[] = [];
    const meter = new ProgressMeter((p) => out.push(p), 10_000);
    for (let i = 1; i <= 100; i++) meter.update(i, 100);
    expect(out.length).toBe(2);
    expect(out.at(-1)!.done).toBe(100);
  });
});
