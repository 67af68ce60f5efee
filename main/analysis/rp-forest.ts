/**
 * Random-projection trees (as in Annoy and pynndescent): recursively split the points by the
 * hyperplane halfway between two random points until leaves hold ≤ leafSize points. Points in
 * a leaf are likely neighbours, so all pairs within each leaf seed the kNN heaps.
 */
import type { Arena } from './arena';
import { UpdateBuffer, type Updates } from './neighbor-updates';
import { Rng } from './rng';

export interface RpScratch {
  /** Int32 × n: the permutation being partitioned (leaves end up as contiguous runs). */
  orderPtr: number;
  /** Float32 × n: hyperplane margins. */
  marginPtr: number;
  /** Float32 × stride: the hyperplane normal. */
  normalPtr: number;
}

/**
 * Builds one tree over rows of Y (n × stride floats at yPtr, first `dims` used), seeded by
 * (seed, tree). Returns the run starts of the leaves in order, plus n.
 */
export function rpTreeLeaves(arena: Arena, yPtr: number, n: number, stride: number, dims: number, leafSize: number, seed: number, tree: number, s: RpScratch): Int32Array {
  const { f32, i32, kern } = arena;
  const rng = new Rng(seed, 1000 + tree);
  const ord = s.orderPtr / 4;
  const mar = s.marginPtr / 4;
  const nor = s.normalPtr / 4;
  const y = yPtr / 4;
  for (let i = 0; i < n; i++) i32[ord + i] = i;
  f32.fill(0, nor, nor + stride);
  const starts: number[] = [];
  const stack: number[] = [0, n];
  while (stack.length) {
    const hi = stack.pop()!;
    const lo = stack.pop()!;
    if (hi - lo <= leafSize) {
      starts.push(lo);
      continue;
    }
    const a = i32[ord + lo + rng.int(hi - lo)];
    let b = i32[ord + lo + rng.int(hi - lo - 1)];
    if (b === a) b = i32[ord + hi - 1];
    let offset = 0;
    for (let j = 0; j < dims; j++) {
      const ya = f32[y + a * stride + j];
      const yb = f32[y + b * stride + j];
      f32[nor + j] = ya - yb;
      offset += (ya - yb) * (ya + yb) * 0.5;
    }
    kern.dotTo(s.normalPtr, yPtr, stride * 4, s.orderPtr + lo * 4, hi - lo, s.marginPtr + lo * 4, stride);
    // Partition [lo, hi) by the side of the hyperplane; ties go to a random side.
    let l = lo;
    let r = hi - 1;
    while (l <= r) {
      const m = f32[mar + l] - offset;
      if (m > 0 || (m === 0 && rng.next() < 0.5)) l++;
      else {
        const t = i32[ord + l];
        i32[ord + l] = i32[ord + r];
        i32[ord + r] = t;
        f32[mar + l] = f32[mar + r];
        r--;
      }
    }
    // Duplicate points cannot be separated by any hyperplane: split them arbitrarily.
    const mid = l === lo || l === hi ? (lo + hi) >> 1 : l;
    stack.push(lo, mid, mid, hi);
  }
  starts.sort((p, q) => p - q);
  starts.push(n);
  return Int32Array.from(starts);
}

/**
 * All pairs within leaves [leafFrom, leafTo) as proposed updates (squared L2 in Y), keeping
 * only pairs closer than the current worst neighbour of either end (heap roots at heapDistPtr).
 */
export function leafJoin(arena: Arena, yPtr: number, stride: number, starts: Int32Array, leafFrom: number, leafTo: number, orderPtr: number, heapDistPtr: number, k: number, distPtr: number): Updates {
  const { f32, i32, kern } = arena;
  const ord = orderPtr / 4;
  const hd = heapDistPtr / 4;
  const out = new UpdateBuffer();
  for (let leaf = leafFrom; leaf < leafTo; leaf++) {
    const lo = starts[leaf];
    const hi = starts[leaf + 1];
    for (let p = lo; p < hi - 1; p++) {
      const u = i32[ord + p];
      const cnt = hi - p - 1;
      kern.l2To(yPtr + u * stride * 4, yPtr, stride * 4, orderPtr + (p + 1) * 4, cnt, distPtr, stride);
      for (let t = 0; t < cnt; t++) {
        const v = i32[ord + p + 1 + t];
        const d = f32[distPtr / 4 + t];
        if (d < f32[hd + u * k] || d < f32[hd + v * k]) out.push(u, v, d);
      }
    }
  }
  return out.take();
}
