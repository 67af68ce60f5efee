/**
 * Target-network EMA (paper §3.1): ξ ← τ·ξ + (1 − τ)·θ after every optimizer step, with
 * τ_k = 1 − (1 − τ_base)·(cos(πk/K) + 1)/2 rising from τ_base to 1 over K steps.
 *
 * BatchNorm running statistics of the target: the official code does NOT average them.
 * The target runs its own forward pass in training mode, which uses batch statistics and
 * updates the target's own moving mean/variance as model state. So pass only trainable
 * parameters (BN γ/β included) to emaUpdate. If a model's target forward does not update
 * its moving statistics, call copyVariables(targetStats, onlineStats) instead so the
 * target's inference-mode BN stays meaningful.
 */
import * as tf from '@tensorflow/tfjs';

// The τ schedule lives in schedule.ts (pure, no tfjs) so config code can use it without
// loading tfjs; re-exported here because it belongs to the EMA.
export { DEFAULT_TAU_BASE, SHORT_RUN_STEPS, SHORT_RUN_TAU_BASE, pickTauBase, tauAt } from './schedule';

function checkPairs(target: tf.Variable[], online: tf.Variable[], what: string): void {
  if (target.length !== online.length) {
    throw new Error(`${what}: ${target.length} target variables but ${online.length} online variables`);
  }
  for (let i = 0; i < target.length; i++) {
    const a = target[i].shape;
    const b = online[i].shape;
    if (a.length !== b.length || a.some((d, j) => d !== b[j])) {
      throw new Error(`${what}: variable ${i} (${target[i].name}) has shape [${a}] in the target but [${b}] in the online network`);
    }
  }
}

/** In place: target ← τ·target + (1 − τ)·online, for each pair. Leaves no tensors behind. */
export function emaUpdate(target: tf.Variable[], online: tf.Variable[], tau: number): void {
  if (!(tau >= 0 && tau <= 1)) throw new Error(`emaUpdate: tau must be in [0, 1], got ${tau}`);
  checkPairs(target, online, 'emaUpdate');
  tf.tidy(() => {
    for (let i = 0; i < target.length; i++) {
      // t + (1 − τ)(o − t): one fewer multiply than τt + (1 − τ)o and exact at τ = 1.
      target[i].assign(tf.add(target[i], tf.mul(tf.sub(online[i], target[i]), 1 - tau)));
    }
  });
}

/** In place: target ← online (initialisation, or BN statistics a model does not update). */
export function copyVariables(target: tf.Variable[], online: tf.Variable[]): void {
  checkPairs(target, online, 'copyVariables');
  tf.tidy(() => {
    for (let i = 0; i < target.length; i++) target[i].assign(online[i]);
  });
}
