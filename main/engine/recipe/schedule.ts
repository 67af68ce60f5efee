/**
 * Schedules (pure, no tfjs). Learning rate as in the official code (byol_experiment
 * `_lr_schedule`): linear warm-up from 0 to the base LR, then cosine decay to 0 at the
 * last step. EMA τ: cosine from τ_base to 1 (paper §3.1).
 */
import type { OptimizerKind } from './optim/optimizer';

export interface LrScheduleOptions {
  baseLr: number;
  totalSteps: number;
  warmupSteps: number;
}

/** LR for optimizer step `step` (0-based). Step 0 of a warm-up gets lr 0, as in the official code. */
export function lrAt(step: number, o: LrScheduleOptions): number {
  const total = Math.max(1, o.totalSteps);
  const warm = Math.min(Math.max(0, Math.floor(o.warmupSteps)), total);
  const s = Math.min(Math.max(step, 0), total);
  if (s < warm) return (o.baseLr * s) / warm;
  const decaySteps = total - warm;
  if (decaySteps <= 0) return o.baseLr;
  return 0.5 * o.baseLr * (1 + Math.cos((Math.PI * (s - warm)) / decaySteps));
}

/**
 * Warm-up length: `warmupEpochs` epochs (paper: 10) but at most `maxFraction` of the run.
 * A short run would otherwise spend most of its steps warming up (10 of 20 epochs); the
 * paper's 10 of 300–1000 epochs is 1–3%, so 10% keeps short runs close to its shape.
 */
export function warmupSteps(o: { warmupEpochs: number; stepsPerEpoch: number; totalSteps: number; maxFraction?: number }): number {
  const byEpochs = Math.round(o.warmupEpochs * o.stepsPerEpoch);
  const cap = Math.floor((o.maxFraction ?? 0.1) * o.totalSteps);
  return Math.max(0, Math.min(byEpochs, cap));
}

/**
 * Total steps for a time budget, from a step time: the steps done plus as many as the time
 * left allows, with 2% of it (and at least two steps' time) kept spare so the last step ends
 * inside the budget even when steps slow a little; at most `maxSteps` (the epochs asked for),
 * and always at least one step more than done.
 */
export function fitStepsToBudget(o: { done: number; msPerStep: number; msLeft: number; maxSteps: number }): number {
  const left = Math.max(0, o.msLeft);
  const more = o.msPerStep > 0 ? Math.floor((left - Math.max(0.02 * left, 2 * o.msPerStep)) / o.msPerStep) : 0;
  return Math.max(1, Math.min(o.maxSteps, o.done + Math.max(1, more)));
}

/**
 * Base LR for a batch size. LARS: 0.2·B/256 (paper). SGD: 0.05·B/256 (SimSiam's SGD recipe).
 * Adam: 3e-4, not batch-scaled (byol-pytorch's examples), since Adam's step size does not
 * grow with the gradient's noise reduction the way SGD's does.
 */
export function defaultBaseLr(kind: OptimizerKind, batchSize: number): number {
  switch (kind) {
    case 'lars':
      return (0.2 * batchSize) / 256;
    case 'sgd':
      return (0.05 * batchSize) / 256;
    case 'adam':
      return 3e-4;
  }
}

/** Default weight decay per optimizer (LARS: paper's 1.5e-6; SGD: 1e-4; Adam: none). */
export function defaultWeightDecay(kind: OptimizerKind): number {
  switch (kind) {
    case 'lars':
      return 1.5e-6;
    case 'sgd':
      return 1e-4;
    case 'adam':
      return 0;
  }
}

export const DEFAULT_TAU_BASE = 0.996;
export const SHORT_RUN_TAU_BASE = 0.99;
/**
 * Below this many optimizer steps τ_base = 0.99. The official configs (byol/configs/byol.py
 * _EMA_PRESETS) use 0.996 for 1000 ImageNet epochs (≈ 312k steps at batch 4096), 0.99 for
 * 100 and 300 epochs (≈ 31k–94k steps) and 0.97 for 40. The target's memory is about
 * 1/(1 − τ) steps, so a short run needs a shorter one for the target to keep up.
 */
export const SHORT_RUN_STEPS = 100_000;

/** τ_base for a run of `totalSteps` optimizer steps (see SHORT_RUN_STEPS). */
export function pickTauBase(totalSteps: number): number {
  return totalSteps < SHORT_RUN_STEPS ? SHORT_RUN_TAU_BASE : DEFAULT_TAU_BASE;
}

/** τ at step k of K (cosine from τ_base at k = 0 to 1 at k = K). */
export function tauAt(step: number, totalSteps: number, tauBase = DEFAULT_TAU_BASE): number {
  if (totalSteps <= 0) return tauBase;
  const k = Math.min(Math.max(step, 0), totalSteps);
  return 1 - ((1 - tauBase) * (Math.cos((Math.PI * k) / totalSteps) + 1)) / 2;
}
