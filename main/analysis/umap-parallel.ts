/** Runs UMAP epochs on a WorkerPool: each worker owns a share of the SGD partitions. */
import { createBarrier } from './barrier';
import type { SgdTask } from './kernel-tasks';
import type { EpochRunner } from './umap';
import type { WorkerPool } from './worker-pool';

export function poolEpochRunner(pool: WorkerPool): EpochRunner {
  const barrier = createBarrier();
  return async (state, from, to) => {
    const parts = state.viewPtrs.length;
    const parties = Math.min(pool.size, parts);
    const tasks: SgdTask[] = [];
    for (let w = 0; w < parties; w++) {
      const mine: number[] = [];
      for (let p = w; p < parts; p += parties) mine.push(p);
      tasks.push({ op: 'sgd', state, parts: mine, from, to, barrier, parties });
    }
    await pool.all(tasks);
  };
}
