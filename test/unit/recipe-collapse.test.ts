import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { collapseStats, detectCollapse } from '../../main/engine/recipe/collapse';
import { Rng } from '../../main/engine/recipe/rng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function gaussianBatch(n: number, d: number, seed: number): tf.Tensor2D {
  const r = new Rng(seed);
  return tf.tensor2d(Float32Array.from({ length: n * d }, () => r.normal()), [n, d]);
}

describe('collapse monitor', () => {
  it('reports a healthy random batch as not collapsed', () => {
    const z = gaussianBatch(256, 64, 1);
    const s = collapseStats(z, new Rng(0));
    expect(s.healthyStd).toBeCloseTo(1 / 8, 12);
    expect(s.stdRatio).toBeGreaterThan(0.9);
    expect(s.stdRatio).toBeLessThan(1.05);
    expect(Math.abs(s.meanPairCosine)).toBeLessThan(0.05);
    expect(detectCollapse(s)).toBeNull();
    z.dispose();
  });

  it('flags a constant (collapsed) batch with a clear message', () => {
    const row = Array.from({ length: 64 }, (_, i) => Math.sin(i) + 0.1);
    const z = tf.tensor2d(Array.from({ length: 128 }, () => row));
    const s = collapseStats(z, new Rng(0));
    expect(s.meanDimStd).toBeLessThan(1e-3);
    expect(s.meanPairCosine).toBeCloseTo(1, 4);
    const msg = detectCollapse(s);
    expect(msg).toMatch(/Representation collapse/);
    expect(msg).toMatch(/1\/√64/);
    expect(msg).toMatch(/lower learning rate/);
    z.dispose();
  });

  it('flags a batch that points one way with small noise, and NaN as divergence', () => {
    const noise = gaussianBatch(128, 32, 2);
    const z = tf.tidy(() => tf.add(tf.mul(noise, 0.01), tf.ones([128, 32]))) as tf.Tensor2D;
    expect(detectCollapse(collapseStats(z, new Rng(1)))).toMatch(/random pairs of images have mean cosine similarity (0\.99|1\.00)/);
    const bad = tf.tensor2d([[NaN, 1], [1, 2], [3, 4]]);
    expect(detectCollapse(collapseStats(bad, new Rng(1)))).toMatch(/diverged/);
    tf.dispose([noise, z, bad]);
  });

  it('is seeded and leaks no tensors', () => {
    const z = gaussianBatch(64, 16, 3);
    const before = tf.memory().numTensors;
    const a = collapseStats(z, new Rng(5), 32);
    const b = collapseStats(z, new Rng(5), 32);
    const c = collapseStats(z, new Rng(6), 32);
    expect(tf.memory().numTensors).toBe(before);
    expect(a.meanPairCosine).toBe(b.meanPairCosine);
    expect(a.meanPairCosine).not.toBe(c.meanPairCosine);
    expect(() => collapseStats(tf.zeros([1, 4]) as tf.Tensor2D, new Rng(0))).toThrow(/at least 2/);
    z.dispose();
  });
});
