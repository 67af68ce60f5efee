/**
 * Collapse monitor. BYOL can fall into the trivial solution where every image maps to the
 * same vector; the loss then looks excellent. Two cheap signals on a batch of projections:
 *  - per-dimension std of the L2-normalised rows, averaged over dimensions: ≈ 1/√d for
 *    well-spread unit vectors, → 0 on collapse (SimSiam §4.1's diagnostic);
 *  - mean cosine similarity of random distinct pairs (seeded): ≈ 0 when spread, → 1 when
 *    everything points the same way.
 */
import * as tf from '@tensorflow/tfjs';
import { l2Normalize } from './loss';
import type { Rng } from './rng';

export interface CollapseStats {
  n: number;
  dims: number;
  /** Mean over dimensions of the std over the batch of the normalised projections. */
  meanDimStd: number;
  /** 1/√d, the value for well-spread unit vectors. */
  healthyStd: number;
  /** meanDimStd · √d: ≈ 1 healthy, → 0 collapsed. */
  stdRatio: number;
  /** Mean cosine similarity of random pairs of distinct rows. */
  meanPairCosine: number;
}

/** Statistics of a [N, d] batch of projections (N ≥ 2). Leaves no tensors behind. */
export function collapseStats(z: tf.Tensor2D, rng: Rng, pairs = 256): CollapseStats {
  const [n, dims] = z.shape;
  if (n < 2) throw new Error(`collapseStats needs at least 2 projections, got ${n}`);
  const a = new Int32Array(pairs);
  const b = new Int32Array(pairs);
  for (let k = 0; k < pairs; k++) {
    a[k] = rng.int(0, n - 1);
    b[k] = (a[k] + rng.int(1, n - 1)) % n; // never the same row
  }
  const [stdMean, cosMean] = tf.tidy(() => {
    const zn = l2Normalize(z);
    const { variance } = tf.moments(zn, 0);
    const meanStd = tf.mean(tf.sqrt(variance));
    const cos = tf.sum(tf.mul(tf.gather(zn, tf.tensor1d(a, 'int32')), tf.gather(zn, tf.tensor1d(b, 'int32'))), 1);
    return [meanStd.dataSync()[0], tf.mean(cos).dataSync()[0]];
  });
  const healthyStd = 1 / Math.sqrt(dims);
  return { n, dims, meanDimStd: stdMean, healthyStd, stdRatio: stdMean / healthyStd, meanPairCosine: cosMean };
}

export interface CollapseThresholds {
  /** Warn when meanDimStd falls below this fraction of 1/√d. */
  minStdRatio: number;
  /** Warn when random pairs are this similar on average. */
  maxPairCosine: number;
}

export const DEFAULT_COLLAPSE_THRESHOLDS: CollapseThresholds = { minStdRatio: 0.1, maxPairCosine: 0.95 };

/** A warning for the user when the statistics indicate collapse, else null. */
export function detectCollapse(s: CollapseStats, t: CollapseThresholds = DEFAULT_COLLAPSE_THRESHOLDS): string | null {
  const reasons: string[] = [];
  if (!Number.isFinite(s.meanDimStd) || !Number.isFinite(s.meanPairCosine)) {
    return 'Training diverged: the projections contain NaN or infinite values. Lower the learning rate and restart from the last checkpoint.';
  }
  if (s.stdRatio < t.minStdRatio) {
    reasons.push(`the spread of normalised projections is ${s.meanDimStd.toExponential(2)} per dimension (healthy ≈ ${s.healthyStd.toFixed(4)} = 1/√${s.dims})`);
  }
  if (s.meanPairCosine > t.maxPairCosine) {
    reasons.push(`random pairs of images have mean cosine similarity ${s.meanPairCosine.toFixed(3)} (healthy is well below 1)`);
  }
  if (reasons.length === 0) return null;
  return (
    `Representation collapse: ${reasons.join('; ')}. All images are being mapped to nearly the same point, ` +
    'so the map will not separate them. Try a lower learning rate, a higher EMA τ (tauBase), a larger batch, or stronger augmentation, then restart.'
  );
}
