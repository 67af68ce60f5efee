/**
 * "Label these next": score = uncertainty × diversity. Uncertainty comes from the predicted
 * class distribution (1 − margin, or normalised entropy); diversity is the cosine distance to
 * the nearest already labelled or already picked image, updated greedily (farthest-first /
 * k-center) over a pool of the most uncertain candidates, so the picks do not all sit in one
 * confused corner of the map.
 */
import { normalizeRows } from '../cluster/rows';

export interface SuggestOptions {
  measure?: 'margin' | 'entropy';
  /** Most uncertain unlabelled images considered (default max(20m, 1000)). */
  poolSize?: number;
}

export interface Suggestion {
  ids: Int32Array;
  /** uncertainty × diversity at the time each id was picked. */
  scores: Float32Array;
}

/** Uncertainty in [0, 1] per row of n × classes probabilities. */
export function uncertainty(probs: Float32Array, classes: number, measure: 'margin' | 'entropy' = 'margin'): Float32Array {
  const n = probs.length / classes;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * classes;
    if (measure === 'entropy') {
      let h = 0;
      for (let c = 0; c < classes; c++) if (probs[o + c] > 0) h -= probs[o + c] * Math.log(probs[o + c]);
      out[i] = classes > 1 ? h / Math.log(classes) : 0;
    } else {
      let a = 0;
      let b = 0;
      for (let c = 0; c < classes; c++) {
        const v = probs[o + c];
        if (v > a) [a, b] = [v, a];
        else if (v > b) b = v;
      }
      out[i] = 1 - (a - b);
    }
  }
  return out;
}

/**
 * Picks m unlabelled images. probs: n × classes; data: n × d embeddings; labelled: ids that
 * already carry a human label (excluded, and the picks keep away from them).
 */
export function suggestNext(probs: Float32Array, classes: number, data: Float32Array, d: number, labelled: ArrayLike<number>, m: number, o: SuggestOptions = {}): Suggestion {
  const n = probs.length / classes;
  const u = uncertainty(probs, classes, o.measure);
  const isLabelled = new Uint8Array(n);
  for (let t = 0; t < labelled.length; t++) isLabelled[labelled[t]] = 1;
  const free: number[] = [];
  for (let i = 0; i < n; i++) if (!isLabelled[i]) free.push(i);
  free.sort((a, b) => u[b] - u[a] || a - b);
  const pool = free.slice(0, Math.min(free.length, o.poolSize ?? Math.max(20 * m, 1000)));
  const p = pool.length;
  const rows = (ids: ArrayLike<number>) => {
    const x = new Float32Array(ids.length * d);
    for (let r = 0; r < ids.length; r++) x.set(data.subarray(ids[r] * d, ids[r] * d + d), r * d);
    return normalizeRows(x, ids.length, d);
  };
  const px = rows(pool);
  const lx = rows(labelled);
  // Cosine distance to the nearest labelled image; 1 (orthogonal) when nothing is labelled yet.
  const near = new Float64Array(p).fill(1);
  const closer = (a: number, y: Float32Array, b: number) => {
    let s = 0;
    for (let j = 0; j < d; j++) s += px[a * d + j] * y[b * d + j];
    if (1 - s < near[a]) near[a] = Math.max(0, 1 - s);
  };
  if (labelled.length) near.fill(Infinity);
  for (let a = 0; a < p; a++) for (let b = 0; b < labelled.length; b++) closer(a, lx, b);
  const taken = new Uint8Array(p);
  const ids: number[] = [];
  const scores: number[] = [];
  for (let t = 0; t < Math.min(m, p); t++) {
    let best = -1;
    let bestScore = -Infinity;
    for (let a = 0; a < p; a++) {
      if (taken[a]) continue;
      const s = u[pool[a]] * near[a];
      if (s > bestScore) {
        bestScore = s;
        best = a;
      }
    }
    taken[best] = 1;
    ids.push(pool[best]);
    scores.push(bestScore);
    for (let a = 0; a < p; a++) if (!taken[a]) closer(a, px, best);
  }
  return { ids: Int32Array.from(ids), scores: Float32Array.from(scores) };
}
