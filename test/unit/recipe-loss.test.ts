import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { byolLoss, l2Normalize, regressionLoss, stopGradient } from '../../main/engine/recipe/loss';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const p1 = () => tf.tensor2d([[1, 0], [0, 2]]);
const z2 = () => tf.tensor2d([[1, 1], [0, -1]]);
const p2 = () => tf.tensor2d([[3, 4], [1, 1]]);
const z1 = () => tf.tensor2d([[4, 3], [1, 1]]);

describe('byolLoss', () => {
  it('matches a hand computation: directions summed, batch averaged', () => {
    // Direction 1: cos = 1/√2 and −1 → losses 2 − √2 and 4 → mean 3 − √2/2.
    // Direction 2: cos = 24/25 and 1 → losses 0.08 and 0 → mean 0.04.
    const want = 3 - Math.SQRT2 / 2 + 0.04;
    const t = [p1(), p2(), z1(), z2()];
    const loss = byolLoss(t[0], t[1], t[2], t[3]);
    expect(loss.shape).toEqual([]);
    expect(loss.dataSync()[0]).toBeCloseTo(want, 5);
    const per = regressionLoss(t[0], t[3]);
    expect(Array.from(per.dataSync()).map((v) => +v.toFixed(5))).toEqual([+(2 - Math.SQRT2).toFixed(5), 4]);
    tf.dispose([...t, loss, per]);
  });

  it('is 0 for aligned predictions and scale invariant', () => {
    const a = tf.tensor2d([[1, 2, 3], [-1, 0, 2]]);
    const b = tf.mul(a, 5) as tf.Tensor2D;
    const loss = byolLoss(a, a, b, b);
    expect(loss.dataSync()[0]).toBeCloseTo(0, 6);
    tf.dispose([a, b, loss]);
  });

  it('stops the gradient at the targets and gives the analytic gradient for predictions', () => {
    const t = [p1(), p2(), z1(), z2()];
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
      byolLoss(a as tf.Tensor2D, b as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor2D),
    )(t);
    expect(Array.from(g[2].dataSync())).toEqual([0, 0, 0, 0]);
    expect(Array.from(g[3].dataSync())).toEqual([0, 0, 0, 0]);
    // d/dp [2 − 2 p·z/(|p||z|)] / B = −2/(B|p||z|) · (z − (p·z) p/|p|²).
    // Row 0: p=[1,0], z=[1,1] → [0, −1/√2]. Row 1: antiparallel → 0.
    const gp1 = g[0].dataSync();
    expect(gp1[0]).toBeCloseTo(0, 6);
    expect(gp1[1]).toBeCloseTo(-Math.SQRT1_2, 5);
    expect(gp1[2]).toBeCloseTo(0, 6);
    expect(gp1[3]).toBeCloseTo(0, 6);
    tf.dispose([...t, ...g]);
  });

  it('stopGradient passes values through and zeroes gradients; a zero row normalises without NaN', () => {
    const x = tf.tensor1d([1, -2, 3]);
    const [gx] = tf.grads((v: tf.Tensor) => tf.sum(tf.mul(stopGradient(v), v)))([x]);
    expect(Array.from(gx.dataSync())).toEqual([1, -2, 3]); // only the non-stopped factor contributes
    const zero = tf.zeros([1, 4]) as tf.Tensor2D;
    const [gz] = tf.grads((v: tf.Tensor) => tf.sum(l2Normalize(v as tf.Tensor2D)))([zero]);
    expect(Array.from(gz.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([x, gx, zero, gz]);
  });

  it('rejects mismatched shapes and leaks no tensors', () => {
    const a = tf.zeros([2, 3]) as tf.Tensor2D;
    const b = tf.zeros([2, 4]) as tf.Tensor2D;
    expect(() => regressionLoss(a, b)).toThrow(/differ in shape/);
    const before = tf.memory().numTensors;
    const t = [p1(), p2(), z1(), z2()];
    byolLoss(t[0], t[1], t[2], t[3]).dispose();
    tf.dispose(t);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });
});
