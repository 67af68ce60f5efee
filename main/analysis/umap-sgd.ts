/**
 * UMAP's layout SGD (umap-learn's optimize_layout_euclidean), one epoch of one vertex
 * partition at a time. Partitions make the parallel run deterministic: each works on a
 * private copy of the coordinates taken at the start of the epoch and writes back only the
 * vertices it owns, so the result does not depend on thread timing or thread count.
 * An edge whose tail another partition owns moves only its head, with double force: the
 * reverse edge (the graph is symmetric) moves the tail, so the expected pull is unchanged.
 * Everything lives in one shared WebAssembly memory so the 3D epoch can run as wasm.
 */
import { mixSeed } from './rng';
import { sgdKernel, type SgdKernel } from './umap-kernel';

/** Structured-cloneable description of a run (pointers are byte offsets into memory). */
export interface SgdState {
  memory: WebAssembly.Memory;
  n: number;
  dim: number;
  edges: number;
  headPtr: number;
  tailPtr: number;
  epsPtr: number;
  nextPtr: number;
  nextNegPtr: number;
  /** Two coordinate buffers: epoch e reads buffer e % 2 and publishes into the other. */
  coordsPtrs: [number, number];
  /** One private coordinate copy per partition. */
  viewPtrs: number[];
  /** Partition p owns vertices [vertexBounds[p], vertexBounds[p+1]) and their edges. */
  vertexBounds: number[];
  edgeBounds: number[];
  a: number;
  b: number;
  gamma: number;
  negativeSampleRate: number;
  learningRate: number;
  nEpochs: number;
  seed: number;
}

/** Per-thread handles on a state's memory. */
export class SgdContext {
  readonly kernel: SgdKernel;
  readonly f32: Float32Array;
  constructor(readonly s: SgdState) {
    this.kernel = sgdKernel(s.memory);
    this.f32 = new Float32Array(s.memory.buffer);
  }

  /** The layout after `epochsDone` epochs (a live view into shared memory). */
  coords(epochsDone: number): Float32Array {
    return new Float32Array(this.s.memory.buffer, this.s.coordsPtrs[epochsDone % 2], this.s.n * this.s.dim);
  }

  /** Snapshot the layout epoch `epoch` starts from into partition p's private copy. */
  copyIn(p: number, epoch: number): void {
    const len = this.s.n * this.s.dim;
    const src = this.s.coordsPtrs[epoch % 2] / 4;
    this.f32.copyWithin(this.s.viewPtrs[p] / 4, src, src + len);
  }

  /** Publish the vertices partition p owns into the buffer the next epoch reads. */
  copyOut(p: number, epoch: number): void {
    const { dim, vertexBounds } = this.s;
    const lo = vertexBounds[p] * dim;
    const hi = vertexBounds[p + 1] * dim;
    this.f32.copyWithin(this.s.coordsPtrs[(epoch + 1) % 2] / 4 + lo, this.s.viewPtrs[p] / 4 + lo, this.s.viewPtrs[p] / 4 + hi);
  }

  /** Runs epoch `epoch` for partition p on its private copy. */
  run(p: number, epoch: number): void {
    const s = this.s;
    const alpha = s.learningRate * (1 - epoch / s.nEpochs);
    const seed = mixSeed(s.seed, epoch * 1024 + p);
    if (s.dim === 3) {
      this.kernel.sgd3(s.headPtr, s.tailPtr, s.epsPtr, s.nextPtr, s.nextNegPtr, s.edgeBounds[p], s.edgeBounds[p + 1], s.viewPtrs[p], s.vertexBounds[p], s.vertexBounds[p + 1], s.n, epoch, alpha, s.a, s.b, s.gamma, s.negativeSampleRate, seed);
    } else sgdEpochJs(s, p, epoch, alpha, seed);
  }

  /** One whole epoch on this thread: every partition in turn. */
  epochAll(epoch: number): void {
    const parts = this.s.viewPtrs.length;
    for (let p = 0; p < parts; p++) {
      this.copyIn(p, epoch);
      this.run(p, epoch);
      this.copyOut(p, epoch);
    }
  }
}

const clip = (v: number) => (v > 4 ? 4 : v < -4 ? -4 : v);

/** The same epoch in JavaScript, for layouts of any dimension other than 3. */
function sgdEpochJs(s: SgdState, part: number, epoch: number, alpha: number, seed: number): void {
  const { n, dim, a, b, gamma, memory } = s;
  const buf = memory.buffer;
  const head = new Int32Array(buf, s.headPtr, s.edges);
  const tail = new Int32Array(buf, s.tailPtr, s.edges);
  const eps = new Float64Array(buf, s.epsPtr, s.edges);
  const next = new Float64Array(buf, s.nextPtr, s.edges);
  const nextNeg = new Float64Array(buf, s.nextNegPtr, s.edges);
  const view = new Float32Array(buf, s.viewPtrs[part], n * dim);
  const v0 = s.vertexBounds[part];
  const v1 = s.vertexBounds[part + 1];
  let rng = seed | 1;
  for (let e = s.edgeBounds[part]; e < s.edgeBounds[part + 1]; e++) {
    if (next[e] > epoch) continue;
    const j = head[e];
    const k = tail[e];
    const jo = j * dim;
    const ko = k * dim;
    const own = k >= v0 && k < v1;
    let d2 = 0;
    for (let d = 0; d < dim; d++) d2 += (view[jo + d] - view[ko + d]) ** 2;
    if (d2 > 0) {
      const pb = Math.pow(d2, b);
      const gc = (-2 * a * b * pb) / d2 / (a * pb + 1);
      for (let d = 0; d < dim; d++) {
        const g = clip(gc * (view[jo + d] - view[ko + d]));
        view[jo + d] += g * (own ? alpha : 2 * alpha);
        if (own) view[ko + d] -= g * alpha;
      }
    }
    next[e] += eps[e];
    const perNeg = eps[e] / s.negativeSampleRate;
    const nNeg = Math.floor((epoch - nextNeg[e]) / perNeg);
    for (let p = 0; p < nNeg; p++) {
      rng ^= rng << 13;
      rng ^= rng >>> 17;
      rng ^= rng << 5;
      const q = (rng >>> 0) % n;
      const qo = q * dim;
      let dq = 0;
      for (let d = 0; d < dim; d++) dq += (view[jo + d] - view[qo + d]) ** 2;
      if (dq > 0) {
        const gc = (2 * gamma * b) / ((0.001 + dq) * (a * Math.pow(dq, b) + 1));
        for (let d = 0; d < dim; d++) view[jo + d] += clip(gc * (view[jo + d] - view[qo + d])) * alpha;
      } else if (q !== j) for (let d = 0; d < dim; d++) view[jo + d] += 4 * alpha;
    }
    nextNeg[e] += nNeg * perNeg;
  }
}
