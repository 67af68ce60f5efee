/**
 * One BYOL optimisation step (byol-pytorch's layout, paper's maths):
 *  1. two augmented views of the batch, as tensor ops;
 *  2. the target encoder+projector on both views, in training mode (batch statistics),
 *     outside the gradient tape;
 *  3. both views through the online encoder → projector → predictor in ONE batch;
 *  4. loss = L(p1, sg(z2′)) + L(p2, sg(z1′)), summed;
 *  5. optimizer step at the scheduled LR, then the explicit EMA update at the scheduled τ.
 * Every tensor made here is freed before it returns (tidy + explicit disposes).
 */
import * as tf from '@tensorflow/tfjs';
import { augmentPair, type PixelBatch } from '../recipe/augment';
import type { AugmentConfig } from '../recipe/augment-config';
import { collapseStats, type CollapseStats } from '../recipe/collapse';
import { emaUpdate } from '../recipe/ema';
import { byolLoss } from '../recipe/loss';
import type { Optimizer } from '../recipe/optim';
import type { Rng } from '../recipe/rng';
import type { ByolModel } from './byol-model';

export interface StepInput {
  pixels: PixelBatch;
  augment: AugmentConfig;
  imageSize: number;
  lr: number;
  tau: number;
  /** Augmentation randomness; advanced synchronously, so its state is checkpointable. */
  augRng: Rng;
  /** When given, collapse statistics of the online projections are computed with it. */
  monitorRng?: Rng;
  /** Forward + backward only: no optimizer step, no EMA, BatchNorm statistics untouched (timing probes). */
  dryRun?: boolean;
}

export interface StepResult {
  loss: number;
  collapse: CollapseStats | null;
}

/** Online forward on the concatenated views; returns [p1, p2] and the online projections. */
function onlineForward(model: ByolModel, x: tf.Tensor4D, updateStats: boolean): { p: tf.Tensor2D; z: tf.Tensor2D } {
  const mode = { training: true, updateStats };
  const h = model.encoder.apply(x, mode);
  const z = model.projector.apply(h, mode) as tf.Tensor2D;
  const p = model.predictor.apply(z, mode) as tf.Tensor2D;
  return { p, z };
}

export function byolStep(model: ByolModel, optimizer: Optimizer, s: StepInput): StepResult {
  const b = s.pixels.batch;
  const mode = { training: true, updateStats: !s.dryRun };
  // Everything this step allocates outside tidy scopes, freed in `finally` whatever happens.
  const owned: tf.Tensor[] = [];
  // A holder, not a plain let: TS cannot see an assignment made inside the tape callback.
  const monitored: { z: tf.Tensor2D | null } = { z: null };
  try {
    const { view1, view2 } = augmentPair(s.pixels, s.augRng, s.augment, s.imageSize);
    owned.push(view1, view2);
    const x = tf.concat([view1, view2], 0) as tf.Tensor4D;
    owned.push(x);
    // Target projections of both views, outside the gradient tape (no gradient flows
    // there; the stop-gradient in the loss says so as well).
    const zt = tf.tidy(() => model.targetProjector.apply(model.targetEncoder.apply(x, mode), mode) as tf.Tensor2D);
    owned.push(zt);
    const params = model.onlineTrainable;
    const { value, grads } = tf.variableGrads(() => {
      const { p, z } = onlineForward(model, x, mode.updateStats);
      if (s.monitorRng) monitored.z = tf.keep(z.slice([0, 0], [b, -1]) as tf.Tensor2D);
      const p1 = p.slice([0, 0], [b, -1]) as tf.Tensor2D;
      const p2 = p.slice([b, 0], [b, -1]) as tf.Tensor2D;
      const z1 = zt.slice([0, 0], [b, -1]) as tf.Tensor2D;
      const z2 = zt.slice([b, 0], [b, -1]) as tf.Tensor2D;
      return byolLoss(p1, p2, z1, z2);
    }, params);
    owned.push(value, ...Object.values(grads));
    if (!s.dryRun) {
      optimizer.step(params, params.map((v) => grads[v.name]), s.lr);
      // The explicit EMA update, after the optimizer step (byol-pytorch's update_moving_average).
      const { target, online } = model.emaPairs;
      emaUpdate(target, online, s.tau);
    }
    const loss = value.dataSync()[0];
    const collapse = monitored.z && s.monitorRng ? collapseStats(monitored.z, s.monitorRng) : null;
    return { loss, collapse };
  } finally {
    tf.dispose(owned);
    monitored.z?.dispose();
  }
}
