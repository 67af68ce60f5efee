/**
 * HDBSCAN over a cosine kNN graph: core distance = distance to the minSamples-th neighbour,
 * mutual-reachability MST, condensed tree with minClusterSize, excess-of-mass selection.
 * Points in no selected cluster get label −1 (noise).
 */
import type { KnnGraph } from '../knn-exact';
import { condenseTree, selectClusters, stabilities } from './condensed-tree';
import { coreDistances, mutualReachabilityMst } from './mst';

export interface HdbscanOptions {
  /** Smallest group that counts as a cluster (≥ 2). */
  minClusterSize?: number;
  /** Neighbour whose distance is the core distance (≤ graph.k; default min(minClusterSize, k)). */
  minSamples?: number;
  /** The rows the graph was built from: lets disconnected graph components join at their true distance. */
  data?: Float32Array;
  dim?: number;
  /** Allow the root (everything) to be the one cluster. */
  allowSingleCluster?: boolean;
}

export interface HdbscanResult {
  /** Cluster per point, 0..clusterCount−1, or −1 for noise; clusters ordered by their first point. */
  labels: Int32Array;
  /** Membership strength in [0, 1]: how long the point stays in its cluster relative to the densest point. */
  probabilities: Float32Array;
  clusterCount: number;
  /** Stability of each returned cluster. */
  stability: Float64Array;
}

export function hdbscan(graph: KnnGraph, o: HdbscanOptions = {}): HdbscanResult {
  const { n } = graph;
  const mcs = Math.max(2, o.minClusterSize ?? 10);
  const core = coreDistances(graph, o.minSamples ?? Math.min(mcs, graph.k));
  const mst = mutualReachabilityMst(graph, core, o.data, o.dim);
  const tree = condenseTree(mst, n, mcs);
  const stab = stabilities(tree);
  const selected = selectClusters(tree, stab, o.allowSingleCluster);
  const m = tree.parent.length;
  // Nearest selected ancestor (or self) of every condensed cluster.
  const owner = new Int32Array(m).fill(-1);
  for (let c = 0; c < m; c++) owner[c] = selected[c] ? c : c > 0 ? owner[tree.parent[c]] : -1;
  const compact = new Int32Array(m).fill(-1);
  const labels = new Int32Array(n).fill(-1);
  const stability: number[] = [];
  for (let p = 0; p < n; p++) {
    const c = owner[tree.pointCluster[p]];
    if (c < 0) continue;
    if (compact[c] < 0) {
      compact[c] = stability.length;
      stability.push(stab[c]);
    }
    labels[p] = compact[c];
  }
  const maxLambda = new Float64Array(stability.length);
  for (let p = 0; p < n; p++) if (labels[p] >= 0) maxLambda[labels[p]] = Math.max(maxLambda[labels[p]], tree.pointLambda[p]);
  const probabilities = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    const l = labels[p];
    if (l >= 0) probabilities[p] = maxLambda[l] > 0 ? Math.min(tree.pointLambda[p], maxLambda[l]) / maxLambda[l] : 1;
  }
  return { labels, probabilities, clusterCount: stability.length, stability: Float64Array.from(stability) };
}
