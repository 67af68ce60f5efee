/**
 * The CPU-heavy part of every label/cluster/duplicate action, as plain functions of typed
 * arrays so they run the same in a worker thread (analysis-worker.ts) or inline. Rows are
 * the project's present images with embeddings, in image-id order.
 */
import { knnGraph, type KnnGraph } from '../analysis/knn';
import { chooseK, type KScore } from '../analysis/cluster/choose-k';
import { kmeans } from '../analysis/cluster/kmeans';
import { hdbscan } from '../analysis/cluster/hdbscan';
import { spreadLabels, toPrediction } from '../analysis/labels/spreading';
import { argmaxRows, predictProba, trainLogReg } from '../analysis/labels/logreg';
import { crossValidateLogReg } from '../analysis/labels/cross-validate';
import { nearDuplicateGroups } from '../analysis/labels/duplicates';
import { outlierScores } from '../analysis/labels/outliers';
import { suggestNext } from '../analysis/labels/suggest';
import { knnClassify } from '../analysis/labels/knn-classify';
import { gatherRows } from '../analysis/cluster/rows';

export interface Rows {
  data: Float32Array;
  n: number;
  d: number;
}

export type ComputeTask =
  | (Rows & { op: 'cluster'; method: 'kmeans' | 'hdbscan'; k?: number; seed: number; minClusterSize?: number })
  | (Rows & { op: 'propagate'; method: 'spreading' | 'logreg'; seeds: Int32Array; classes: number; seed: number })
  | (Rows & { op: 'classifier'; train: Int32Array; y: Int32Array; classes: number; folds: number; seed: number })
  | (Rows & { op: 'near'; threshold: number; k: number; seed: number })
  | (Rows & { op: 'outliers'; k: number; seed: number })
  | (Rows & { op: 'suggest'; probs: Float32Array; classes: number; labelled: Int32Array; count: number })
  | (Rows & { op: 'fewshot'; seeds: Int32Array; truth: Int32Array; classes: number; seed: number });

export interface ClusterOutput {
  labels: Int32Array;
  k: number;
  /** Silhouette per k tried (k-means with automatic k), or per-cluster stability (HDBSCAN). */
  scores: { chooseK?: KScore[]; inertia?: number; stability?: number[]; noise?: number };
}

export interface PropagateOutput {
  predicted: Int32Array;
  confidence: Float32Array;
  scores: Float32Array;
}

/** A softmax head on the raw (un-normalised) encoder features: exactly what the export computes. */
export interface HeadOutput {
  /** classes × d, row-major. */
  weights: Float32Array;
  bias: Float32Array;
  /** Null with fewer than 4 labelled images: too few to hold any out. */
  cvAccuracy: number | null;
  foldAccuracies: number[];
}

export interface FewShotOutput {
  knn: number;
  propagation: number;
  classifier: number;
  tested: number;
}

const graphOf = (t: Rows & { seed: number }, k = 15): Promise<KnnGraph> => knnGraph(t.data, t.n, t.d, { k: Math.min(k, t.n - 1), seed: t.seed });

export async function runCluster(t: Extract<ComputeTask, { op: 'cluster' }>): Promise<ClusterOutput> {
  if (t.method === 'hdbscan') {
    const g = await graphOf(t);
    const r = hdbscan(g, { minClusterSize: t.minClusterSize ?? Math.max(5, Math.round(t.n / 200)), data: t.data, dim: t.d });
    const noise = r.labels.reduce((s, l) => s + (l < 0 ? 1 : 0), 0);
    return { labels: r.labels, k: r.clusterCount, scores: { stability: Array.from(r.stability), noise } };
  }
  let k = t.k;
  let chosen: KScore[] | undefined;
  if (k === undefined) {
    const r = chooseK(t.data, t.n, t.d, { seed: t.seed, kMax: Math.min(20, t.n - 1) });
    k = r.k;
    chosen = r.scores;
  }
  const r = kmeans(t.data, t.n, t.d, Math.min(k, t.n), { seed: t.seed });
  return { labels: r.labels, k: r.k, scores: { chooseK: chosen, inertia: r.inertia } };
}

/** seeds[i]: class of row i or −1. Every row gets a prediction (labelled rows too). */
export async function runPropagate(t: Extract<ComputeTask, { op: 'propagate' }>): Promise<PropagateOutput> {
  if (t.method === 'spreading') return spreadLabels(await graphOf(t), t.seeds, t.classes);
  const train: number[] = [];
  for (let i = 0; i < t.n; i++) if (t.seeds[i] >= 0) train.push(i);
  const model = trainLogReg(gatherRows(t.data, t.d, train), train.length, t.d, train.map((i) => t.seeds[i]), t.classes);
  const probs = predictProba(model, t.data, t.n);
  return toPrediction(Float64Array.from(probs), t.n, t.classes);
}

export function runClassifier(t: Extract<ComputeTask, { op: 'classifier' }>): HeadOutput {
  const x = gatherRows(t.data, t.d, t.train);
  const m = t.train.length;
  // Raw features, not L2-normalised: the exported graph has no normalise op, and the app must
  // compute the same softmax(W·x + b) the exported models do.
  const o = { normalize: false, seed: t.seed };
  const model = trainLogReg(x, m, t.d, t.y, t.classes, o);
  const cv = m >= 4 ? crossValidateLogReg(x, m, t.d, t.y, t.classes, { ...o, folds: Math.min(5, m) }) : { accuracy: null, foldAccuracies: [] };
  return { weights: model.weights, bias: model.bias, cvAccuracy: cv.accuracy, foldAccuracies: cv.foldAccuracies };
}

/** Top-1 on the rows whose seed is −1 (and truth ≥ 0): kNN vote, label spreading, linear head. */
export async function runFewShot(t: Extract<ComputeTask, { op: 'fewshot' }>): Promise<FewShotOutput> {
  const train: number[] = [];
  for (let i = 0; i < t.n; i++) if (t.seeds[i] >= 0) train.push(i);
  const trainY = Int32Array.from(train, (i) => t.seeds[i]);
  const knn = knnClassify(t.data, t.n, t.d, train, trainY, t.classes).predicted;
  const spread = (await runPropagate({ ...t, op: 'propagate', method: 'spreading' })).predicted;
  const head = runClassifier({ ...t, op: 'classifier', train: Int32Array.from(train), y: trainY, folds: 2 });
  const probs = predictProba({ dim: t.d, classes: t.classes, weights: head.weights, bias: head.bias, normalize: false }, t.data, t.n);
  const cls = argmaxRows(probs, t.n, t.classes);
  let tested = 0;
  const right = [0, 0, 0];
  for (let i = 0; i < t.n; i++) {
    if (t.seeds[i] >= 0 || t.truth[i] < 0) continue;
    tested++;
    if (knn[i] === t.truth[i]) right[0]++;
    if (spread[i] === t.truth[i]) right[1]++;
    if (cls[i] === t.truth[i]) right[2]++;
  }
  const acc = (r: number) => (tested ? r / tested : NaN);
  return { knn: acc(right[0]), propagation: acc(right[1]), classifier: acc(right[2]), tested };
}

export async function compute(t: ComputeTask): Promise<unknown> {
  switch (t.op) {
    case 'cluster':
      return runCluster(t);
    case 'propagate':
      return runPropagate(t);
    case 'classifier':
      return runClassifier(t);
    case 'fewshot':
      return runFewShot(t);
    case 'near':
      return { groups: nearDuplicateGroups(await graphOf(t, t.k), t.threshold) };
    case 'outliers':
      return { scores: outlierScores(await graphOf(t, t.k), t.k) };
    case 'suggest':
      return suggestNext(t.probs, t.classes, t.data, t.d, t.labelled, t.count);
  }
}
