/**
 * Duplicate groups. Near duplicates: kNN-graph pairs whose cosine similarity reaches a
 * threshold the user can change, joined transitively (union-find) into groups. Exact
 * duplicates: images whose ingest hash is equal.
 */
import type { KnnGraph } from '../knn-exact';
import { UnionFind } from '../cluster/union-find';

export interface DuplicatePairs {
  /** a[t] < b[t]; each unordered pair once, sorted by descending similarity. */
  a: Int32Array;
  b: Int32Array;
  similarity: Float32Array;
}

export function nearDuplicatePairs(graph: KnnGraph, threshold = 0.95): DuplicatePairs {
  const { n, k, indices, distances } = graph;
  // Is i among j's neighbours at or above the threshold (then the pair came from row j)?
  const listedBy = (j: number, i: number) => {
    for (let t = 0; t < k && 1 - distances[j * k + t] >= threshold; t++) if (indices[j * k + t] === i) return true;
    return false;
  };
  const pairs: [number, number, number][] = [];
  for (let i = 0; i < n; i++)
    for (let t = 0; t < k; t++) {
      const j = indices[i * k + t];
      const sim = 1 - distances[i * k + t];
      // Rows are sorted by distance, so the rest of the row is below the threshold too.
      if (sim < threshold) break;
      if (j < 0 || j === i) continue;
      if (i < j) pairs.push([i, j, sim]);
      else if (!listedBy(j, i)) pairs.push([j, i, sim]);
    }
  pairs.sort((x, y) => y[2] - x[2] || x[0] - y[0] || x[1] - y[1]);
  return {
    a: Int32Array.from(pairs, (p) => p[0]),
    b: Int32Array.from(pairs, (p) => p[1]),
    similarity: Float32Array.from(pairs, (p) => p[2]),
  };
}

/** Groups (≥ 2 ids, ascending) of images linked by near-duplicate pairs. */
export function nearDuplicateGroups(graph: KnnGraph, threshold = 0.95): Int32Array[] {
  const pairs = nearDuplicatePairs(graph, threshold);
  const uf = new UnionFind(graph.n);
  for (let t = 0; t < pairs.a.length; t++) uf.union(pairs.a[t], pairs.b[t]);
  return uf.groups(2);
}

/** Groups (≥ 2 ids, ascending) of images with the same hash; empty hashes are skipped. */
export function exactDuplicateGroups(hashes: readonly (string | null | undefined)[]): Int32Array[] {
  const byHash = new Map<string, number[]>();
  hashes.forEach((h, i) => {
    if (!h) return;
    let g = byHash.get(h);
    if (!g) byHash.set(h, (g = []));
    g.push(i);
  });
  return [...byHash.values()].filter((g) => g.length > 1).map((g) => Int32Array.from(g));
}
