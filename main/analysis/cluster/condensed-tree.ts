/**
 * HDBSCAN's condensed tree and excess-of-mass selection (Campello et al. 2013; follows the
 * reference hdbscan library). Cluster 0 is the root; a child always has a larger id than its
 * parent, which lets every pass below run as one loop over ids.
 */
import type { SpanningTree } from './mst';

export interface CondensedTree {
  /** Per cluster: parent cluster (−1 for the root), λ at birth, size at birth. */
  parent: Int32Array;
  birth: Float64Array;
  size: Int32Array;
  /** Per point: the cluster it fell out of and the λ = 1/distance at which it did. */
  pointCluster: Int32Array;
  pointLambda: Float64Array;
}

// λ = 1/d; a floor on d keeps exact duplicates from producing infinite stabilities.
const lambdaOf = (d: number) => (d === Infinity ? 0 : 1 / Math.max(d, 1e-12));

export function condenseTree(tree: SpanningTree, n: number, minClusterSize: number): CondensedTree {
  // Single-linkage dendrogram: internal node n + t merges the two roots joined by edge t.
  const left = new Int32Array(Math.max(0, n - 1));
  const right = new Int32Array(Math.max(0, n - 1));
  const nodeSize = new Int32Array(2 * n).fill(1);
  const uf = Int32Array.from({ length: 2 * n }, (_, i) => i);
  const find = (x: number) => {
    while (uf[x] !== x) x = uf[x] = uf[uf[x]];
    return x;
  };
  for (let t = 0; t < n - 1; t++) {
    const ra = find(tree.a[t]);
    const rb = find(tree.b[t]);
    left[t] = ra;
    right[t] = rb;
    uf[ra] = uf[rb] = n + t;
    nodeSize[n + t] = nodeSize[ra] + nodeSize[rb];
  }
  const parent: number[] = [-1];
  const birth: number[] = [0];
  const size: number[] = [n];
  const pointCluster = new Int32Array(n);
  const pointLambda = new Float64Array(n);
  if (n < 2) return { parent: Int32Array.from(parent), birth: Float64Array.from(birth), size: Int32Array.from(size), pointCluster, pointLambda };
  const label = new Int32Array(2 * n - 1).fill(-1);
  label[2 * n - 2] = 0;
  const stack: number[] = [];
  const fallOut = (node: number, cluster: number, lambda: number) => {
    stack.push(node);
    while (stack.length) {
      const v = stack.pop()!;
      if (v < n) {
        pointCluster[v] = cluster;
        pointLambda[v] = lambda;
      } else stack.push(left[v - n], right[v - n]);
    }
  };
  // Descending node ids visit every parent before its children.
  for (let node = 2 * n - 2; node >= n; node--) {
    const c = label[node];
    if (c < 0) continue;
    const t = node - n;
    const lambda = lambdaOf(tree.w[t]);
    const l = left[t];
    const r = right[t];
    const bigL = nodeSize[l] >= minClusterSize;
    const bigR = nodeSize[r] >= minClusterSize;
    if (bigL && bigR) {
      for (const child of [l, r]) {
        label[child] = parent.length;
        parent.push(c);
        birth.push(lambda);
        size.push(nodeSize[child]);
      }
    } else {
      // The cluster shrinks (or ends): small sides drop their points at this λ.
      for (const [child, big] of [[l, bigL], [r, bigR]] as const) {
        if (big) label[child] = c;
        else fallOut(child, c, lambda);
      }
    }
  }
  return { parent: Int32Array.from(parent), birth: Float64Array.from(birth), size: Int32Array.from(size), pointCluster, pointLambda };
}

/** Stability of each cluster: Σ over the points and child clusters leaving it of (λ_leave − λ_birth) × size. */
export function stabilities(t: CondensedTree): Float64Array {
  const s = new Float64Array(t.parent.length);
  for (let p = 0; p < t.pointCluster.length; p++) s[t.pointCluster[p]] += t.pointLambda[p] - t.birth[t.pointCluster[p]];
  for (let c = 1; c < t.parent.length; c++) s[t.parent[c]] += (t.birth[c] - t.birth[t.parent[c]]) * t.size[c];
  return s;
}

/** Excess-of-mass selection: a cluster is kept unless its descendants are together more stable. */
export function selectClusters(t: CondensedTree, stability: Float64Array, allowSingleCluster = false): Uint8Array {
  const m = t.parent.length;
  const selected = new Uint8Array(m);
  const childSum = new Float64Array(m);
  const hasChild = new Uint8Array(m);
  for (let c = 1; c < m; c++) hasChild[t.parent[c]] = 1;
  for (let c = m - 1; c >= 0; c--) {
    if (c === 0 && !allowSingleCluster) break;
    const keep = !hasChild[c] || stability[c] >= childSum[c];
    if (keep) selected[c] = 1;
    if (c > 0) childSum[t.parent[c]] += keep ? stability[c] : childSum[c];
  }
  // Keep only the topmost selected cluster on each path from the root.
  const under = new Uint8Array(m);
  for (let c = 1; c < m; c++) {
    under[c] = under[t.parent[c]] || selected[t.parent[c]];
    if (under[c]) selected[c] = 0;
  }
  return selected;
}
