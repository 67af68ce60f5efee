/**
 * Worker-thread entry for WorkerPool: runs analysis kernels on shared memory and replies
 * { id, ok, value | error }.
 */
import { parentPort } from 'node:worker_threads';
import { runTask } from './kernel-tasks';
import type { PoolTask } from './worker-pool';
import { lowerThreadPriority } from '../util/thread-priority';

// A background job: the UI and the server's requests come first.
lowerThreadPriority();

parentPort?.on('message', (m: { id: number; task: PoolTask }) => {
  try {
    const value = runTask(m.task);
    parentPort?.postMessage({ id: m.id, ok: true, value });
  } catch (err) {
    parentPort?.postMessage({ id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
});
