/** Worker-thread entry: runs one analysis task (analysis-compute.ts) and replies once. */
import { parentPort } from 'node:worker_threads';
import { lowerThreadPriority } from '../util/thread-priority';
import { compute, type ComputeTask } from './analysis-compute';

// A background job: the UI and the server's requests come first.
lowerThreadPriority();

parentPort?.once('message', (task: ComputeTask) => {
  compute(task).then(
    (value) => parentPort?.postMessage({ ok: true, value }),
    (err: unknown) => parentPort?.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});
