/**
 * Mutual-reachability minimum spanning tree over a kNN graph (Kruskal). A kNN graph can fall
 * apart into components; they are joined by edges between one representative per component
 * (exact cosine distances when the rows are given, otherwise at infinite distance, which
 * HDBSCAN treats as separate from the start).
 */
import type { KnnGraph } from '../knn-exact';
import { normalizeRows, rowDot } from './rows';
import { UnionFind } from './union-find';

export interface SpanningTree {
  /** n − 1 edges sorted by ascending weight. */
  a: Int32Array;
  b: Int32Array;
  w: Float64Array;
}

/** Distance from each point to its m-th nearest neighbour (self excluded). */
export function coreDistances(graph: KnnGraph, m: number): Float64Array {
  const { n, k } = graph;
  const t = Math.max(1, Math.min(m, k)) - 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = graph.distances[i * k + t];
  return out;
}

function sortedOrder(w: Float64Array): Uint32Array {
  const order = Uint32Array.from({ length: w.length }, (_, i) => i);
  return order.sort((x, y) => w[x] - w[y] || x - y);
}

export function mutualReachabilityMst(graph: KnnGraph, core: Float64Array, data?: Float32Array, dim?: number): SpanningTree {
  const { n, k, indices, distances } = graph;
  const ew = new Float64Array(n * k);
  for (let i = 0; i < n; i++)
    for (let t = 0; t < k; t++) {
      const j = indices[i * k + t];
      ew[i * k + t] = j < 0 ? Infinity : Math.max(distances[i * k + t], core[i], core[j]);
    }
  const uf = new UnionFind(n);
  const ta: number[] = [];
  const tb: number[] = [];
  const tw: number[] = [];
  for (const e of sortedOrder(ew)) {
    const i = Math.floor(e / k);
    const j = indices[e];
    if (j < 0 || !Number.isFinite(ew[e])) continue;
    if (uf.union(i, j)) {
      ta.push(i);
      tb.push(j);
      tw.push(ew[e]);
    }
  }
  if (ta.length < n - 1) joinComponents(uf, core, ta, tb, tw, n, data, dim);
  const w = Float64Array.from(tw);
  const order = sortedOrder(w);
  return {
    a: Int32Array.from(order, (e) => ta[e]),
    b: Int32Array.from(order, (e) => tb[e]),
    w: Float64Array.from(order, (e) => w[e]),
  };
}

/** Adds the spanning tree of the component representatives (densest point of each). */
function joinComponents(uf: UnionFind, core: Float64Array, ta: number[], tb: number[], tw: number[], n: number, data?: Float32Array, dim?: number): void {
  const repOf = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const r = uf.find(i);
    const cur = repOf.get(r);
    if (cur === undefined || core[i] < core[cur]) repOf.set(r, i);
  }
  const reps = [...repOf.values()];
  const c = reps.length;
  if (!data || !dim) {
    for (let t = 1; t < c; t++) {
      ta.push(reps[0]);
      tb.push(reps[t]);
      tw.push(Infinity);
    }
    return;
  }
  const x = normalizeRows(Float32Array.from({ length: c * dim }, (_, p) => data[reps[Math.floor(p / dim)] * dim + (p % dim)]), c, dim);
  // Prim on the complete graph of representatives: c is small (one per component).
  const inTree = new Uint8Array(c);
  const best = new Float64Array(c).fill(Infinity);
  const from = new Int32Array(c);
  let cur = 0;
  inTree[0] = 1;
  for (let step = 1; step < c; step++) {
    for (let v = 0; v < c; v++) {
      if (inTree[v]) continue;
      const w = Math.max(1 - rowDot(x, cur, x, v, dim), core[reps[cur]], core[reps[v]]);
      if (w < best[v]) {
        best[v] = w;
        from[v] = cur;
      }
    }
    let next = -1;
    for (let v = 0; v < c; v++) if (!inTree[v] && (next < 0 || best[v] < best[next])) next = v;
    inTree[next] = 1;
    ta.push(reps[from[next]]);
    tb.push(reps[next]);
    tw.push(best[next]);
    cur = next;
  }
}
