/**
 * Fixed-size neighbour lists, one bounded max-heap per point, stored flat in typed arrays
 * (which may sit on shared memory so worker threads can fill disjoint rows).
 * Slot 0 of each row holds the current worst (largest) distance.
 */
export interface NeighborHeaps {
  n: number;
  k: number;
  indices: Int32Array;
  distances: Float32Array;
  /** 1 = entry added since it was last used to propose candidates (NN-descent's "new" flag). */
  flags: Uint8Array;
}

/** Heaps over the given arrays (or new ones), rows [from, to) reset to empty. */
export function createHeaps(n: number, k: number, idx?: Int32Array, dist?: Float32Array, flags?: Uint8Array, from = 0, to = n): NeighborHeaps {
  const h: NeighborHeaps = {
    n,
    k,
    indices: idx ?? new Int32Array(n * k),
    distances: dist ?? new Float32Array(n * k),
    flags: flags ?? new Uint8Array(n * k),
  };
  h.indices.fill(-1, from * k, to * k);
  h.distances.fill(Infinity, from * k, to * k);
  h.flags.fill(0, from * k, to * k);
  return h;
}

/** Inserts j at distance d into row i unless it is already there or too far; returns 1 if added. */
export function heapPush(h: NeighborHeaps, i: number, j: number, d: number, flag: number): number {
  const k = h.k;
  const base = i * k;
  const dist = h.distances;
  const idx = h.indices;
  if (!(d < dist[base])) return 0;
  for (let t = 0; t < k; t++) if (idx[base + t] === j) return 0;
  const fl = h.flags;
  // Sift the new entry down from the root, replacing the worst.
  let pos = 0;
  for (;;) {
    const l = 2 * pos + 1;
    if (l >= k) break;
    const r = l + 1;
    let c = l;
    if (r < k && dist[base + r] > dist[base + l]) c = r;
    if (dist[base + c] <= d) break;
    dist[base + pos] = dist[base + c];
    idx[base + pos] = idx[base + c];
    fl[base + pos] = fl[base + c];
    pos = c;
  }
  dist[base + pos] = d;
  idx[base + pos] = j;
  fl[base + pos] = flag;
  return 1;
}

/** Sorts each row in [from, to) ascending by distance (heap order is lost). */
export function sortRows(h: NeighborHeaps, from = 0, to = h.n): void {
  const k = h.k;
  const pi = new Int32Array(k);
  const pd = new Float32Array(k);
  const order = new Int32Array(k);
  for (let i = from; i < to; i++) {
    const base = i * k;
    for (let t = 0; t < k; t++) order[t] = t;
    order.sort((a, b) => h.distances[base + a] - h.distances[base + b] || h.indices[base + a] - h.indices[base + b]);
    for (let t = 0; t < k; t++) {
      pi[t] = h.indices[base + order[t]];
      pd[t] = h.distances[base + order[t]];
    }
    h.indices.set(pi, base);
    h.distances.set(pd, base);
  }
}
