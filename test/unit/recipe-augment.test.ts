import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { AugmentConfigSchema, defaultAugmentConfig } from '../../main/engine/recipe/augment-config';
import { augmentPair, type PixelBatch } from '../../main/engine/recipe/augment';
import { sampleCrop, sampleViewParams } from '../../main/engine/recipe/augment-params';
import { Rng } from '../../main/engine/recipe/rng';

function randomPixels(seed: number, batch: number, h: number, w: number): PixelBatch {
  const r = new Rng(seed);
  const data = new Uint8Array(batch * h * w * 3);
  for (let i = 0; i < data.length; i++) data[i] = r.int(0, 255);
  return { data, batch, height: h, width: w };
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('augmentation parameters', () => {
  const cfg = defaultAugmentConfig();

  it('random resized crops stay inside the image with area and aspect in range', () => {
    const r = new Rng(0);
    for (let i = 0; i < 500; i++) {
      const c = sampleCrop(r, 40, 40, cfg.view1);
      expect(c.top).toBeGreaterThanOrEqual(0);
      expect(c.left).toBeGreaterThanOrEqual(0);
      expect(c.top + c.height).toBeLessThanOrEqual(40);
      expect(c.left + c.width).toBeLessThanOrEqual(40);
      expect(c.width * c.height).toBeGreaterThanOrEqual(0.08 * 1600 * 0.8); // rounding slack
      expect(c.width / c.height).toBeGreaterThan(0.6);
      expect(c.width / c.height).toBeLessThan(1.6);
    }
  });

  it('falls back to a centre crop clamped to the aspect range when no try fits', () => {
    const wide = AugmentConfigSchema.parse({ view1: { cropScaleMin: 1, cropScaleMax: 1, cropRatioMin: 2, cropRatioMax: 3 } }).view1;
    expect(sampleCrop(new Rng(1), 40, 40, wide)).toEqual({ top: 10, left: 0, height: 20, width: 40 });
  });

  it('draws flip / jitter / grayscale / solarize / blur at the configured rates', () => {
    const n = 4000;
    const p1 = sampleViewParams(new Rng(3), n, 40, 40, cfg.view1, { blur: true, brightnessMode: 'additive' });
    const p2 = sampleViewParams(new Rng(4), n, 40, 40, cfg.view2, { blur: true, brightnessMode: 'additive' });
    const rate = (a: ArrayLike<number>) => Array.from(a).filter((v) => v > 0).length / n;
    expect(rate(p1.flip)).toBeCloseTo(0.5, 1);
    expect(rate(p1.jitter)).toBeCloseTo(0.8, 1);
    expect(rate(p1.gray)).toBeCloseTo(0.2, 1);
    expect(rate(p1.blurSigma)).toBe(1);
    expect(rate(p1.solarize)).toBe(0);
    expect(rate(p2.blurSigma)).toBeCloseTo(0.1, 1);
    expect(rate(p2.solarize)).toBeCloseTo(0.2, 1);
    for (let b = 0; b < n; b++) {
      expect(Array.from(p1.order.subarray(4 * b, 4 * b + 4)).sort()).toEqual([0, 1, 2, 3]);
      if (p1.blurSigma[b] > 0) expect(p1.blurSigma[b]).toBeGreaterThanOrEqual(0.1);
      expect(p1.blurSigma[b]).toBeLessThanOrEqual(2);
      expect(Math.abs(p1.hue[b])).toBeLessThanOrEqual(0.1);
    }
    // Blur off (e.g. 32 px) leaves every sigma at 0.
    const off = sampleViewParams(new Rng(3), 50, 40, 40, cfg.view1, { blur: false, brightnessMode: 'additive' });
    expect(rate(off.blurSigma)).toBe(0);
  });
});

describe('augmentPair', () => {
  const cfg = defaultAugmentConfig();

  it('returns two normalised float32 views of the right shape and range', () => {
    const px = randomPixels(1, 6, 20, 20);
    const { view1, view2 } = augmentPair(px, new Rng(0), cfg, 16);
    try {
      for (const v of [view1, view2]) {
        expect(v.shape).toEqual([6, 16, 16, 3]);
        expect(v.dtype).toBe('float32');
        const d = v.dataSync();
        const lo = Math.min(...cfg.mean.map((m, c) => -m / cfg.std[c]));
        const hi = Math.max(...cfg.mean.map((m, c) => (1 - m) / cfg.std[c]));
        for (const x of d) {
          expect(x).toBeGreaterThanOrEqual(lo - 1e-5);
          expect(x).toBeLessThanOrEqual(hi + 1e-5);
        }
      }
      expect(maxAbsDiff(view1.dataSync(), view2.dataSync())).toBeGreaterThan(0.1);
    } finally {
      view1.dispose();
      view2.dispose();
    }
  });

  it('is deterministic for a seed and changes with the seed', () => {
    const px = randomPixels(2, 4, 20, 20);
    const run = (seed: number) => {
      const { view1, view2 } = augmentPair(px, new Rng(seed), AugmentConfigSchema.parse({ blur: 'on' }), 16);
      const out = [view1.dataSync().slice(), view2.dataSync().slice()];
      view1.dispose();
      view2.dispose();
      return out;
    };
    const a = run(11), b = run(11), c = run(12);
    expect(maxAbsDiff(a[0], b[0])).toBe(0);
    expect(maxAbsDiff(a[1], b[1])).toBe(0);
    expect(maxAbsDiff(a[0], c[0])).toBeGreaterThan(0.1);
  });

  it('leaks no tensors', () => {
    const px = randomPixels(3, 4, 20, 20);
    const on = AugmentConfigSchema.parse({ blur: 'on' });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const { view1, view2 } = augmentPair(px, new Rng(i), on, 16);
      view1.dispose();
      view2.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the same views on the wasm backend as on cpu', async () => {
    const px = randomPixels(4, 4, 20, 20);
    const on = AugmentConfigSchema.parse({ blur: 'on' });
    const run = () => {
      const { view1, view2 } = augmentPair(px, new Rng(5), on, 16);
      const out = [view1.dataSync().slice(), view2.dataSync().slice()];
      tf.dispose([view1, view2]);
      return out;
    };
    const cpu = run();
    await tf.setBackend('wasm');
    try {
      const wasm = run();
      expect(maxAbsDiff(cpu[0], wasm[0])).toBeLessThan(1e-3);
      expect(maxAbsDiff(cpu[1], wasm[1])).toBeLessThan(1e-3);
    } finally {
      await tf.setBackend('cpu');
    }
  });
});
