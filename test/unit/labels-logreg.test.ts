import { describe, expect, it } from 'vitest';
import { gaussianBlobs } from '../../main/analysis/cluster/blobs';
import { Rng } from '../../main/analysis/rng';
import { crossValidateLogReg, stratifiedFolds } from '../../main/analysis/labels/cross-validate';
import { lbfgs } from '../../main/analysis/labels/lbfgs';
import { argmaxRows, predictProba, trainLogReg } from '../../main/analysis/labels/logreg';

describe('lbfgs', () => {
  it('minimises the Rosenbrock function', () => {
    const x = Float64Array.from([-1.2, 1]);
    const r = lbfgs((p, g) => {
      const [a, b] = p;
      g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      g[1] = 200 * (b - a * a);
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    }, x, { maxIter: 500, gradTol: 1e-8 });
    expect(x[0]).toBeCloseTo(1, 4);
    expect(x[1]).toBeCloseTo(1, 4);
    expect(r.loss).toBeLessThan(1e-8);
  });
});

describe('logistic regression head', () => {
  it('learns separable classes from 10 shots each and its probabilities sum to one', () => {
    const { data, labels } = gaussianBlobs({ n: 2000, dim: 64, clusters: 5, seed: 1, spread: 0.15 });
    const train = Array.from({ length: 50 }, (_, i) => i); // ids 0..49: 10 per class
    const x = new Float32Array(50 * 64);
    train.forEach((id, r) => x.set(data.subarray(id * 64, id * 64 + 64), r * 64));
    const model = trainLogReg(x, 50, 64, train.map((i) => labels[i]), 5);
    const p = predictProba(model, data, 2000);
    for (let i = 0; i < 2000; i += 97) expect(p.subarray(i * 5, i * 5 + 5).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const pred = argmaxRows(p, 2000, 5);
    let ok = 0;
    for (let i = 50; i < 2000; i++) if (pred[i] === labels[i]) ok++;
    expect(ok / 1950).toBeGreaterThan(0.97);
  });

  it('folds standardisation into the weights: a plain softmax(Wx + b) reproduces predictProba', () => {
    const { data, labels } = gaussianBlobs({ n: 300, dim: 16, clusters: 3, seed: 2, spread: 0.3 });
    const m = trainLogReg(data, 300, 16, labels, 3, { normalize: false });
    const p = predictProba(m, data, 300);
    for (const i of [0, 17, 299]) {
      const s = [0, 1, 2].map((c) => m.bias[c] + data.subarray(i * 16, i * 16 + 16).reduce((a, v, j) => a + v * m.weights[c * 16 + j], 0));
      const e = s.map((v) => Math.exp(v - Math.max(...s)));
      const z = e.reduce((a, b) => a + b, 0);
      for (let c = 0; c < 3; c++) expect(p[i * 3 + c]).toBeCloseTo(e[c] / z, 5);
    }
  });

  it('balanced class weights raise recall of a rare class on overlapping data', () => {
    const rng = new Rng(5);
    const n = 1100;
    const x = new Float32Array(n * 2);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i < 100 ? 1 : 0; // 1:10 imbalance, heavily overlapping classes
      x[i * 2] = rng.normal() + (y[i] ? 1 : 0);
      x[i * 2 + 1] = rng.normal();
    }
    const recall = (o: 'balanced' | 'none') => {
      const pred = argmaxRows(predictProba(trainLogReg(x, n, 2, y, 2, { classWeight: o, normalize: false }), x, n), n, 2);
      return pred.subarray(0, 100).filter((v) => v === 1).length / 100;
    };
    expect(recall('balanced')).toBeGreaterThan(recall('none') + 0.3);
  });
});

describe('cross-validation', () => {
  it('stratified folds give every fold its share of each class, reproducibly', () => {
    const y = Int32Array.from({ length: 103 }, (_, i) => (i < 50 ? 0 : i < 90 ? 1 : 2));
    const f = stratifiedFolds(y, 5, 7);
    expect(Array.from(stratifiedFolds(y, 5, 7))).toEqual(Array.from(f));
    expect(Array.from(stratifiedFolds(y, 5, 8))).not.toEqual(Array.from(f));
    for (let fold = 0; fold < 5; fold++) {
      const inFold = (c: number) => Array.from(y.keys()).filter((i) => y[i] === c && f[i] === fold).length;
      expect(inFold(0)).toBe(10);
      expect(inFold(1)).toBe(8);
      expect([2, 3]).toContain(inFold(2));
    }
  });

  it('estimates high accuracy on separable data and chance on random labels', () => {
    const { data, labels } = gaussianBlobs({ n: 200, dim: 32, clusters: 4, seed: 3, spread: 0.12 });
    const good = crossValidateLogReg(data, 200, 32, labels, 4, { folds: 5, seed: 1 });
    expect(good.accuracy).toBeGreaterThan(0.95);
    expect(good.foldAccuracies).toHaveLength(5);
    const rng = new Rng(9);
    const noise = Int32Array.from({ length: 200 }, () => rng.int(4));
    const bad = crossValidateLogReg(data, 200, 32, noise, 4, { folds: 5, seed: 1 });
    expect(bad.accuracy).toBeLessThan(0.45);
  });
});
