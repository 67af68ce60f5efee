/**
 * A small pool of worker_threads running analysis kernels on shared memory. Under tsx or
 * vitest the worker is the TypeScript source, loaded through tsx's ESM hook; a bundled app
 * passes the URL of its built worker instead.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface PoolTask {
  op: string;
  [key: string]: unknown;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/**
 * Starts a worker for `url`. A .ts source (tests, tsx) gets a bootstrap that registers tsx's
 * require hook and requires it: in Node 20 a worker does not get ESM loader hooks.
 */
export function startWorker(url: URL): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url);
  const tsxCjs = createRequire(import.meta.url).resolve('tsx/cjs/api');
  const boot = `require(${JSON.stringify(tsxCjs)}).register(); require(${JSON.stringify(fileURLToPath(url))});`;
  return new Worker(boot, { eval: true });
}

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(readonly size: number, url: URL = new URL('./kernel-worker.ts', import.meta.url)) {
    for (let w = 0; w < size; w++) {
      const worker = startWorker(url);
      worker.on('message', (m: { id: number; ok: boolean; value?: unknown; error?: string }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.ok) p.resolve(m.value);
        else p.reject(new Error(m.error));
      });
      worker.on('error', (err) => this.failAll(err));
      worker.on('exit', (code) => {
        if (!this.closed) this.failAll(new Error(`analysis worker exited with code ${code}`));
      });
      this.workers.push(worker);
    }
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  /** Runs one task on worker w. */
  run<T = unknown>(w: number, task: PoolTask): Promise<T> {
    if (this.closed) return Promise.reject(new Error('analysis worker pool is closed'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.workers[w].postMessage({ id, task });
    });
  }

  /** Runs tasks[w] on worker w, all at once. */
  all<T = unknown>(tasks: PoolTask[]): Promise<T[]> {
    return Promise.all(tasks.map((t, w) => this.run<T>(w % this.size, t)));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new Error('analysis worker pool closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
