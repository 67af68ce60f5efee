/**
 * Label spreading over the kNN graph (Zhou, Bousquet, Lal, Weston & Schölkopf 2004):
 * F ← α S F + (1 − α) Y with S = D^−1/2 W D^−1/2, iterated to convergence or a bound.
 * Class mass normalisation (Zhu, Ghahramani & Lafferty 2003) then rescales each class's
 * scores to its share of the labels: otherwise a class whose seeds sit in a dense, central
 * part of the graph collects score everywhere and swallows the predictions of the others.
 * Every point then gets the class of its largest score and a confidence (that score's share).
 */
import type { KnnGraph } from '../knn-exact';
import { bfsOrder, knnAffinity, normalizeSymmetric, permuteCsr, spmm, type AffinityKind, type Csr } from './csr';

export interface SpreadOptions {
  /** Weight of the neighbours against the seed labels (0 < α < 1). */
  alpha?: number;
  maxIter?: number;
  /** Stop when no score moves by more than this (relative to the largest score). */
  tol?: number;
  /** Edge weights (used when spreadLabels builds the operator). */
  affinity?: AffinityKind;
  /** Give each class the same total seed mass, so a class with more labels does not swamp others. */
  balance?: boolean;
  /** Class mass normalisation of the result (default on). */
  massNormalize?: boolean;
}

export interface Prediction {
  /** Class per point, or −1 where no label reaches it. */
  predicted: Int32Array;
  /** Share of the winning class in the point's normalised scores, in [0, 1]. */
  confidence: Float32Array;
  /** n × classes normalised scores (rows sum to 1, or 0 where nothing reached). */
  scores: Float32Array;
}

/** Row-normalises non-negative scores into probabilities, with argmax and its share. */
export function toPrediction(f: Float64Array, n: number, c: number): Prediction {
  const predicted = new Int32Array(n).fill(-1);
  const confidence = new Float32Array(n);
  const scores = new Float32Array(n * c);
  for (let i = 0; i < n; i++) {
    let s = 0;
    let best = -1;
    for (let q = 0; q < c; q++) {
      const v = Math.max(0, f[i * c + q]);
      s += v;
      if (v > 0 && (best < 0 || v > f[i * c + best])) best = q;
    }
    if (s <= 0) continue;
    for (let q = 0; q < c; q++) scores[i * c + q] = Math.max(0, f[i * c + q]) / s;
    predicted[i] = best;
    confidence[i] = scores[i * c + best];
  }
  return { predicted, confidence, scores };
}

/** The propagation operator, renumbered for locality: reusable while only the labels change. */
export interface SpreadOperator {
  s: Csr;
  /** Row r of s is point order[r]. */
  order: Int32Array;
}

export function spreadOperator(graph: KnnGraph, affinity: AffinityKind = 'heat'): SpreadOperator {
  const w = normalizeSymmetric(knnAffinity(graph, affinity));
  // Iterate in breadth-first order (neighbours near in memory), then map back.
  const order = bfsOrder(w);
  return { s: permuteCsr(w, order), order };
}

/** seeds[i] is the class of point i (0..classes−1) or −1 when unlabelled. */
export function spreadLabels(graph: KnnGraph, seeds: ArrayLike<number>, classes: number, o: SpreadOptions = {}): Prediction & { iterations: number } {
  return spreadWith(spreadOperator(graph, o.affinity), seeds, classes, o);
}

export function spreadWith(op: SpreadOperator, seeds: ArrayLike<number>, classes: number, o: SpreadOptions = {}): Prediction & { iterations: number } {
  const { s, order } = op;
  const n = s.n;
  const alpha = o.alpha ?? 0.99;
  const counts = new Float64Array(classes);
  for (let i = 0; i < n; i++) if (seeds[i] >= 0) counts[seeds[i]]++;
  // Scores stay in float32: halving the memory the product streams through matters more than precision.
  const y = new Float32Array(n * classes);
  for (let r = 0; r < n; r++) {
    const l = seeds[order[r]];
    if (l >= 0) y[r * classes + l] = o.balance === false ? 1 : 1 / counts[l];
  }
  let f = Float32Array.from(y);
  let next = new Float32Array(n * classes);
  const acc = new Float64Array(classes);
  const tol = o.tol ?? 1e-6;
  const maxIter = o.maxIter ?? 50;
  let it = 0;
  while (it < maxIter) {
    it++;
    spmm(s, f, classes, next, acc);
    let delta = 0;
    let top = 0;
    for (let p = 0; p < next.length; p++) {
      const v = alpha * next[p] + (1 - alpha) * y[p];
      delta = Math.max(delta, Math.abs(v - f[p]));
      top = Math.max(top, v);
      next[p] = v;
    }
    [f, next] = [next, f];
    if (delta <= tol * top) break;
  }
  const scale = o.massNormalize === false ? new Float64Array(classes).fill(1) : massScale(f, n, classes, counts);
  const scores = new Float64Array(n * classes);
  for (let r = 0; r < n; r++) for (let q = 0; q < classes; q++) scores[order[r] * classes + q] = f[r * classes + q] * scale[q];
  return { ...toPrediction(scores, n, classes), iterations: it };
}

/** Per-class factors that make each class's total score proportional to its label count. */
function massScale(f: Float32Array, n: number, classes: number, counts: Float64Array): Float64Array {
  const mass = new Float64Array(classes);
  for (let p = 0; p < n * classes; p++) mass[p % classes] += Math.max(0, f[p]);
  const labelled = counts.reduce((a, b) => a + b, 0);
  return mass.map((m, q) => (m > 0 && labelled > 0 ? counts[q] / labelled / m : 0));
}
