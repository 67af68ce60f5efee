import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, createOptimizer, Lars, Sgd, type Optimizer } from '../../main/engine/recipe/optim';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const vals = (v: tf.Tensor) => Array.from(v.dataSync());
function expectClose(got: number[], want: number[], digits = 5) {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(g).toBeCloseTo(want[i], digits));
}
function stepWith(opt: Optimizer, params: tf.Variable[], grads: number[][], lr: number) {
  const g = grads.map((x, i) => tf.tensor(x, params[i].shape));
  try {
    opt.step(params, g, lr);
  } finally {
    tf.dispose(g);
  }
}

describe('LARS', () => {
  it('matches a hand-computed two-step update, with excluded params getting plain momentum SGD', () => {
    const w = tf.variable(tf.tensor1d([3, 4]));
    const b = tf.variable(tf.tensor1d([1, -1]));
    const opt = new Lars({ momentum: 0.9, eta: 0.6, weightDecay: 0.1, exclude: [false, true] });
    // Step 1: g' = g + 0.1w = [0.9, 1.2] (‖·‖ 1.5), ‖w‖ = 5, ratio = 0.6·5/1.5 = 2 → μ = [1.8, 2.4];
    // w ← w − 0.5μ = [2.1, 2.8]. Bias: μ = g = [0.5, 0.5], b ← [0.75, −1.25].
    stepWith(opt, [w, b], [[0.6, 0.8], [0.5, 0.5]], 0.5);
    expectClose(vals(w), [2.1, 2.8]);
    expectClose(vals(b), [0.75, -1.25]);
    // Step 2: g' = [0.81, 1.08] (‖·‖ 1.35), ‖w‖ = 3.5, ratio = 0.6·3.5/1.35; μ = 0.9μ + ratio·g'.
    const ratio = (0.6 * 3.5) / 1.35;
    const mu = [0.9 * 1.8 + ratio * 0.81, 0.9 * 2.4 + ratio * 1.08];
    stepWith(opt, [w, b], [[0.6, 0.8], [0.5, 0.5]], 0.5);
    expectClose(vals(w), [2.1 - 0.5 * mu[0], 2.8 - 0.5 * mu[1]]);
    expectClose(vals(b), [0.75 - 0.5 * 0.95, -1.25 - 0.5 * 0.95]);
    opt.dispose();
    tf.dispose([w, b]);
  });

  it('uses a trust ratio of 1 when the parameter norm is zero', () => {
    const w = tf.variable(tf.zeros([2]));
    const opt = new Lars({ weightDecay: 0.1 });
    stepWith(opt, [w], [[1, 2]], 0.1);
    expectClose(vals(w), [-0.1, -0.2]);
    opt.dispose();
    w.dispose();
  });

  it('saves and restores its momentum so a resumed run matches an uninterrupted one', () => {
    const grads = [[[0.3, -0.2, 0.1]], [[0.1, 0.4, -0.5]], [[-0.2, 0.2, 0.2]]];
    const a = tf.variable(tf.tensor1d([1, 2, 3]));
    const optA = new Lars({ weightDecay: 1e-2 });
    for (const g of grads) stepWith(optA, [a], g, 0.3);

    const c = tf.variable(tf.tensor1d([1, 2, 3]));
    const optB = new Lars({ weightDecay: 1e-2 });
    stepWith(optB, [c], grads[0], 0.3);
    const saved = optB.getState();
    expect(saved.slots.momentum[0].data).toBeInstanceOf(Float32Array);
    optB.dispose();
    const optC = new Lars({ weightDecay: 1e-2 });
    optC.setState(saved);
    stepWith(optC, [c], grads[1], 0.3);
    stepWith(optC, [c], grads[2], 0.3);
    expectClose(vals(c), vals(a), 6);
    expect(optC.getState().step).toBe(3);
    expect(() => new Sgd().setState(saved)).toThrow(/Cannot load lars optimizer state into a sgd optimizer/);
    tf.dispose([a, c]);
    optA.dispose();
    optC.dispose();
  });
});

describe('SGD and Adam', () => {
  it('SGD follows torch semantics: coupled decay, momentum buffer, optional Nesterov', () => {
    const p = tf.variable(tf.tensor1d([1, 2]));
    const opt = new Sgd({ momentum: 0.9, weightDecay: 0.01 });
    stepWith(opt, [p], [[0.1, 0.2]], 0.1); // g' = [0.11, 0.22]
    expectClose(vals(p), [1 - 0.011, 2 - 0.022]);
    stepWith(opt, [p], [[0.1, 0.2]], 0.1); // g' = g + 0.01p; μ = 0.9μ + g'
    const g2 = [0.1 + 0.01 * 0.989, 0.2 + 0.01 * 1.978];
    const mu = [0.9 * 0.11 + g2[0], 0.9 * 0.22 + g2[1]];
    expectClose(vals(p), [0.989 - 0.1 * mu[0], 1.978 - 0.1 * mu[1]]);
    const q = tf.variable(tf.tensor1d([1]));
    const nest = new Sgd({ momentum: 0.5, weightDecay: 0, nesterov: true });
    stepWith(nest, [q], [[1]], 1); // μ = 1; step = g + 0.5μ = 1.5
    expectClose(vals(q), [-0.5]);
    tf.dispose([p, q]);
    opt.dispose();
    nest.dispose();
  });

  it('Adam takes a ±lr first step plus decoupled decay, skipping decay on excluded params', () => {
    const p = tf.variable(tf.tensor1d([1, -2]));
    const bias = tf.variable(tf.tensor1d([1]));
    const opt = new Adam({ weightDecay: 0.1, exclude: [false, true] });
    stepWith(opt, [p, bias], [[0.5, -0.1], [0.3]], 0.01);
    expectClose(vals(p), [1 - 0.01 * (1 + 0.1), -2 - 0.01 * (-1 - 0.2)]);
    expectClose(vals(bias), [1 - 0.01]);
    // Step 2 against a scalar reference.
    const ref = (x: number, g1: number, g2: number) => {
      const m = 0.9 * 0.1 * g1 + 0.1 * g2;
      const v = 0.999 * 0.001 * g1 * g1 + 0.001 * g2 * g2;
      const mh = m / (1 - 0.9 ** 2), vh = v / (1 - 0.999 ** 2);
      return x - 0.01 * (mh / (Math.sqrt(vh) + 1e-8) + 0.1 * x);
    };
    stepWith(opt, [p, bias], [[0.2, 0.3], [0.3]], 0.01);
    expectClose(vals(p), [ref(0.989, 0.5, 0.2), ref(-1.988, -0.1, 0.3)]);
    tf.dispose([p, bias]);
    opt.dispose();
  });

  it('all optimizers validate inputs and leak nothing per step', () => {
    for (const kind of ['lars', 'sgd', 'adam'] as const) {
      const opt = createOptimizer({ kind, exclude: [false, true] });
      const ps = [tf.variable(tf.randomNormal([4, 3], 0, 1, 'float32', 1)), tf.variable(tf.zeros([3]))];
      stepWith(opt, ps, [new Array(12).fill(0.1), [0.1, 0.1, 0.1]], 0.1); // creates slots
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) stepWith(opt, ps, [new Array(12).fill(0.1), [0.1, 0.1, 0.1]], 0.1);
      expect(tf.memory().numTensors).toBe(before);
      expect(() => stepWith(opt, ps.slice(0, 1), [new Array(12).fill(0)], 0.1)).toThrow(/exclude flags cover 2/);
      const g = tf.zeros([2]);
      expect(() => opt.step(ps, [g, g], 0.1)).toThrow(/has shape \[4,3\] but its gradient \[2\]/);
      g.dispose();
      const slotCount = kind === 'adam' ? 4 : 2;
      opt.dispose();
      expect(tf.memory().numTensors).toBe(before - slotCount);
      tf.dispose(ps);
    }
  });
});
