/**
 * BYOL loss (paper eq. 2 and the symmetrised L_θ + L̃_θ): for each direction the
 * normalised MSE 2 − 2·cos(p, sg(z)), averaged over the batch; the two directions are
 * SUMMED, as in the paper and byol-pytorch, not averaged.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Row-wise L2 normalisation, x / max(‖x‖, eps) like torch.nn.functional.normalize, written
 * as x·rsqrt(max(Σx², eps²)) so a zero row has a finite gradient (tf.norm's sqrt would not).
 */
export function l2Normalize(x: tf.Tensor2D, eps = 1e-12): tf.Tensor2D {
  return tf.tidy(() => tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), 1, true), eps * eps))));
}

/**
 * Identity in the forward pass, zero gradient in the backward pass. tfjs has no
 * stop_gradient op, so it is a customGrad whose gradient is zeros.
 */
const stopGradientOp = tf.customGrad((...inputs) => ({
  value: tf.clone(inputs[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => [tf.zerosLike(dy)],
}));
export const stopGradient = <T extends tf.Tensor>(x: T): T => stopGradientOp(x) as T;

/** Per-example regression loss 2 − 2·cos(p, sg(z)), shape [B]. */
export function regressionLoss(p: tf.Tensor2D, z: tf.Tensor2D): tf.Tensor1D {
  if (p.shape[0] !== z.shape[0] || p.shape[1] !== z.shape[1]) {
    throw new Error(`regressionLoss: prediction ${p.shape} and target ${z.shape} differ in shape`);
  }
  return tf.tidy(() => {
    const cos = tf.sum(tf.mul(l2Normalize(p), l2Normalize(stopGradient(z))), 1);
    return tf.sub(2, tf.mul(2, cos)) as tf.Tensor1D;
  });
}

/**
 * Symmetric BYOL loss: mean_b(2 − 2cos(p1, sg(z2))) + mean_b(2 − 2cos(p2, sg(z1))).
 * p1/p2: online predictions of view 1/2; z1/z2: target projections of view 1/2.
 * Range [0, 8]; 0 when each prediction points along the other view's target.
 */
export function byolLoss(p1: tf.Tensor2D, p2: tf.Tensor2D, z1: tf.Tensor2D, z2: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.add(tf.mean(regressionLoss(p1, z2)), tf.mean(regressionLoss(p2, z1))) as tf.Scalar);
}
