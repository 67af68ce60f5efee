/**
 * The whole projection: embeddings (n × d) → instant PCA preview → cosine kNN graph →
 * UMAP 3D, streaming intermediate layouts. Meant to run inside a worker (projection-worker.ts);
 * the heavy kernels use their own worker pool on shared memory.
 */
import { availableParallelism } from 'node:os';
import { sized } from './arena';
import { knnInArena, knnScratchBytes, type KnnGraph, type KnnOptions } from './knn';
import { fitPcaInArena, loadRows, pcaScratchBytes, projectInArena, writeComponents } from './pca';
import { padTo8 } from './simd-kernels';
import { Umap, startLayout, type EpochCallback } from './umap';
import { poolEpochRunner } from './umap-parallel';
import { WorkerPool } from './worker-pool';

export interface ProjectOptions {
  nNeighbors?: number;
  minDist?: number;
  spread?: number;
  nEpochs?: number;
  seed?: number;
  /** Threads for the SGD (default: up to 2 cores); results do not depend on it. */
  threads?: number;
  /** Dimensions for the kNN candidate search (PCA). */
  searchDims?: number;
  /** Advanced kNN settings (see KnnOptions). */
  knn?: Omit<KnnOptions, 'k' | 'seed' | 'basis'>;
  /** Epochs between onEpoch calls. */
  epochsPerUpdate?: number;
  /** PCA 3D layout on the same scale as the UMAP start, available well before the kNN. */
  onPreview?: (coords: Float32Array) => void;
  onEpoch?: EpochCallback;
  onStage?: (stage: string) => void;
  signal?: AbortSignal;
  /** An existing pool to reuse (it is not closed). */
  pool?: WorkerPool;
  /** URL (href) of the built kernel worker when running from a bundle; default: the .ts source. */
  kernelWorkerUrl?: string;
}

export interface ProjectResult {
  knn: KnnGraph;
  coords: Float32Array;
  seconds: number;
  timings: Record<string, number>;
  epochs: number;
}

function abortError(): Error {
  const e = new Error('Projection cancelled');
  e.name = 'AbortError';
  return e;
}

export async function projectEmbeddings(data: Float32Array, n: number, d: number, o: ProjectOptions = {}): Promise<ProjectResult> {
  if (data.length < n * d) throw new Error(`projectEmbeddings: expected ${n} × ${d} = ${n * d} values, got ${data.length}`);
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  let t = t0;
  const lap = (stage: string) => {
    const now = performance.now();
    timings[stage] = (now - t) / 1000;
    t = now;
  };
  const check = () => {
    if (o.signal?.aborted) throw abortError();
  };
  const seed = o.seed ?? 0;
  const nNeighbors = o.nNeighbors ?? 15;
  if (n < 3) {
    const coords = new Float32Array(n * 3);
    const k = Math.max(0, n - 1);
    const knn: KnnGraph = { n, k, indices: new Int32Array(n * k), distances: new Float32Array(n * k) };
    return { knn, coords, seconds: 0, timings, epochs: 0 };
  }
  const knnOpts: KnnOptions = { ...o.knn, k: nNeighbors, seed, dims: o.searchDims ?? o.knn?.dims };
  const dp = padTo8(d);
  const { arena, xPtr } = loadRows(data, n, d, knnScratchBytes(n, d, knnOpts) + pcaScratchBytes(n, d, 64) + sized(4 * dp * 4) + sized(n * 16), true);
  lap('load');
  check();
  o.onStage?.('preview');
  // One PCA serves the preview (first 3 axes) and the kNN search space (first searchDims).
  const basis = fitPcaInArena(arena, xPtr, n, d, Math.min(knnOpts.dims ?? 64, d), { seed });
  const mark = arena.mark();
  const wPtr = writeComponents(arena, basis, 3, 4);
  const outPtr = arena.alloc(n * 16);
  projectInArena(arena, basis, wPtr, xPtr, 0, n, outPtr, 4);
  const pc = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) pc[i * 3 + c] = arena.f32[outPtr / 4 + i * 4 + c];
  arena.release(mark);
  const start = startLayout(n, 3, seed, pc);
  lap('preview');
  o.onPreview?.(start);
  check();
  o.onStage?.('knn');
  const threads = Math.max(1, o.threads ?? Math.min(2, availableParallelism()));
  const pool = o.pool ?? (threads > 1 ? new WorkerPool(threads, o.kernelWorkerUrl ? new URL(o.kernelWorkerUrl) : undefined) : undefined);
  try {
    const knnTimings: Record<string, number> = {};
    const knn = await knnInArena(arena, xPtr, n, d, { ...knnOpts, basis }, knnTimings, pool);
    lap('knn');
    for (const [k, v] of Object.entries(knnTimings)) timings[`knn.${k}`] = v;
    check();
    o.onStage?.('umap');
    const umap = new Umap({ nNeighbors, minDist: o.minDist, spread: o.spread, nEpochs: o.nEpochs, seed, partitions: 2 });
    umap.initializeFit(knn, start);
    lap('umap-graph');
    await umap.run(
      (epoch, total, coords) => {
        if (o.signal?.aborted) return false;
        return o.onEpoch?.(epoch, total, coords);
      },
      pool ? poolEpochRunner(pool) : undefined,
      o.epochsPerUpdate ?? 5,
    );
    check();
    lap('umap-sgd');
    const coords = Float32Array.from(umap.getEmbedding());
    return { knn, coords, seconds: (performance.now() - t0) / 1000, timings, epochs: umap.currentEpoch };
  } finally {
    if (pool && !o.pool) await pool.close();
  }
}
