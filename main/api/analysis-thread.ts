/**
 * Runs an analysis task on its own worker thread, so k-means, HDBSCAN, label spreading and
 * L-BFGS (seconds at 100k images) never block the process that answers the UI. Cancelling
 * terminates the thread. BYOL_ANALYSIS_INLINE=1 runs tasks on the calling thread instead
 * (debugging, profiling).
 */
import { startWorker } from '../analysis/worker-pool';
import { compute, type ComputeTask } from './analysis-compute';

export async function runAnalysis<T>(task: ComputeTask, signal?: AbortSignal): Promise<T> {
  if (process.env.BYOL_ANALYSIS_INLINE === '1') return (await compute(task)) as T;
  signal?.throwIfAborted();
  const worker = startWorker(new URL('./analysis-worker.ts', import.meta.url));
  try {
    return await new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(new Error('Cancelled.'));
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.once('message', (m: { ok: boolean; value?: unknown; error?: string }) => {
        signal?.removeEventListener('abort', onAbort);
        if (m.ok) resolve(m.value as T);
        else reject(new Error(m.error ?? 'analysis failed'));
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`The analysis thread stopped (exit code ${code}).`)));
      // The embedding copy is ours alone, so hand its buffer over instead of copying it again.
      worker.postMessage(task, [task.data.buffer as ArrayBuffer]);
    });
  } finally {
    await worker.terminate();
  }
}
