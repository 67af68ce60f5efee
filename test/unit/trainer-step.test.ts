import { readdir } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultAugmentConfig } from '../../main/engine/recipe/augment-config';
import { decodeSquare } from '../../main/engine/recipe/data-cache';
import { createOptimizer } from '../../main/engine/recipe/optim';
import { Rng } from '../../main/engine/recipe/rng';
import { selectBackend } from '../../main/engine/trainer/backend';
import { ByolModel } from '../../main/engine/trainer/byol-model';
import { byolStep } from '../../main/engine/trainer/train-step';
import { CIFAR_DIR, hasCifar } from '../helpers/paths';

if (!hasCifar) console.log('[skip] trainer step: the shared CIFAR folder is missing beside the repository.');

const SIZE = 16;
const CACHE = 20;
const heads = { projector: { hidden: 64, out: 32 }, predictor: { hidden: 64, out: 32 } };

/** `n` real CIFAR images decoded like the pixel cache does, [n, 20, 20, 3] uint8. */
async function realBatch(n: number): Promise<Uint8Array> {
  const classes = (await readdir(CIFAR_DIR)).sort();
  const files: string[] = [];
  for (let i = 0; files.length < n; i++) {
    const c = classes[i % classes.length];
    files.push(path.join(CIFAR_DIR, c, (await readdir(path.join(CIFAR_DIR, c))).sort()[Math.floor(i / classes.length)]));
  }
  const out = new Uint8Array(n * CACHE * CACHE * 3);
  for (let i = 0; i < n; i++) out.set(await decodeSquare(files[i], CACHE), i * CACHE * CACHE * 3);
  return out;
}

const snapshot = (vars: tf.Variable[]) => vars.map((v) => Float32Array.from(v.dataSync() as Float32Array));

describe.skipIf(!hasCifar)('byolStep on trainable wasm', () => {
  let pixels: { data: Uint8Array; batch: number; height: number; width: number };
  beforeAll(async () => {
    await selectBackend('wasm');
    pixels = { data: await realBatch(16), batch: 16, height: CACHE, width: CACHE };
  });

  it('lowers the loss on a fixed batch with fixed views, and the loss stays finite', () => {
    const model = new ByolModel({ preset: 'small', imageSize: SIZE, seed: 1, ...heads });
    const opt = createOptimizer({ kind: 'adam', exclude: model.onlineExclude });
    const aug = defaultAugmentConfig();
    const views = new Rng(5, 'views').getState();
    const losses: number[] = [];
    try {
      for (let i = 0; i < 6; i++) {
        // Same augmentation draws every step: only the weights change between steps.
        const r = byolStep(model, opt, { pixels, augment: aug, imageSize: SIZE, lr: 1e-3, tau: 0.99, augRng: Rng.fromState(views) });
        losses.push(r.loss);
      }
    } finally {
      model.dispose();
      opt.dispose();
    }
    for (const l of losses) {
      expect(Number.isFinite(l)).toBe(true);
      expect(l).toBeGreaterThanOrEqual(0);
      expect(l).toBeLessThanOrEqual(8);
    }
    expect(losses[5]).toBeLessThan(losses[0] - 0.05);
  });

  it('leaks no tensors across 100 steps (LARS, collapse monitor on)', () => {
    const model = new ByolModel({ preset: 'small', imageSize: SIZE, seed: 2, ...heads });
    const opt = createOptimizer({ kind: 'lars', exclude: model.onlineExclude });
    const aug = defaultAugmentConfig();
    const rng = new Rng(3);
    const small = { ...pixels, batch: 8, data: pixels.data.subarray(0, 8 * CACHE * CACHE * 3) };
    const counts: number[] = [];
    try {
      for (let i = 0; i < 100; i++) {
        const r = byolStep(model, opt, { pixels: small, augment: aug, imageSize: SIZE, lr: 0.05, tau: 0.99, augRng: rng, monitorRng: i % 2 ? rng : undefined });
        expect(Number.isFinite(r.loss)).toBe(true);
        if (i % 2) expect(r.collapse?.dims).toBe(32);
        counts.push(tf.memory().numTensors);
      }
    } finally {
      model.dispose();
      opt.dispose();
    }
    // Step 1 creates the optimizer's slots; from then on the count must not move.
    expect(new Set(counts.slice(1)).size).toBe(1);
  });

  it('a dry run (timing probe) changes no weights, BatchNorm statistics or optimizer state', () => {
    const model = new ByolModel({ preset: 'small', imageSize: SIZE, seed: 3, ...heads });
    const opt = createOptimizer({ kind: 'sgd', exclude: model.onlineExclude });
    const all = Object.values(model.networks).flatMap((n) => n.params.map((p) => p.variable));
    try {
      const before = snapshot(all);
      byolStep(model, opt, { pixels, augment: defaultAugmentConfig(), imageSize: SIZE, lr: 0.1, tau: 0.5, augRng: new Rng(1), dryRun: true });
      expect(snapshot(all)).toEqual(before);
      expect(opt.getState().step).toBe(0);
      byolStep(model, opt, { pixels, augment: defaultAugmentConfig(), imageSize: SIZE, lr: 0.1, tau: 0.5, augRng: new Rng(1) });
      expect(snapshot(all)).not.toEqual(before);
    } finally {
      model.dispose();
      opt.dispose();
    }
  });

  it('the target starts as the online network and then follows it by EMA only', () => {
    const model = new ByolModel({ preset: 'small', imageSize: SIZE, seed: 4, ...heads });
    const opt = createOptimizer({ kind: 'sgd', exclude: model.onlineExclude });
    try {
      const { target, online } = model.emaPairs;
      expect(snapshot(target)).toEqual(snapshot(online));
      const t0 = snapshot(target);
      byolStep(model, opt, { pixels, augment: defaultAugmentConfig(), imageSize: SIZE, lr: 0.1, tau: 0.9, augRng: new Rng(2) });
      const o1 = snapshot(online);
      const t1 = snapshot(target);
      // ξ ← τξ + (1 − τ)θ with θ the updated online weights.
      for (let i = 0; i < t1.length; i += 7) {
        for (let j = 0; j < t1[i].length; j += 13) expect(t1[i][j]).toBeCloseTo(0.9 * t0[i][j] + 0.1 * o1[i][j], 5);
      }
    } finally {
      model.dispose();
      opt.dispose();
    }
  });
});
