/**
 * Proposed heap insertions (a, b, distance), collected by worker tasks against a snapshot of
 * the heaps and applied afterwards in a fixed order, so parallel kNN search is deterministic
 * and independent of the number of threads.
 */
import { heapPush, type NeighborHeaps } from './neighbor-heap';

export interface Updates {
  a: Int32Array;
  b: Int32Array;
  d: Float32Array;
}

export class UpdateBuffer {
  private a = new Int32Array(1024);
  private b = new Int32Array(1024);
  private d = new Float32Array(1024);
  private len = 0;

  push(a: number, b: number, d: number): void {
    if (this.len === this.a.length) {
      const grow = <T extends Int32Array | Float32Array>(x: T, C: new (n: number) => T): T => {
        const y = new C(x.length * 2);
        y.set(x);
        return y;
      };
      this.a = grow(this.a, Int32Array);
      this.b = grow(this.b, Int32Array);
      this.d = grow(this.d, Float32Array);
    }
    this.a[this.len] = a;
    this.b[this.len] = b;
    this.d[this.len++] = d;
  }

  take(): Updates {
    return { a: this.a.slice(0, this.len), b: this.b.slice(0, this.len), d: this.d.slice(0, this.len) };
  }
}

/** Applies updates symmetrically (b into a's heap, a into b's); returns how many entries changed. */
export function applyUpdates(h: NeighborHeaps, u: Updates): number {
  let changed = 0;
  for (let t = 0; t < u.a.length; t++) {
    changed += heapPush(h, u.a[t], u.b[t], u.d[t], 1);
    changed += heapPush(h, u.b[t], u.a[t], u.d[t], 1);
  }
  return changed;
}
