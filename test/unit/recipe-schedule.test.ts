import { describe, expect, it } from 'vitest';
import { defaultBaseLr, defaultWeightDecay, fitStepsToBudget, lrAt, warmupSteps } from '../../main/engine/recipe/schedule';

describe('learning-rate schedule', () => {
  const o = { baseLr: 0.8, totalSteps: 1000, warmupSteps: 100 };

  it('warms up linearly from 0, peaks at the base LR, then decays by cosine to 0', () => {
    expect(lrAt(0, o)).toBe(0);
    expect(lrAt(50, o)).toBeCloseTo(0.4, 12);
    expect(lrAt(100, o)).toBeCloseTo(0.8, 12);
    expect(lrAt(550, o)).toBeCloseTo(0.4, 12); // half-way through the decay
    expect(lrAt(1000, o)).toBeCloseTo(0, 12);
    expect(lrAt(5000, o)).toBeCloseTo(0, 12);
    const lrs = Array.from({ length: 1001 }, (_, k) => lrAt(k, o));
    expect(Math.max(...lrs)).toBeCloseTo(0.8, 12);
    for (let k = 1; k <= 100; k++) expect(lrs[k]).toBeGreaterThan(lrs[k - 1]);
    for (let k = 101; k <= 1000; k++) expect(lrs[k]).toBeLessThanOrEqual(lrs[k - 1]);
  });

  it('without warm-up starts at the base LR', () => {
    expect(lrAt(0, { ...o, warmupSteps: 0 })).toBeCloseTo(0.8, 12);
  });

  it('fits a time budget: steps done plus what the time left allows, 2% spare, within the epochs asked for', () => {
    // 20 min at 1300 ms/step: 923 steps, of which 904 fit with 2% spare.
    expect(fitStepsToBudget({ done: 0, msPerStep: 1300, msLeft: 1_200_000, maxSteps: 100_000 })).toBe(904);
    // 100 steps in, 10 min left at 1000 ms/step.
    expect(fitStepsToBudget({ done: 100, msPerStep: 1000, msLeft: 600_000, maxSteps: 100_000 })).toBe(100 + 588);
    // Near the end, two steps' time is kept spare rather than 2%: 1 min left at 2.5 s/step.
    expect(fitStepsToBudget({ done: 900, msPerStep: 2500, msLeft: 60_000, maxSteps: 100_000 })).toBe(900 + 22);
    // The epochs asked for cap it; a budget already spent still allows the step in hand.
    expect(fitStepsToBudget({ done: 100, msPerStep: 10, msLeft: 600_000, maxSteps: 500 })).toBe(500);
    expect(fitStepsToBudget({ done: 100, msPerStep: 1000, msLeft: -5, maxSteps: 500 })).toBe(101);
    expect(fitStepsToBudget({ done: 0, msPerStep: 0, msLeft: 1000, maxSteps: 500 })).toBe(1);
  });

  it('clips warm-up to a fraction of short runs', () => {
    expect(warmupSteps({ warmupEpochs: 10, stepsPerEpoch: 390, totalSteps: 390 * 1000 })).toBe(3900);
    expect(warmupSteps({ warmupEpochs: 10, stepsPerEpoch: 39, totalSteps: 39 * 20 })).toBe(78);
    expect(warmupSteps({ warmupEpochs: 10, stepsPerEpoch: 39, totalSteps: 780, maxFraction: 0.5 })).toBe(390);
  });

  it('scales the base LR with the batch for LARS and SGD only', () => {
    expect(defaultBaseLr('lars', 256)).toBeCloseTo(0.2, 12);
    expect(defaultBaseLr('lars', 4096)).toBeCloseTo(3.2, 12);
    expect(defaultBaseLr('sgd', 512)).toBeCloseTo(0.1, 12);
    expect(defaultBaseLr('adam', 64)).toBe(defaultBaseLr('adam', 1024));
    expect(defaultWeightDecay('lars')).toBe(1.5e-6);
  });
});
