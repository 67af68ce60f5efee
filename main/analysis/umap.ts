/**
 * UMAP layout from a precomputed kNN graph, with umap-learn's defaults (n_neighbors 15,
 * min_dist 0.1, 200 epochs above 10k points, 500 below) and umap-js's API shape:
 * initializeFit → step / run(onEpoch), where onEpoch returning false stops early.
 * Epochs run inline, or on worker threads through a pool (see umap-parallel.ts).
 */
import { findAbParams } from './ab-params';
import { fuzzySimplicialSet } from './fuzzy-graph';
import type { KnnGraph } from './knn-exact';
import { Rng } from './rng';
import { Arena, sized } from './arena';
import { SgdContext, type SgdState } from './umap-sgd';

export interface UmapOptions {
  nNeighbors?: number;
  minDist?: number;
  spread?: number;
  nComponents?: number;
  nEpochs?: number;
  learningRate?: number;
  negativeSampleRate?: number;
  repulsionStrength?: number;
  localConnectivity?: number;
  seed?: number;
  /** Vertex partitions of the SGD: fixes the result for any number of threads ≤ this. */
  partitions?: number;
}

/** Returning false stops the run; coords is the live layout (copy it to keep it). */
export type EpochCallback = (epoch: number, nEpochs: number, coords: Float32Array) => boolean | void;

/** Runs epochs [from, to) of a prepared state; the default runs them on this thread. */
export type EpochRunner = (state: SgdState, from: number, to: number) => Promise<void>;

/**
 * The starting layout: `init` (e.g. PCA) scaled so its largest coordinate is 10 plus 1e-4
 * noise, or uniform random; then each axis is rescaled to [0, 10] (umap-learn does both).
 */
export function startLayout(n: number, dim: number, seed: number, init?: Float32Array): Float32Array {
  const coords = new Float32Array(n * dim);
  const rng = new Rng(seed, 31);
  if (init && init.length === n * dim) {
    let big = 0;
    for (let i = 0; i < n * dim; i++) big = Math.max(big, Math.abs(init[i]));
    const expansion = big > 0 ? 10 / big : 1;
    for (let i = 0; i < n * dim; i++) coords[i] = init[i] * expansion + rng.normal() * 1e-4;
  } else for (let i = 0; i < n * dim; i++) coords[i] = rng.next() * 20 - 10;
  for (let d = 0; d < dim; d++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, coords[i * dim + d]);
      hi = Math.max(hi, coords[i * dim + d]);
    }
    const span = hi - lo || 1;
    for (let i = 0; i < n; i++) coords[i * dim + d] = (10 * (coords[i * dim + d] - lo)) / span;
  }
  return coords;
}

export class Umap {
  readonly nNeighbors: number;
  readonly minDist: number;
  readonly dim: number;
  private readonly o: UmapOptions;
  private state: SgdState | null = null;
  private epoch = 0;
  private ctx: SgdContext | null = null;

  constructor(o: UmapOptions = {}) {
    this.o = o;
    this.nNeighbors = o.nNeighbors ?? 15;
    this.minDist = o.minDist ?? 0.1;
    this.dim = o.nComponents ?? 3;
  }

  /**
   * Builds the fuzzy graph and the initial layout. `init` (n × nComponents), e.g. PCA
   * coordinates, is rescaled per axis to [0, 10] as umap-learn does; without it the start is
   * uniform random. Returns the number of epochs.
   */
  initializeFit(knn: KnnGraph, init?: Float32Array): number {
    const { n } = knn;
    const dim = this.dim;
    const seed = this.o.seed ?? 0;
    const nEpochs = this.o.nEpochs ?? (n > 10000 ? 200 : 500);
    const graph = fuzzySimplicialSet(knn, this.nNeighbors, this.o.localConnectivity ?? 1);
    let wmax = 0;
    for (let e = 0; e < graph.weight.length; e++) wmax = Math.max(wmax, graph.weight[e]);
    // Edges too weak to be sampled even once in nEpochs are dropped (as umap-learn does).
    let keep = 0;
    for (let e = 0; e < graph.weight.length; e++) if (graph.weight[e] >= wmax / nEpochs) keep++;
    const parts = Math.max(1, Math.min(this.o.partitions ?? 2, n));
    const arena = new Arena(sized(keep * 4) * 2 + sized(keep * 8) * 3 + sized(n * dim * 4) * (parts + 2));
    const headPtr = arena.alloc(keep * 4);
    const tailPtr = arena.alloc(keep * 4);
    const epsPtr = arena.alloc(keep * 8);
    const nextPtr = arena.alloc(keep * 8);
    const nextNegPtr = arena.alloc(keep * 8);
    const coordsPtrs: [number, number] = [arena.alloc(n * dim * 4), arena.alloc(n * dim * 4)];
    const viewPtrs = Array.from({ length: parts }, () => arena.alloc(n * dim * 4));
    const buf = arena.memory.buffer;
    const head = new Int32Array(buf, headPtr, keep);
    const tail = new Int32Array(buf, tailPtr, keep);
    const eps = new Float64Array(buf, epsPtr, keep);
    for (let e = 0, t = 0; e < graph.weight.length; e++) {
      if (graph.weight[e] < wmax / nEpochs) continue;
      head[t] = graph.head[e];
      tail[t] = graph.tail[e];
      eps[t] = wmax / graph.weight[e]; // = n_epochs / (n_epochs · w / w_max)
      t++;
    }
    new Float64Array(buf, nextPtr, keep).set(eps);
    const negRate = this.o.negativeSampleRate ?? 5;
    const nextNeg = new Float64Array(buf, nextNegPtr, keep);
    for (let e = 0; e < keep; e++) nextNeg[e] = eps[e] / negRate;
    new Float32Array(buf, coordsPtrs[0], n * dim).set(startLayout(n, dim, seed, init));
    // Partition vertices so each part owns about the same number of edges.
    const vertexBounds = [0];
    const edgeBounds = [0];
    for (let p = 1; p < parts; p++) {
      const v = keep > 0 ? Math.max(head[Math.floor((keep * p) / parts)], vertexBounds[p - 1]) : n;
      let e = Math.floor((keep * p) / parts);
      while (e > 0 && head[e - 1] >= v) e--;
      while (e < keep && head[e] < v) e++;
      vertexBounds.push(v);
      edgeBounds.push(e);
    }
    vertexBounds.push(n);
    edgeBounds.push(keep);
    const { a, b } = findAbParams(this.o.spread ?? 1, this.minDist);
    this.state = {
      memory: arena.memory, n, dim, edges: keep, headPtr, tailPtr, epsPtr, nextPtr, nextNegPtr, coordsPtrs, viewPtrs, vertexBounds, edgeBounds, a, b,
      gamma: this.o.repulsionStrength ?? 1,
      negativeSampleRate: negRate,
      learningRate: this.o.learningRate ?? 1,
      nEpochs,
      seed,
    };
    this.epoch = 0;
    this.ctx = new SgdContext(this.state);
    return nEpochs;
  }

  get nEpochs(): number {
    return this.state?.nEpochs ?? 0;
  }

  get currentEpoch(): number {
    return this.epoch;
  }

  /** The SGD state (shared buffers), for runners on other threads. */
  get sgdState(): SgdState {
    if (!this.state) throw new Error('Umap: call initializeFit first');
    return this.state;
  }

  /** Live coordinates (n × nComponents). */
  getEmbedding(): Float32Array {
    return this.context.coords(this.epoch);
  }

  private get context(): SgdContext {
    if (!this.ctx) throw new Error('Umap: call initializeFit first');
    return this.ctx;
  }

  /** Runs one epoch on this thread; returns the number of epochs done. */
  step(): number {
    const s = this.sgdState;
    if (this.epoch < s.nEpochs) this.context.epochAll(this.epoch++);
    return this.epoch;
  }

  /**
   * Runs the remaining epochs, `every` epochs per runner call, calling onEpoch after each
   * chunk. Returns the coordinates.
   */
  async run(onEpoch?: EpochCallback, runner?: EpochRunner, every = 5): Promise<Float32Array> {
    const s = this.sgdState;
    while (this.epoch < s.nEpochs) {
      const to = Math.min(s.nEpochs, this.epoch + every);
      if (runner) await runner(s, this.epoch, to);
      else while (this.epoch < to) this.context.epochAll(this.epoch++);
      this.epoch = to;
      if (onEpoch?.(this.epoch, s.nEpochs, this.getEmbedding()) === false) break;
    }
    return this.getEmbedding();
  }
}
