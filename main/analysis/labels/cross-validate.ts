/** Stratified, seeded k-fold cross-validation of the logistic-regression head. */
import { Rng } from '../rng';
import { gatherRows } from '../cluster/rows';
import { argmaxRows, predictProba, trainLogReg, type LogRegOptions } from './logreg';

/** Fold (0..folds−1) per sample: each class is shuffled and dealt round-robin from a random offset. */
export function stratifiedFolds(y: ArrayLike<number>, folds: number, seed: number): Int32Array {
  const rng = new Rng(seed, 61);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < y.length; i++) {
    let l = byClass.get(y[i]);
    if (!l) byClass.set(y[i], (l = []));
    l.push(i);
  }
  const fold = new Int32Array(y.length);
  let offset = rng.int(folds);
  for (const key of [...byClass.keys()].sort((a, b) => a - b)) {
    const ids = byClass.get(key)!;
    for (let i = ids.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [ids[i], ids[j]] = [ids[j], ids[i]];
    }
    // Continuing the offset across classes keeps fold sizes within one of each other.
    for (const id of ids) fold[id] = offset++ % folds;
  }
  return fold;
}

export interface CvResult {
  /** Accuracy over all held-out predictions (each sample is held out once). */
  accuracy: number;
  foldAccuracies: number[];
}

export function crossValidateLogReg(x: Float32Array, n: number, d: number, y: ArrayLike<number>, classes: number, o: LogRegOptions & { folds?: number; seed?: number } = {}): CvResult {
  const folds = Math.max(2, Math.min(o.folds ?? 5, n));
  const fold = stratifiedFolds(y, folds, o.seed ?? 0);
  let right = 0;
  const foldAccuracies: number[] = [];
  for (let f = 0; f < folds; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === f ? test : train).push(i);
    if (test.length === 0) continue;
    const model = trainLogReg(gatherRows(x, d, train), train.length, d, train.map((i) => y[i]), classes, o);
    const pred = argmaxRows(predictProba(model, gatherRows(x, d, test), test.length), test.length, classes);
    let ok = 0;
    for (let t = 0; t < test.length; t++) if (pred[t] === y[test[t]]) ok++;
    right += ok;
    foldAccuracies.push(ok / test.length);
  }
  return { accuracy: right / n, foldAccuracies };
}
