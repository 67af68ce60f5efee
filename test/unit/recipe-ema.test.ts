import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyVariables, emaUpdate, pickTauBase, SHORT_RUN_STEPS, tauAt } from '../../main/engine/recipe/ema';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('tau schedule', () => {
  it('rises from tau_base to 1 along a half cosine', () => {
    expect(tauAt(0, 1000, 0.996)).toBeCloseTo(0.996, 12);
    expect(tauAt(1000, 1000, 0.996)).toBeCloseTo(1, 12);
    expect(tauAt(500, 1000, 0.996)).toBeCloseTo(0.998, 12);
    // Formula at an arbitrary step: 1 − (1 − τb)(cos(πk/K) + 1)/2.
    expect(tauAt(250, 1000, 0.99)).toBeCloseTo(1 - 0.01 * (Math.cos(Math.PI / 4) + 1) / 2, 12);
    let prev = 0;
    for (let k = 0; k <= 100; k++) {
      const t = tauAt(k, 100, 0.99);
      expect(t).toBeGreaterThanOrEqual(prev);
      prev = t;
    }
    expect(tauAt(200, 100, 0.99)).toBe(1); // clamped past the end
  });

  it('picks 0.99 for short runs and 0.996 for long ones', () => {
    expect(pickTauBase(2000)).toBe(0.99);
    expect(pickTauBase(SHORT_RUN_STEPS - 1)).toBe(0.99);
    expect(pickTauBase(SHORT_RUN_STEPS)).toBe(0.996);
  });
});

describe('emaUpdate', () => {
  it('moves each target variable to tau·target + (1 − tau)·online in place, without leaks', () => {
    const target = [tf.variable(tf.tensor1d([1, 2, 3]), false), tf.variable(tf.tensor2d([[0, 10]]), false)];
    const online = [tf.variable(tf.tensor1d([3, 2, -1])), tf.variable(tf.tensor2d([[4, 0]]))];
    const before = tf.memory().numTensors;
    emaUpdate(target, online, 0.75);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(target[0].dataSync())).toEqual([1.5, 2, 2]);
    expect(Array.from(target[1].dataSync())).toEqual([1, 7.5]);
    expect(Array.from(online[0].dataSync())).toEqual([3, 2, -1]); // online untouched
    emaUpdate(target, online, 1);
    expect(Array.from(target[0].dataSync())).toEqual([1.5, 2, 2]);
    emaUpdate(target, online, 0);
    expect(Array.from(target[0].dataSync())).toEqual([3, 2, -1]);
    tf.dispose([...target, ...online]);
  });

  it('copies and validates pairs', () => {
    const t = [tf.variable(tf.zeros([2]), false)];
    const o = [tf.variable(tf.tensor1d([5, 6]))];
    copyVariables(t, o);
    expect(Array.from(t[0].dataSync())).toEqual([5, 6]);
    const wrong = [tf.variable(tf.zeros([3]))];
    expect(() => emaUpdate(t, wrong, 0.9)).toThrow(/shape \[2\] in the target but \[3\]/);
    expect(() => emaUpdate(t, [], 0.9)).toThrow(/1 target variables but 0 online/);
    expect(() => emaUpdate(t, o, 1.5)).toThrow(/tau must be in \[0, 1\]/);
    tf.dispose([...t, ...o, ...wrong]);
  });
});
