/**
 * Approximate cosine kNN graph for large embedding sets:
 *   1. L2-normalise (cosine distance becomes a function of Euclidean distance);
 *   2. PCA to `dims` (default 64) for cheap candidate search;
 *   3. a random-projection forest seeds the neighbour heaps (its first tree also renumbers
 *      the points so that neighbours sit close in memory);
 *   4. NN-descent improves them in the reduced space;
 *   5. the `candidates` best are re-ranked by exact cosine in the full dimension, and
 *      `fullRounds` NN-descent rounds there fix what the reduced space got wrong.
 * Small inputs use exact brute force instead. Distances run as WebAssembly SIMD; the heavy
 * steps run as tasks over fixed blocks (inline or on a WorkerPool) with the same result.
 * Every random choice is seeded.
 */
import { sized, type Arena } from './arena';
import { exactKnnInArena, exactScratchBytes, type KnnGraph } from './knn-exact';
import { createHeaps, sortRows, type NeighborHeaps } from './neighbor-heap';
import { applyUpdates, type Updates } from './neighbor-updates';
import { allocCandidates, buildCandidates } from './nn-descent';
import { runTask } from './kernel-tasks';
import type { PoolTask, WorkerPool } from './worker-pool';
import { fitPcaInArena, loadRows, pcaScratchBytes, writeComponents, type PcaBasis } from './pca';
import { Rng } from './rng';
import { padTo8 } from './simd-kernels';

export type { KnnGraph } from './knn-exact';

export interface KnnOptions {
  k?: number;
  seed?: number;
  /** Dimensions used for candidate search (PCA); the final ranking uses all of them. */
  dims?: number;
  /** Neighbours kept per point during the search (≥ k); more raises recall and cost. */
  candidates?: number;
  trees?: number;
  leafSize?: number;
  iters?: number;
  delta?: number;
  /** NN-descent rounds in the full dimension after the reduced search (0 = re-rank only). */
  fullRounds?: number;
  /** Use brute force when n² · dim is below this many multiply-adds. */
  exactBelow?: number;
  /** A PCA already fitted on these (normalised) rows, e.g. by the preview. */
  basis?: PcaBasis;
}

export interface KnnTimings {
  [stage: string]: number;
}

interface Resolved {
  k: number; seed: number; m: number; cand: number; trees: number; leafSize: number; iters: number; delta: number; exact: boolean; fullRounds: number;
}

function resolve(n: number, dim: number, o: KnnOptions): Resolved {
  const k = Math.max(1, Math.min(o.k ?? 15, n - 1));
  const m = Math.min(o.dims ?? 64, dim);
  const cand = Math.max(k, Math.min(o.candidates ?? k, n - 1));
  return {
    k, m, cand,
    seed: o.seed ?? 0,
    trees: o.trees ?? Math.min(12, 4 + Math.round(Math.sqrt(n) / 100)),
    leafSize: o.leafSize ?? Math.max(cand + 5, 32),
    iters: o.iters ?? 3,
    delta: o.delta ?? 0.002,
    exact: n * n * dim <= (o.exactBelow ?? 2e9),
    fullRounds: m < dim ? (o.fullRounds ?? 2) : 0,
  };
}

/** Runs tasks inline or on a pool; results come back in task order either way. */
export type TaskRunner = (tasks: PoolTask[]) => Promise<unknown[]>;

export function taskRunner(pool?: WorkerPool | null): TaskRunner {
  return pool ? (tasks) => pool.all(tasks) : async (tasks) => tasks.map(runTask);
}

/** Work is split into this many fixed blocks, whatever the thread count (determinism). */
const BLOCKS = 16;
/** Scratch slots: task t uses slot t % SLOTS; a pool runs task t on worker t % size. */
const SLOTS = 4;

/** Bytes of arena the search needs beyond the normalised rows. */
export function knnScratchBytes(n: number, dim: number, o: KnnOptions = {}): number {
  const r = resolve(n, dim, o);
  if (r.exact) return exactScratchBytes(dim);
  const mp = padTo8(r.m);
  const y = r.m < dim ? sized(mp * padTo8(dim) * 4) + sized(n * mp * 4) : 0;
  const heaps = sized(n * r.cand * 4) * 2 + sized(n * r.cand) + sized(n * r.k * 4) * 2 + sized(n * r.k);
  const trees = r.trees * (2 * sized(n * 4) + sized(mp * 4));
  const cands = 2 * (sized(n * r.cand * 4) + sized(n * 4));
  const slots = SLOTS * 2 * sized(4 * Math.max(2 * r.cand, r.leafSize));
  return pcaScratchBytes(n, dim, r.m) + y + heaps + trees + cands + slots;
}

const blocks = (n: number) => Array.from({ length: BLOCKS }, (_, b) => [Math.floor((n * b) / BLOCKS), Math.floor((n * (b + 1)) / BLOCKS)]);

/**
 * kNN over rows already normalised in the arena (stride padTo8(dim), 4 spare rows after).
 * The rows are left renumbered (in an internal, locality-friendly order).
 */
export async function knnInArena(arena: Arena, xPtr: number, n: number, dim: number, o: KnnOptions = {}, timings: KnnTimings = {}, pool?: WorkerPool | null): Promise<KnnGraph> {
  const r = resolve(n, dim, o);
  const { k, cand, m, seed } = r;
  const dp = padTo8(dim);
  const run = taskRunner(pool);
  const memory = arena.memory;
  const out: KnnGraph = { n, k, indices: new Int32Array(n * k), distances: new Float32Array(n * k) };
  let t = performance.now();
  const lap = (stage: string) => {
    const now = performance.now();
    timings[stage] = (timings[stage] ?? 0) + (now - t) / 1000;
    t = now;
  };
  if (r.exact) {
    exactKnnInArena(arena, xPtr, n, dim, k, Int32Array.from({ length: n }, (_, i) => i), out);
    lap('exact');
    return out;
  }
  // Reduced rows Y for the search.
  let yPtr = xPtr;
  let ys = dp;
  if (m < dim) {
    const basis = o.basis && o.basis.m >= m ? o.basis : fitPcaInArena(arena, xPtr, n, dim, m, { seed });
    lap('pca-fit');
    ys = padTo8(m);
    const wPtr = writeComponents(arena, basis, m, ys);
    yPtr = arena.alloc(n * ys * 4);
    const projected = { m: basis.m, dim: basis.dim, mean: basis.mean, components: new Float32Array(0), variances: basis.variances };
    await run(blocks(n).map(([from, to]) => ({ op: 'project', memory, basis: projected, wPtr, xPtr, from, to, outPtr: yPtr, outStride: ys })));
    lap('pca-project');
  }
  const heaps = createHeaps(n, cand, arena.i32View(arena.alloc(n * cand * 4), n * cand), arena.f32View(arena.alloc(n * cand * 4), n * cand), arena.u8View(arena.alloc(n * cand), n * cand));
  const heapDistPtr = heaps.distances.byteOffset;
  const slots = Array.from({ length: SLOTS }, () => ({ listPtr: arena.alloc(4 * Math.max(2 * cand, r.leafSize)), distPtr: arena.alloc(4 * Math.max(2 * cand, r.leafSize)) }));
  const scratch = Array.from({ length: r.trees }, () => ({ orderPtr: arena.alloc(n * 4), marginPtr: arena.alloc(n * 4), normalPtr: arena.alloc(ys * 4) }));
  const treeTask = (tree: number) => ({ op: 'tree', memory, yPtr, n, stride: ys, dims: m, leafSize: r.leafSize, seed, tree, scratch: scratch[tree] });
  const joinTasks = (tree: number, starts: Int32Array) => {
    const leaves = starts.length - 1;
    return blocks(leaves).map(([leafFrom, leafTo], b) => ({ op: 'leafJoin', memory, yPtr, stride: ys, starts, leafFrom, leafTo, orderPtr: scratch[tree].orderPtr, heapDistPtr, k: cand, distPtr: slots[b % SLOTS].distPtr }));
  };
  const apply = (results: unknown[]) => {
    let changed = 0;
    for (const u of results as Updates[]) changed += applyUpdates(heaps, u);
    return changed;
  };
  // Renumber points in the leaf order of a first tree, so neighbours sit close in memory:
  // the later random accesses (heaps, rows) then mostly hit cache.
  const [first] = (await run([treeTask(0)])) as Int32Array[];
  const order = Int32Array.from(arena.i32View(scratch[0].orderPtr, n));
  permuteRows(arena.f32, xPtr / 4, dp, order);
  if (yPtr !== xPtr) permuteRows(arena.f32, yPtr / 4, ys, order);
  for (let i = 0; i < n; i++) arena.i32[scratch[0].orderPtr / 4 + i] = i;
  lap('reorder');
  const starts = [first, ...((await run(Array.from({ length: r.trees - 1 }, (_, i) => treeTask(i + 1)))) as Int32Array[])];
  for (let tree = 0; tree < r.trees; tree++) apply(await run(joinTasks(tree, starts[tree])));
  lap('rp-forest');
  const cands = allocCandidates(arena, n, cand);
  const rng = new Rng(seed, 21);
  const descend = async (h: NeighborHeaps, rowsPtr: number, stride: number, iters: number) => {
    let rounds = 0;
    while (rounds < iters) {
      rounds++;
      const c = { ...cands, cap: Math.min(cands.cap, h.k) };
      let tt = performance.now();
      buildCandidates(arena, h, c, rng);
      timings['candidates'] = (timings['candidates'] ?? 0) + (performance.now() - tt) / 1000;
      tt = performance.now();
      const results = await run(blocks(n).map(([from, to], b) => ({ op: 'localJoin', memory, yPtr: rowsPtr, stride, heapDistPtr: h.distances.byteOffset, k: h.k, cands: c, from, to, ...slots[b % SLOTS] })));
      timings['join'] = (timings['join'] ?? 0) + (performance.now() - tt) / 1000;
      tt = performance.now();
      let changed = 0;
      for (const u of results as Updates[]) changed += applyUpdates(h, u);
      timings['apply'] = (timings['apply'] ?? 0) + (performance.now() - tt) / 1000;
      if (changed <= r.delta * n * h.k) break;
    }
    return rounds;
  };
  timings.rounds = await descend(heaps, yPtr, ys, r.iters);
  lap('nn-descent');
  // The reduced space ranks near-ties wrongly; NN-descent in the full space (squared L2 of
  // unit vectors = 2 − 2cos) starts from the re-ranked candidates and fixes that in 1–2 rounds.
  const idxPtr = arena.alloc(n * k * 4);
  const distOutPtr = arena.alloc(n * k * 4);
  const flagPtr = arena.alloc(n * k);
  await run(blocks(n).map(([from, to], b) => ({ op: 'rerank', memory, xPtr, dp, n, candPtr: heaps.indices.byteOffset, cand, k, idxPtr, distOutPtr, flagPtr, from, to, distPtr: slots[b % SLOTS].distPtr })));
  const full: NeighborHeaps = { n, k, indices: arena.i32View(idxPtr, n * k), distances: arena.f32View(distOutPtr, n * k), flags: arena.u8View(flagPtr, n * k) };
  lap('rerank');
  timings.fullRounds = r.fullRounds > 0 ? await descend(full, xPtr, dp, r.fullRounds) : 0;
  lap('full-descent');
  sortRows(full);
  for (let i = 0; i < n * k; i++) {
    out.indices[i] = full.indices[i];
    out.distances[i] = Math.max(0, full.distances[i] / 2);
  }
  return unpermute(out, order);
}

/** newRow[p] = oldRow[order[p]], in place, following permutation cycles. */
function permuteRows(f32: Float32Array, base: number, stride: number, order: Int32Array): void {
  const n = order.length;
  const done = new Uint8Array(n);
  const tmp = new Float32Array(stride);
  for (let p = 0; p < n; p++) {
    if (done[p] || order[p] === p) continue;
    tmp.set(f32.subarray(base + p * stride, base + (p + 1) * stride));
    let q = p;
    for (;;) {
      done[q] = 1;
      const src = order[q];
      if (src === p) {
        f32.set(tmp, base + q * stride);
        break;
      }
      f32.copyWithin(base + q * stride, base + src * stride, base + (src + 1) * stride);
      q = src;
    }
  }
}

/** Maps a graph computed on renumbered points back to the caller's numbering. */
function unpermute(g: KnnGraph, order: Int32Array): KnnGraph {
  const { n, k } = g;
  const out: KnnGraph = { n, k, indices: new Int32Array(n * k), distances: new Float32Array(n * k) };
  for (let p = 0; p < n; p++) {
    const i = order[p];
    for (let t = 0; t < k; t++) {
      out.indices[i * k + t] = order[g.indices[p * k + t]];
      out.distances[i * k + t] = g.distances[p * k + t];
    }
  }
  return out;
}

/** Approximate cosine kNN graph of n × dim row-major data (pass a pool to use worker threads). */
export async function knnGraph(data: Float32Array, n: number, dim: number, o: KnnOptions = {}, timings: KnnTimings = {}, pool?: WorkerPool | null): Promise<KnnGraph> {
  const t = performance.now();
  const { arena, xPtr } = loadRows(data, n, dim, knnScratchBytes(n, dim, o), true);
  timings.load = (performance.now() - t) / 1000;
  return knnInArena(arena, xPtr, n, dim, o, timings, pool);
}
