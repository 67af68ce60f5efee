import { randomUUID } from 'node:crypto';
import type { JobFinished, JobKind, JobProgress } from '../../preload/contract';
import { ProgressMeter, type ProgressUpdate } from './progress';
import { toWireError } from './errors';

export interface JobContext {
  signal: AbortSignal;
  /** Report progress; rate and ETA are derived here. */
  progress(done: number, total: number, message?: string): void;
}

export interface JobEvents {
  progress(p: JobProgress): void;
  finished(f: JobFinished): void;
}

interface Running {
  kind: JobKind;
  startedAt: number;
  controller: AbortController;
  promise: Promise<JobFinished>;
}

/** Runs long work off the request path, one job per kind at a time, with cancel. */
export class JobRunner {
  private readonly running = new Map<string, Running>();

  constructor(private readonly events: JobEvents) {}

  busyWith(kind: JobKind): string | null {
    for (const [id, job] of this.running) if (job.kind === kind) return id;
    return null;
  }

  list(): { jobId: string; kind: JobKind; startedAt: number }[] {
    return [...this.running].map(([jobId, j]) => ({ jobId, kind: j.kind, startedAt: j.startedAt }));
  }

  start(kind: JobKind, work: (ctx: JobContext) => Promise<unknown>): { jobId: string; done: Promise<JobFinished> } {
    const jobId = `${kind}-${randomUUID().slice(0, 8)}`;
    const controller = new AbortController();
    const meter = new ProgressMeter((p: ProgressUpdate) => this.events.progress({ jobId, kind, ...p }));
    const ctx: JobContext = {
      signal: controller.signal,
      progress: (done, total, message) => meter.update(done, total, message),
    };
    const promise = (async (): Promise<JobFinished> => {
      try {
        const summary = await work(ctx);
        if (controller.signal.aborted) return { jobId, kind, status: 'cancelled', summary };
        return { jobId, kind, status: 'ok', summary };
      } catch (err) {
        if (controller.signal.aborted) return { jobId, kind, status: 'cancelled' };
        return { jobId, kind, status: 'error', error: toWireError(err).message };
      }
    })().then((finished) => {
      this.running.delete(jobId);
      this.events.finished(finished);
      return finished;
    });
    this.running.set(jobId, { kind, startedAt: Date.now(), controller, promise });
    return { jobId, done: promise };
  }

  cancel(jobId: string): boolean {
    const job = this.running.get(jobId);
    if (!job) return false;
    job.controller.abort();
    return true;
  }

  async cancelAll(): Promise<void> {
    const all = [...this.running.values()];
    for (const j of all) j.controller.abort();
    await Promise.allSettled(all.map((j) => j.promise));
  }
}
