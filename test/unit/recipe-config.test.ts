import { describe, expect, it } from 'vitest';
import { parseTrainConfig, presetConfig, resolveTrainConfig, TRAIN_PRESETS } from '../../main/engine/recipe/config';

describe('TrainConfig', () => {
  it('fills the paper defaults', () => {
    const c = parseTrainConfig({});
    expect(c.imageSize).toBe(32);
    expect(c.optimizer).toBe('lars');
    expect(c.warmupEpochs).toBe(10);
    expect(c.backend).toBe('auto');
    expect(c.augment.view1).toMatchObject({ blurProb: 1, solarizeProb: 0, colorJitterProb: 0.8, brightness: 0.4, contrast: 0.4, saturation: 0.2, hue: 0.1, grayscaleProb: 0.2, flipProb: 0.5, cropScaleMin: 0.08 });
    expect(c.augment.view2).toMatchObject({ blurProb: 0.1, solarizeProb: 0.2 });
    // A partial view override keeps that view's own defaults.
    expect(parseTrainConfig({ augment: { view2: { hue: 0.05 } } }).augment.view2).toMatchObject({ hue: 0.05, blurProb: 0.1, solarizeProb: 0.2 });
  });

  it('rejects bad settings with a message naming each field', () => {
    expect(() => parseTrainConfig({ batchSize: 1, optimizer: 'rmsprop' })).toThrow(/batchSize[\s\S]*optimizer/);
    expect(() => parseTrainConfig({ augment: { view1: { cropScaleMin: 0.9, cropScaleMax: 0.5 } } })).toThrow(/cropScaleMin must be ≤ cropScaleMax/);
  });

  it('resolves LR, weight decay, tau, warm-up, heads and blur from the run', () => {
    const r = resolveTrainConfig(parseTrainConfig({ batchSize: 128, epochs: 20 }), { datasetSize: 5000 });
    expect(r.stepsPerEpoch).toBe(39);
    expect(r.totalSteps).toBe(780);
    expect(r.lr).toBeCloseTo(0.1, 12);
    expect(r.weightDecay).toBe(1.5e-6);
    expect(r.tauBase).toBe(0.99);
    expect(r.warmupSteps).toBe(78); // 10 epochs would be 390: clipped to 10% of the run
    expect(r.projector).toEqual({ hidden: 1024, out: 256 });
    expect(r.cacheSize).toBe(40);
    expect(r.blur).toBe(false);
    expect(r.notes.join(' ')).toMatch(/Warm-up shortened/);

    const big = resolveTrainConfig(parseTrainConfig({ imageSize: 96, optimizer: 'adam', lr: 1e-3, tauBase: 0.996 }), { datasetSize: 100 });
    expect(big.effectiveBatchSize).toBe(100);
    expect(big.notes.join(' ')).toMatch(/Batch size reduced from 128 to 100/);
    expect(big.projector).toEqual({ hidden: 4096, out: 256 });
    expect(big.predictor).toEqual({ hidden: 4096, out: 256 });
    expect(big.lr).toBe(1e-3);
    expect(big.tauBase).toBe(0.996);
    expect(big.blur).toBe(true);
    expect(big.cacheSize).toBe(120);
    expect(() => resolveTrainConfig(parseTrainConfig({}), { datasetSize: 0 })).toThrow(/empty dataset/);
  });

  it('offers valid named presets', () => {
    expect(TRAIN_PRESETS.map((p) => p.id)).toEqual(['quick-cpu', 'gpu-resnet18']);
    const q = presetConfig('quick-cpu');
    expect(q).toMatchObject({ preset: 'small', imageSize: 32, optimizer: 'adam', minutes: 10 });
    const g = presetConfig('gpu-resnet18');
    expect(g).toMatchObject({ preset: 'resnet18', optimizer: 'lars', backend: 'tensorflow-gpu' });
    expect(resolveTrainConfig(g, { datasetSize: 50000 }).blur).toBe(true);
  });

  it('keeps the paper colour jitter by default, and the light one (both views) when asked, as the Quick CPU preset does', () => {
    const paper = resolveTrainConfig(parseTrainConfig({}), { datasetSize: 1000 }).augment;
    expect(paper.view1).toMatchObject({ brightness: 0.4, contrast: 0.4, saturation: 0.2, hue: 0.1, grayscaleProb: 0.2 });
    const light = resolveTrainConfig(presetConfig('quick-cpu'), { datasetSize: 1000 }).augment;
    for (const v of [light.view1, light.view2]) expect(v).toMatchObject({ brightness: 0.2, contrast: 0.2, saturation: 0.1, hue: 0.05, grayscaleProb: 0.05 });
    // Everything else stays the paper's: blur and solarize still differ between the views.
    expect(light.view2.solarizeProb).toBe(paper.view2.solarizeProb);
    expect(light.view1.blurProb).toBe(paper.view1.blurProb);
    expect(() => parseTrainConfig({ colorJitter: 'neon' })).toThrow(/colorJitter/);
  });
});
