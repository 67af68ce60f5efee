/**
 * Weighted kNN classification, leave-one-out, as in the InstDisc / DINO kNN monitor:
 * cosine similarity on L2-normalised features, the k most similar OTHER images vote for
 * their class with weight exp(sim / T), and the class with the largest total wins.
 * Similarities are computed in row blocks with tfjs (matmul + topk), votes in JS.
 */
import * as tf from '@tensorflow/tfjs';

export interface KnnOptions {
  k?: number;
  temperature?: number;
  /** Rows per similarity block (memory: block × N floats). */
  blockRows?: number;
}

export interface KnnResult {
  top1: number;
  images: number;
  classes: number;
  k: number;
  temperature: number;
}

export const KNN_DEFAULTS = { k: 20, temperature: 0.1 } as const;

/**
 * @param features n×dim row-major.
 * @param labels class index per row (0..C-1).
 */
export function knnLeaveOneOut(features: Float32Array, n: number, dim: number, labels: Int32Array, o: KnnOptions = {}): KnnResult {
  if (features.length !== n * dim) throw new Error(`knn: ${features.length} values for ${n}×${dim} features`);
  if (labels.length !== n) throw new Error(`knn: ${labels.length} labels for ${n} images`);
  const classes = labels.reduce((m, l) => Math.max(m, l + 1), 0);
  const k = Math.min(o.k ?? KNN_DEFAULTS.k, n - 1);
  const T = o.temperature ?? KNN_DEFAULTS.temperature;
  if (n < 2 || k < 1) return { top1: 0, images: n, classes, k, temperature: T };
  const block = Math.max(1, o.blockRows ?? 512);
  const all = tf.tidy(() => {
    const x = tf.tensor2d(features, [n, dim]);
    return tf.div(x, tf.maximum(tf.norm(x, 'euclidean', 1, true), 1e-12)) as tf.Tensor2D;
  });
  let correct = 0;
  const votes = new Float64Array(classes);
  try {
    for (let start = 0; start < n; start += block) {
      const m = Math.min(block, n - start);
      // k+1 neighbours: one of them is normally the row itself, dropped below.
      const [vals, idx] = tf.tidy(() => {
        const sims = tf.matMul(all.slice([start, 0], [m, dim]), all, false, true);
        const { values, indices } = tf.topk(sims, k + 1);
        return [values.dataSync() as Float32Array, indices.dataSync() as Int32Array];
      });
      for (let r = 0; r < m; r++) {
        const self = start + r;
        votes.fill(0);
        let used = 0;
        for (let j = 0; j <= k && used < k; j++) {
          const nb = idx[r * (k + 1) + j];
          if (nb === self) continue;
          votes[labels[nb]] += Math.exp(vals[r * (k + 1) + j] / T);
          used++;
        }
        let best = 0;
        for (let c = 1; c < classes; c++) if (votes[c] > votes[best]) best = c;
        if (best === labels[self]) correct++;
      }
    }
  } finally {
    all.dispose();
  }
  return { top1: correct / n, images: n, classes, k, temperature: T };
}

/** Class indices for string labels, in sorted name order. */
export function indexLabels(names: string[]): { labels: Int32Array; classNames: string[] } {
  const classNames = [...new Set(names)].sort();
  const at = new Map(classNames.map((c, i) => [c, i]));
  return { labels: Int32Array.from(names, (s) => at.get(s)!), classNames };
}
