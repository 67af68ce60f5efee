/**
 * The tasks a kernel worker runs. Kept apart from the worker entry so the same code runs
 * inline (one thread) and in workers, which is what makes thread count irrelevant to results.
 */
import { Arena } from './arena';
import { barrierWait } from './barrier';
import { createHeaps, heapPush } from './neighbor-heap';
import { localJoin, type CandidateLists } from './nn-descent';
import { projectInArena, type PcaBasis } from './pca';
import { leafJoin, rpTreeLeaves, type RpScratch } from './rp-forest';
import { SgdContext, type SgdState } from './umap-sgd';
import type { PoolTask } from './worker-pool';

/** SGD epochs [from, to) for some partitions, in lock-step with the other workers. */
export interface SgdTask extends PoolTask {
  op: 'sgd';
  state: SgdState;
  parts: number[];
  from: number;
  to: number;
  barrier: Int32Array;
  parties: number;
}

interface MemTask extends PoolTask {
  memory: WebAssembly.Memory;
}

export interface TreeTask extends MemTask {
  op: 'tree';
  yPtr: number; n: number; stride: number; dims: number; leafSize: number; seed: number; tree: number; scratch: RpScratch;
}

export interface LeafJoinTask extends MemTask {
  op: 'leafJoin';
  yPtr: number; stride: number; starts: Int32Array; leafFrom: number; leafTo: number; orderPtr: number; heapDistPtr: number; k: number; distPtr: number;
}

export interface LocalJoinTask extends MemTask {
  op: 'localJoin';
  yPtr: number; stride: number; heapDistPtr: number; k: number; cands: CandidateLists; from: number; to: number; listPtr: number; distPtr: number;
}

/** Row i of a fresh k-heap from point i's reduced-space candidates, by full-dimension distance. */
export interface RerankTask extends MemTask {
  op: 'rerank';
  xPtr: number; dp: number; n: number; candPtr: number; cand: number; k: number; idxPtr: number; distOutPtr: number; flagPtr: number; from: number; to: number; distPtr: number;
}

export interface ProjectTask extends MemTask {
  op: 'project';
  basis: PcaBasis; wPtr: number; xPtr: number; from: number; to: number; outPtr: number; outStride: number;
}

export function runSgdTask(t: SgdTask): void {
  const ctx = new SgdContext(t.state);
  for (let epoch = t.from; epoch < t.to; epoch++) {
    // Reads and writes go to different buffers, so one barrier per epoch suffices:
    // nobody starts epoch e + 1 before everyone has published epoch e.
    for (const p of t.parts) {
      ctx.copyIn(p, epoch);
      ctx.run(p, epoch);
      ctx.copyOut(p, epoch);
    }
    barrierWait(t.barrier, t.parties);
  }
}

function rerank(t: RerankTask): void {
  const arena = new Arena(t.memory);
  const { n, k, cand } = t;
  const heaps = createHeaps(n, k, arena.i32View(t.idxPtr, n * k), arena.f32View(t.distOutPtr, n * k), arena.u8View(t.flagPtr, n * k), t.from, t.to);
  const cands = arena.i32View(t.candPtr, n * cand);
  for (let i = t.from; i < t.to; i++) {
    const base = i * cand;
    for (let q = 0; q < cand; q++) if (cands[base + q] < 0) cands[base + q] = i;
    arena.kern.l2To(t.xPtr + i * t.dp * 4, t.xPtr, t.dp * 4, t.candPtr + base * 4, cand, t.distPtr, t.dp);
    for (let q = 0; q < cand; q++) {
      const j = cands[base + q];
      if (j !== i) heapPush(heaps, i, j, arena.f32[t.distPtr / 4 + q], 1);
    }
  }
}

export function runTask(task: PoolTask): unknown {
  switch (task.op) {
    case 'sgd':
      return runSgdTask(task as SgdTask);
    case 'tree': {
      const t = task as TreeTask;
      return rpTreeLeaves(new Arena(t.memory), t.yPtr, t.n, t.stride, t.dims, t.leafSize, t.seed, t.tree, t.scratch);
    }
    case 'leafJoin': {
      const t = task as LeafJoinTask;
      return leafJoin(new Arena(t.memory), t.yPtr, t.stride, t.starts, t.leafFrom, t.leafTo, t.orderPtr, t.heapDistPtr, t.k, t.distPtr);
    }
    case 'localJoin': {
      const t = task as LocalJoinTask;
      return localJoin(new Arena(t.memory), t.yPtr, t.stride, t.heapDistPtr, t.k, t.cands, t.from, t.to, t.listPtr, t.distPtr);
    }
    case 'rerank':
      return rerank(task as RerankTask);
    case 'project': {
      const t = task as ProjectTask;
      return projectInArena(new Arena(t.memory), t.basis, t.wPtr, t.xPtr, t.from, t.to, t.outPtr, t.outStride);
    }
    default:
      throw new Error(`unknown analysis task ${task.op}`);
  }
}
