/**
 * Runs projectEmbeddings on a worker thread so the caller's event loop stays free.
 * Preview and per-epoch layouts arrive through callbacks; returning false from onEpoch stops
 * the layout early (the result is the layout so far); aborting the signal ends the worker.
 */
import type { ProjectOptions, ProjectResult } from './project';
import type { ProjectionRequest } from './projection-worker';
import { startWorker } from './worker-pool';

export interface HostOptions extends Omit<ProjectOptions, 'pool'> {
  /** Hand the input buffer to the worker instead of copying it (the caller loses it). */
  transferInput?: boolean;
  /** The worker script; a bundled app passes its built projection worker. */
  workerUrl?: URL;
}

export function projectInWorker(data: Float32Array, n: number, d: number, o: HostOptions = {}): Promise<ProjectResult> {
  const { onPreview, onEpoch, onStage, signal, transferInput, workerUrl, ...options } = o;
  const worker = startWorker(workerUrl ?? new URL('./projection-worker.ts', import.meta.url));
  return new Promise<ProjectResult>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      fn();
    };
    const onAbort = () =>
      finish(() => {
        const e = new Error('Projection cancelled');
        e.name = 'AbortError';
        reject(e);
      });
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    worker.on('message', (m: { type: string; [k: string]: unknown }) => {
      if (m.type === 'preview') onPreview?.(m.coords as Float32Array);
      else if (m.type === 'stage') onStage?.(m.stage as string);
      else if (m.type === 'epoch') {
        if (onEpoch?.(m.epoch as number, m.total as number, m.coords as Float32Array) === false) worker.postMessage({ type: 'stop' });
      } else if (m.type === 'done') finish(() => resolve(m.result as ProjectResult));
      else if (m.type === 'error') finish(() => reject(new Error(m.error as string)));
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`projection worker exited with code ${code}`))));
    const request: ProjectionRequest = { type: 'start', data: transferInput ? data : Float32Array.from(data.subarray(0, n * d)), n, d, options };
    worker.postMessage(request, [request.data.buffer as ArrayBuffer]);
  });
}
