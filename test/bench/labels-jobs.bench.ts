/**
 * Label actions as the app runs them: on a worker thread (runAnalysis) vs inline on the
 * calling thread. Reports wall time and the calling thread's worst event-loop stall, which
 * is what a UI waiting on the Node side would feel. N=… sets the image count (default 20k).
 *   npx tsx test/bench/labels-jobs.bench.ts
 */
import { gaussianBlobs } from '../../main/analysis/cluster/blobs';
import type { ComputeTask } from '../../main/api/analysis-compute';
import { runAnalysis } from '../../main/api/analysis-thread';
import { median, printTable } from './table';

const N = Number(process.env.N ?? 20_000);
const D = 128;
const C = 10;
const REPS = Number(process.env.REPS ?? 2);
const { data, labels } = gaussianBlobs({ n: N, dim: D, clusters: C, seed: 1, spread: 0.08 });
const seeds = new Int32Array(N).fill(-1);
const per = new Int32Array(C);
for (let i = 0; i < N; i++) {
  if (per[labels[i]] >= 10) continue;
  seeds[i] = labels[i];
  per[labels[i]]++;
}

const tasks: Record<string, () => ComputeTask> = {
  'propagate (spreading, kNN k=15)': () => ({ op: 'propagate', method: 'spreading', data: Float32Array.from(data), n: N, d: D, seeds, classes: C, seed: 0 }),
  'propagate (logreg)': () => ({ op: 'propagate', method: 'logreg', data: Float32Array.from(data), n: N, d: D, seeds, classes: C, seed: 0 }),
  'cluster (k-means, k=10)': () => ({ op: 'cluster', method: 'kmeans', k: 10, data: Float32Array.from(data), n: N, d: D, seed: 0 }),
  'outliers (k=10)': () => ({ op: 'outliers', k: 10, data: Float32Array.from(data), n: N, d: D, seed: 0 }),
};

/** Runs fn while sampling the event loop every 5 ms; returns seconds and the worst stall (ms). */
async function timed(fn: () => Promise<unknown>): Promise<{ s: number; stall: number }> {
  let last = performance.now();
  let stall = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last - 5);
    last = now;
  }, 5);
  const t0 = performance.now();
  await fn();
  const s = (performance.now() - t0) / 1000;
  clearInterval(probe);
  stall = Math.max(stall, performance.now() - last - 5);
  return { s, stall };
}

const rows: Record<string, string | number>[] = [];
for (const [name, make] of Object.entries(tasks)) {
  for (const mode of ['worker', 'inline'] as const) {
    process.env.BYOL_ANALYSIS_INLINE = mode === 'inline' ? '1' : '0';
    const runs = [];
    for (let r = 0; r < REPS; r++) runs.push(await timed(() => runAnalysis(make())));
    rows.push({ task: name, mode, 'median s': median(runs.map((x) => x.s)), 'worst main-thread stall ms': median(runs.map((x) => x.stall)) });
  }
}
printTable(`Label actions, ${N} × ${D} synthetic embeddings, ${C} classes (10 labels each), median of ${REPS}`, rows);
