/**
 * NN-descent (Dong, Moses & Li 2011): "a neighbour of a neighbour is likely a neighbour".
 * Each round samples new/old candidates per point (forward and reverse); the local joins run
 * as tasks over fixed vertex blocks against a snapshot of the heaps, and their proposals are
 * applied in block order, so the result is the same on one thread or many.
 */
import type { Arena } from './arena';
import type { NeighborHeaps } from './neighbor-heap';
import { UpdateBuffer, type Updates } from './neighbor-updates';
import type { Rng } from './rng';

/** Candidate lists in the arena (so worker tasks can read them): cap slots per point. */
export interface CandidateLists {
  cap: number;
  freshPtr: number;
  freshCountPtr: number;
  stalePtr: number;
  staleCountPtr: number;
}

export function allocCandidates(arena: Arena, n: number, cap: number): CandidateLists {
  return {
    cap,
    freshPtr: arena.alloc(n * cap * 4),
    freshCountPtr: arena.alloc(n * 4),
    stalePtr: arena.alloc(n * cap * 4),
    staleCountPtr: arena.alloc(n * 4),
  };
}

/**
 * Samples up to cap new and cap old candidates per point from the heaps and their reverse
 * (reservoir sampling, seeded), then marks the sampled new entries as old.
 */
export function buildCandidates(arena: Arena, h: NeighborHeaps, c: CandidateLists, rng: Rng): void {
  const { n, k } = h;
  const { cap } = c;
  const i32 = arena.i32;
  const fresh = c.freshPtr / 4;
  const stale = c.stalePtr / 4;
  const freshCount = arena.i32View(c.freshCountPtr, n);
  const staleCount = arena.i32View(c.staleCountPtr, n);
  freshCount.fill(0);
  staleCount.fill(0);
  const seenFresh = new Int32Array(n);
  const seenStale = new Int32Array(n);
  const add = (base: number, count: Int32Array, seen: Int32Array, i: number, j: number) => {
    const row = base + i * cap;
    const cnt = count[i];
    for (let t = 0; t < cnt; t++) if (i32[row + t] === j) return;
    const s = ++seen[i];
    if (cnt < cap) {
      i32[row + cnt] = j;
      count[i] = cnt + 1;
    } else {
      const slot = Math.floor(rng.next() * s);
      if (slot < cap) i32[row + slot] = j;
    }
  };
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const j = h.indices[i * k + t];
      if (j < 0) continue;
      if (h.flags[i * k + t]) {
        add(fresh, freshCount, seenFresh, i, j);
        add(fresh, freshCount, seenFresh, j, i);
      } else {
        add(stale, staleCount, seenStale, i, j);
        add(stale, staleCount, seenStale, j, i);
      }
    }
  }
  for (let i = 0; i < n; i++) {
    const row = fresh + i * cap;
    for (let t = 0; t < k; t++) {
      if (!h.flags[i * k + t]) continue;
      const j = h.indices[i * k + t];
      for (let q = 0; q < freshCount[i]; q++)
        if (i32[row + q] === j) {
          h.flags[i * k + t] = 0;
          break;
        }
    }
  }
}

/**
 * Local join for points [from, to): new×new and new×old candidate pairs, kept when closer
 * than either end's current worst neighbour. listPtr/distPtr: 2·cap ints/floats of scratch.
 */
export function localJoin(arena: Arena, yPtr: number, stride: number, heapDistPtr: number, k: number, c: CandidateLists, from: number, to: number, listPtr: number, distPtr: number): Updates {
  const { f32, i32, kern } = arena;
  const { cap } = c;
  const list = listPtr / 4;
  const dst = distPtr / 4;
  const hd = heapDistPtr / 4;
  const out = new UpdateBuffer();
  for (let i = from; i < to; i++) {
    const a = i32[c.freshCountPtr / 4 + i];
    if (a === 0) continue;
    const b = i32[c.staleCountPtr / 4 + i];
    i32.copyWithin(list, c.freshPtr / 4 + i * cap, c.freshPtr / 4 + i * cap + a);
    i32.copyWithin(list + a, c.stalePtr / 4 + i * cap, c.stalePtr / 4 + i * cap + b);
    for (let p = 0; p < a; p++) {
      const u = i32[list + p];
      const cnt = a + b - p - 1;
      if (cnt <= 0) continue;
      kern.l2To(yPtr + u * stride * 4, yPtr, stride * 4, listPtr + (p + 1) * 4, cnt, distPtr, stride);
      const du = f32[hd + u * k];
      for (let t = 0; t < cnt; t++) {
        const v = i32[list + p + 1 + t];
        if (v === u) continue;
        const d = f32[dst + t];
        if (d < du || d < f32[hd + v * k]) out.push(u, v, d);
      }
    }
  }
  return out.take();
}
