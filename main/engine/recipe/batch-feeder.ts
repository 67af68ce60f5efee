/**
 * Data order and prefetching for training (pure Node, no tfjs).
 *
 * blockShuffledOrder: a fresh order per epoch that still reads the cache file mostly
 * sequentially: shuffle the order of fixed-size blocks, then shuffle inside each block.
 * The cache itself is stored in a shuffled order, so neighbouring images are unrelated.
 *
 * BatchFeeder: keeps the next batches' uint8 pixels loading while the current step runs,
 * and records how long the consumer waited for input (stall), which should stay ≈ 0.
 */
import type { Rng } from './rng';

/** Permutation of 0..n-1: blocks of `blockSize` in random order, each block shuffled. */
export function blockShuffledOrder(n: number, blockSize: number, rng: Rng): Int32Array {
  if (!(blockSize >= 1)) throw new Error(`blockShuffledOrder: blockSize must be ≥ 1, got ${blockSize}`);
  const nBlocks = Math.ceil(n / blockSize);
  const blocks = rng.permutation(nBlocks);
  const out = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < nBlocks; i++) {
    const start = blocks[i] * blockSize;
    const end = Math.min(start + blockSize, n);
    const first = k;
    for (let j = start; j < end; j++) out[k++] = j;
    rng.shuffle(out.subarray(first, k));
  }
  return out;
}

/** Consecutive batches of an order; the last partial batch is dropped unless dropLast is false. */
export function* batchesOf(order: Int32Array, batchSize: number, dropLast = true): Generator<Int32Array> {
  for (let s = 0; s + batchSize <= order.length; s += batchSize) yield order.subarray(s, s + batchSize);
  const rest = order.length % batchSize;
  if (!dropLast && rest > 0) yield order.subarray(order.length - rest);
}

/** Batches over `epochs` epochs (Infinity for an open-ended run), a new block-shuffled order each epoch. */
export function* epochBatches(o: { n: number; batchSize: number; blockSize: number; rng: Rng; epochs?: number }): Generator<Int32Array> {
  const epochs = o.epochs ?? Infinity;
  for (let e = 0; e < epochs; e++) yield* batchesOf(blockShuffledOrder(o.n, o.blockSize, o.rng), o.batchSize);
}

export interface FedBatch {
  indices: Int32Array;
  data: Uint8Array;
}

export interface FeederStats {
  batches: number;
  /** Total ms the consumer spent waiting in next() for data that was not ready. */
  stallMs: number;
  /** Batches that were not ready when asked for. */
  stalls: number;
}

interface Pending {
  indices: Int32Array;
  promise: Promise<Uint8Array>;
  ready: boolean;
}

export class BatchFeeder {
  private readonly it: Iterator<Int32Array>;
  private readonly queue: Pending[] = [];
  private done = false;
  private closed = false;
  private readonly s: FeederStats = { batches: 0, stallMs: 0, stalls: 0 };

  /**
   * @param o.batches storage indices of each batch, in order (e.g. epochBatches(...)).
   * @param o.load reads one batch (e.g. cache.readBatchAsync).
   * @param o.prefetch batches loading while the consumer works on the current one (default 2).
   */
  constructor(private readonly o: { batches: Iterable<Int32Array>; load: (indices: Int32Array) => Promise<Uint8Array> | Uint8Array; prefetch?: number }) {
    this.it = o.batches[Symbol.iterator]();
    this.fill();
  }

  private fill(): void {
    const depth = Math.max(1, this.o.prefetch ?? 2);
    while (!this.done && !this.closed && this.queue.length < depth) {
      const r = this.it.next();
      if (r.done) {
        this.done = true;
        break;
      }
      // Copy: the iterator may hand out views it later reuses.
      const indices = Int32Array.from(r.value);
      const promise = Promise.resolve().then(() => this.o.load(indices));
      const entry: Pending = { indices, promise, ready: false };
      // Also marks a rejection as handled until next() awaits it (no unhandledRejection).
      promise.then(() => (entry.ready = true), () => (entry.ready = true));
      this.queue.push(entry);
    }
  }

  /** The next batch, or null when the batches are exhausted or the feeder is closed. */
  async next(): Promise<FedBatch | null> {
    if (this.closed) return null;
    const head = this.queue.shift();
    if (!head) return null;
    this.fill(); // start the following load before waiting on this one
    let data: Uint8Array;
    if (head.ready) {
      data = await head.promise;
    } else {
      const t0 = performance.now();
      data = await head.promise;
      this.s.stallMs += performance.now() - t0;
      this.s.stalls++;
    }
    this.s.batches++;
    return { indices: head.indices, data };
  }

  get stats(): FeederStats {
    return { ...this.s };
  }

  /** Stops prefetching; loads in flight finish and are dropped. */
  close(): void {
    this.closed = true;
    for (const p of this.queue) p.promise.catch(() => undefined);
    this.queue.length = 0;
  }
}
