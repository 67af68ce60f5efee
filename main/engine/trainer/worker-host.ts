/**
 * Runs a training job off the calling thread and speaks the typed protocol with it. The
 * transport is a small interface: worker_threads here (CLI, serve mode, tests); the
 * Electron shell can supply one over utilityProcess with the same messages.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EmbeddingsAt, EmbeddingsPayload, HostMessage, TrainEvent, TrainJob, TrainSummary, WorkerMessage } from './protocol';

export interface TrainTransport {
  send(msg: HostMessage): void;
  onMessage(cb: (msg: WorkerMessage) => void): void;
  /** Called once when the worker is gone; `error` when it crashed. */
  onExit(cb: (code: number | null, error?: Error) => void): void;
  terminate(): Promise<void>;
}

/**
 * How to start the worker entry next to this file: the built .js directly, or the .ts
 * source (under tsx / vitest) through a small ESM bootstrap that registers tsx's hooks in
 * the worker first. Node 20 does not apply `--import tsx` from a Worker's execArgv to the
 * worker's own entry module, so the hooks must be registered from inside.
 */
export function workerEntry(): { code: string | URL; eval: boolean } {
  const here = fileURLToPath(import.meta.url);
  const ts = here.endsWith('.ts');
  const url = new URL(ts ? './train-worker.ts' : './train-worker.js', import.meta.url);
  if (!existsSync(url)) throw new Error(`Training worker script not found at ${fileURLToPath(url)}.`);
  if (!ts) return { code: url, eval: false };
  // The ESM build of tsx's API, resolved absolutely so the current directory does not matter.
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })` +
    '.catch((e) => { console.error(e); process.exit(1); });';
  return { code, eval: true };
}

export function workerThreadsTransport(): TrainTransport {
  const entry = workerEntry();
  // The worker's stdout goes to our stderr: stdout belongs to the CLI's --json result.
  const worker = new Worker(entry.code, { eval: entry.eval, stdout: true, stderr: false });
  worker.stdout.pipe(process.stderr, { end: false });
  let exited = false;
  const exitCbs: ((code: number | null, error?: Error) => void)[] = [];
  let crash: Error | undefined;
  worker.on('error', (e) => (crash = e));
  worker.on('exit', (code) => {
    exited = true;
    for (const cb of exitCbs) cb(code, crash);
  });
  return {
    send: (msg) => worker.postMessage(msg),
    onMessage: (cb) => worker.on('message', cb),
    onExit: (cb) => exitCbs.push(cb),
    terminate: async () => {
      if (!exited) await worker.terminate();
    },
  };
}

export interface TrainHandlers {
  onEvent?(e: TrainEvent): void;
  /** Embeddings (interim ones for the live map, then the final ones) as transferred typed arrays. */
  onEmbeddings?(e: EmbeddingsPayload, at: EmbeddingsAt): void | Promise<void>;
}

export type HostState = 'idle' | 'running' | 'paused' | 'stopping' | 'done' | 'failed';

export class TrainHost {
  private st: HostState = 'idle';
  private transport: TrainTransport | null = null;

  constructor(private readonly makeTransport: () => TrainTransport = workerThreadsTransport) {}

  get state(): HostState {
    return this.st;
  }

  /** Runs the job to its end (completed, stopped, or out of time); rejects on failure. */
  run(job: TrainJob, h: TrainHandlers = {}): Promise<TrainSummary> {
    if (this.transport) return Promise.reject(new Error('This host already runs a training job.'));
    const t = this.makeTransport();
    this.transport = t;
    this.st = 'running';
    // Embedding writes are async; the summary waits for them so "done" means stored.
    const pending: Promise<void>[] = [];
    return new Promise<TrainSummary>((resolve, reject) => {
      let settled = false;
      const finish = (err: Error | null, summary?: TrainSummary) => {
        if (settled) return;
        settled = true;
        Promise.all(pending).then(
          () => {
            this.st = err ? 'failed' : 'done';
            void t.terminate();
            if (err) reject(err);
            else resolve(summary!);
          },
          (e: unknown) => {
            this.st = 'failed';
            void t.terminate();
            reject(e instanceof Error ? e : new Error(String(e)));
          },
        );
      };
      t.onMessage((m) => {
        if (m.type === 'event') {
          if (m.event.type === 'paused' && this.st !== 'stopping') this.st = 'paused';
          if (m.event.type === 'resumed' && this.st !== 'stopping') this.st = 'running';
          h.onEvent?.(m.event);
        } else if (m.type === 'embeddings') {
          const r = h.onEmbeddings?.(m.embeddings, m.at);
          if (r) pending.push(r);
        } else if (m.type === 'done') {
          finish(null, m.summary);
        } else if (m.type === 'error') {
          finish(new Error(m.message));
        }
      });
      t.onExit((code, error) => {
        finish(error ?? new Error(`The training worker exited unexpectedly (code ${code}). The last checkpoint is kept; resume to continue.`));
      });
      t.send({ type: 'start', job });
    });
  }

  pause(): void {
    if (this.st !== 'running') return;
    this.transport?.send({ type: 'pause' });
  }

  resume(): void {
    if (this.st !== 'paused') return;
    this.transport?.send({ type: 'resume' });
  }

  /** Asks the loop to stop after the current step; it writes a checkpoint and ends normally. */
  stop(): void {
    if (this.st !== 'running' && this.st !== 'paused') return;
    this.st = 'stopping';
    this.transport?.send({ type: 'stop' });
  }

  /** Ends the worker at once (no checkpoint beyond the last one written). */
  async kill(): Promise<void> {
    await this.transport?.terminate();
  }
}
