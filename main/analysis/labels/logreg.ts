/**
 * Multinomial logistic regression on embeddings: the few-shot "linear head". Trained with
 * full-batch L-BFGS on class-weighted cross-entropy plus L2 on the weights. Features are
 * standardised while training and the scaling is folded back into the weights, so the model
 * is a plain softmax(W·x + b) over the (optionally L2-normalised) embedding — easy to export.
 */
import { lbfgs } from './lbfgs';
import { normalizeRows } from '../cluster/rows';

export interface LogRegOptions {
  /** L2 penalty on the (standardised) weights, relative to the mean loss. */
  l2?: number;
  maxIter?: number;
  /** 'balanced' weighs each class by n / (classes × count), so rare classes count as much. */
  classWeight?: 'balanced' | 'none';
  /** L2-normalise each embedding before the linear layer (default true). */
  normalize?: boolean;
}

export interface LogRegModel {
  dim: number;
  classes: number;
  /** classes × dim, row-major, applied to the (normalised) embedding. */
  weights: Float32Array;
  bias: Float32Array;
  normalize: boolean;
}

export function trainLogReg(x: Float32Array, n: number, d: number, y: ArrayLike<number>, classes: number, o: LogRegOptions = {}): LogRegModel {
  const normalize = o.normalize ?? true;
  const xs = normalize ? normalizeRows(x, n, d) : x;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += xs[i * d + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) std[j] += (xs[i * d + j] - mean[j]) ** 2 / n;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]) || 1;
  const z = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) z[i * d + j] = (xs[i * d + j] - mean[j]) / std[j];
  const counts = new Float64Array(classes);
  for (let i = 0; i < n; i++) counts[y[i]]++;
  const present = counts.filter((c) => c > 0).length;
  const cw = Float64Array.from(counts, (c) => (o.classWeight === 'none' || c === 0 ? 1 : n / (present * c)));
  let wsum = 0;
  for (let i = 0; i < n; i++) wsum += cw[y[i]];
  const l2 = o.l2 ?? 1e-3;
  const stride = d + 1; // per class: d weights then the bias
  const p = new Float64Array(classes);
  const objective = (theta: Float64Array, g: Float64Array) => {
    g.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const zi = i * d;
      let mx = -Infinity;
      for (let c = 0; c < classes; c++) {
        let s = theta[c * stride + d];
        for (let j = 0; j < d; j++) s += theta[c * stride + j] * z[zi + j];
        p[c] = s;
        if (s > mx) mx = s;
      }
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += p[c] = Math.exp(p[c] - mx);
      const w = cw[y[i]] / wsum;
      loss -= w * Math.log(Math.max(p[y[i]] / sum, 1e-300));
      for (let c = 0; c < classes; c++) {
        const r = w * (p[c] / sum - (c === y[i] ? 1 : 0));
        for (let j = 0; j < d; j++) g[c * stride + j] += r * z[zi + j];
        g[c * stride + d] += r;
      }
    }
    for (let c = 0; c < classes; c++)
      for (let j = 0; j < d; j++) {
        const t = theta[c * stride + j];
        loss += 0.5 * l2 * t * t;
        g[c * stride + j] += l2 * t;
      }
    return loss;
  };
  const theta = new Float64Array(classes * stride);
  lbfgs(objective, theta, { maxIter: o.maxIter ?? 300 });
  // Fold the standardisation into the weights: w·(x − μ)/σ + b = (w/σ)·x + (b − Σ w μ/σ).
  const weights = new Float32Array(classes * d);
  const bias = new Float32Array(classes);
  for (let c = 0; c < classes; c++) {
    let b = theta[c * stride + d];
    for (let j = 0; j < d; j++) {
      const w = theta[c * stride + j] / std[j];
      weights[c * d + j] = w;
      b -= w * mean[j];
    }
    bias[c] = b;
  }
  return { dim: d, classes, weights, bias, normalize };
}

/** n × classes softmax probabilities. */
export function predictProba(model: LogRegModel, x: Float32Array, n: number): Float32Array {
  const { dim: d, classes, weights, bias } = model;
  const xs = model.normalize ? normalizeRows(x, n, d) : x;
  const out = new Float32Array(n * classes);
  const s = new Float64Array(classes);
  for (let i = 0; i < n; i++) {
    let mx = -Infinity;
    for (let c = 0; c < classes; c++) {
      let v = bias[c];
      for (let j = 0; j < d; j++) v += weights[c * d + j] * xs[i * d + j];
      s[c] = v;
      if (v > mx) mx = v;
    }
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += s[c] = Math.exp(s[c] - mx);
    for (let c = 0; c < classes; c++) out[i * classes + c] = s[c] / sum;
  }
  return out;
}

/** Argmax class per row of n × classes probabilities. */
export function argmaxRows(p: Float32Array, n: number, classes: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let b = 0;
    for (let c = 1; c < classes; c++) if (p[i * classes + c] > p[i * classes + b]) b = c;
    out[i] = b;
  }
  return out;
}
