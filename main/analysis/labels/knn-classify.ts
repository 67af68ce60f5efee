/**
 * Weighted kNN classification from a few labelled images (the baseline propagation must
 * beat): each image votes with its k most cosine-similar labelled images, weighted
 * exp(sim / T) as in the DINO / InstDisc kNN evaluation. Also the seeded few-shot split.
 */
import { Rng } from '../rng';
import { normalizeRows } from '../cluster/rows';
import { toPrediction, type Prediction } from './spreading';

export interface KnnClassifyOptions {
  k?: number;
  temperature?: number;
}

/**
 * Predicts every image (n × d rows) from the labelled ids/classes. A labelled image does not
 * vote for itself.
 */
export function knnClassify(data: Float32Array, n: number, d: number, trainIds: ArrayLike<number>, trainClasses: ArrayLike<number>, classes: number, o: KnnClassifyOptions = {}): Prediction {
  const x = normalizeRows(data, n, d);
  const m = trainIds.length;
  const k = Math.max(1, Math.min(o.k ?? 20, m));
  const temp = o.temperature ?? 0.07;
  const tx = new Float32Array(m * d);
  for (let t = 0; t < m; t++) tx.set(x.subarray(trainIds[t] * d, trainIds[t] * d + d), t * d);
  const f = new Float64Array(n * classes);
  const sims = new Float64Array(m);
  const topS = new Float64Array(k);
  const topC = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const oi = i * d;
    for (let t = 0; t < m; t++) {
      let s = 0;
      for (let j = 0, ot = t * d; j < d; j++) s += x[oi + j] * tx[ot + j];
      sims[t] = trainIds[t] === i ? -Infinity : s;
    }
    // Insertion into a k-best list: m is small (a few labels per class).
    let cnt = 0;
    for (let t = 0; t < m; t++) {
      const s = sims[t];
      if (s === -Infinity || (cnt === k && s <= topS[k - 1])) continue;
      let pos = cnt < k ? cnt++ : k - 1;
      while (pos > 0 && topS[pos - 1] < s) {
        topS[pos] = topS[pos - 1];
        topC[pos] = topC[pos - 1];
        pos--;
      }
      topS[pos] = s;
      topC[pos] = trainClasses[t];
    }
    for (let r = 0; r < cnt; r++) f[i * classes + topC[r]] += Math.exp((topS[r] - 1) / temp);
  }
  return toPrediction(f, n, classes);
}

export interface FewShotSplit {
  /** Class names in sorted order; class index = position. */
  classes: string[];
  /** Class index per image. */
  y: Int32Array;
  /** `shots` ids per class (fewer if the class is smaller), ascending. */
  train: Int32Array;
  /** Every other id, ascending. */
  test: Int32Array;
}

/** Picks `shots` images per class as the labelled set, seeded; the rest are for testing. */
export function fewShotSplit(labels: readonly string[], shots: number, seed: number): FewShotSplit {
  const classes = [...new Set(labels)].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = Int32Array.from(labels, (l) => index.get(l)!);
  const rng = new Rng(seed, 71);
  const isTrain = new Uint8Array(labels.length);
  for (let c = 0; c < classes.length; c++) {
    const ids: number[] = [];
    for (let i = 0; i < y.length; i++) if (y[i] === c) ids.push(i);
    for (let t = 0; t < Math.min(shots, ids.length); t++) {
      const j = t + rng.int(ids.length - t);
      [ids[t], ids[j]] = [ids[j], ids[t]];
      isTrain[ids[t]] = 1;
    }
  }
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < y.length; i++) (isTrain[i] ? train : test).push(i);
  return { classes, y, train: Int32Array.from(train), test: Int32Array.from(test) };
}
