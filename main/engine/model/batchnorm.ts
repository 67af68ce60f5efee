/**
 * Training-mode BatchNorm (optionally fused with the ReLU after it) as one custom-gradient
 * op, in closed form:
 *   x̂ = (x − μ)·σ⁻¹,  y = γx̂ + β
 *   dβ = Σg,  dγ = Σg·x̂,  dx = γσ⁻¹ · (g − (dβ + x̂·dγ)/N),   g = dy·[y > 0] with ReLU
 * Letting tfjs differentiate through tf.moments costs about twice the passes and keeps
 * more activations alive. Only x (and y, for the ReLU mask) are saved for the backward,
 * and the incoming gradient is freed once used (see train-ops.ts).
 * Per-channel sums of 4-D tensors go through a whole-image average pool: reductions over
 * leading axes make the wasm backend transpose the tensor first, which costs 20× more.
 * Per-channel affine maps of 4-D tensors (y = a·x + b, optionally ReLU'd) run as one fused
 * 1×1 depthwise convolution: one XNNPACK pass on the backend's threads instead of three
 * passes (Mul, Add, Relu); on wasm it takes about half their time.
 */
import * as tf from '@tensorflow/tfjs';
import { consume } from './train-ops';

/** Σ over every axis but the last: [..., C] → [C]. */
export function channelSum(x: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const c = x.shape[x.shape.length - 1];
    if (x.rank === 4 && x.shape[1]! * x.shape[2]! > 1) {
      const [, h, w] = x.shape as number[];
      const pooled = tf.avgPool(x as tf.Tensor4D, [h, w], [h, w], 'valid');
      return tf.mul(tf.sum(tf.reshape(pooled, [-1, c]), 0), h * w) as tf.Tensor1D;
    }
    return tf.sum(tf.reshape(x, [-1, c]), 0) as tf.Tensor1D;
  });
}

/** [relu](x·a + b) with per-channel a, b over the last axis of x. */
export function channelAffine(x: tf.Tensor, a: tf.Tensor1D, b: tf.Tensor1D, relu: boolean): tf.Tensor {
  return tf.tidy(() => {
    if (x.rank === 4) {
      const filter = tf.reshape(a, [1, 1, a.size, 1]) as tf.Tensor4D;
      return tf.fused.depthwiseConv2d({ x: x as tf.Tensor4D, filter, strides: 1, pad: 'valid', bias: b, activation: relu ? 'relu' : 'linear' });
    }
    const lin = tf.add(tf.mul(x, a), b);
    return relu ? tf.relu(lin) : lin;
  });
}

export interface BnTrainOutput {
  y: tf.Tensor;
  /** Per-channel batch mean, not tracked by any tidy scope: the caller disposes it. */
  mean: tf.Tensor1D;
  /** Per-channel biased batch variance, likewise. */
  variance: tf.Tensor1D;
}

/**
 * y = [relu](γ·(x − μ_B)/√(σ²_B + ε) + β) over the last axis of x, with batch statistics.
 */
export function batchNormTrain(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number, relu: boolean): BnTrainOutput {
  const n = x.size / x.shape[x.shape.length - 1];
  let stats: { mean: tf.Tensor1D; invStd: tf.Tensor1D } | undefined;
  const op = tf.customGrad((xIn, gIn, bIn, save) => {
    const xs = xIn as tf.Tensor;
    const g = gIn as tf.Tensor1D;
    const mean = tf.div(channelSum(xs), n) as tf.Tensor1D;
    const variance = tf.div(channelSum(tf.square(tf.sub(xs, mean))), n);
    const invStd = tf.rsqrt(tf.add(variance, eps)) as tf.Tensor1D;
    const scale = tf.mul(g, invStd) as tf.Tensor1D;
    const y = channelAffine(xs, scale, tf.sub(bIn as tf.Tensor1D, tf.mul(mean, scale)) as tf.Tensor1D, relu);
    stats = { mean: tf.keep(mean), invStd: tf.keep(invStd) };
    (save as tf.GradSaveFunc)(relu ? [xs, mean, invStd, g, y] : [xs, mean, invStd, g]);
    return {
      value: y,
      // tfjs runs a customGrad's gradFunc outside any per-node scope: consume() gives it
      // one, so temporaries do not live until the whole backward pass ends.
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => consume(dy, () => {
        const [sx, sMean, sInv, sGamma, sy] = saved as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor | undefined];
        const grad = sy ? tf.mul(dy as tf.Tensor, tf.step(sy)) : (dy as tf.Tensor);
        const dBeta = channelSum(grad);
        // dγ = Σg·x̂ = σ⁻¹·(Σg·x − μ·Σg): x̂ itself is never materialised.
        const dGamma = tf.mul(sInv, tf.sub(channelSum(tf.mul(grad, sx)), tf.mul(sMean, dBeta))) as tf.Tensor1D;
        const k = tf.mul(sGamma, sInv);
        // dx = k·g − (k/N)·(dβ + x̂·dγ) = k·g + a·x + c, the affine part in one fused pass.
        const kn = tf.neg(tf.div(k, n));
        const a = tf.mul(kn, tf.mul(dGamma, sInv)) as tf.Tensor1D;
        const c = tf.sub(tf.mul(kn, dBeta), tf.mul(a, sMean)) as tf.Tensor1D;
        const dx = tf.add(tf.mul(grad, k), channelAffine(sx, a, c, false));
        return [dx, dGamma, dBeta];
      }),
    };
  });
  const y = op(x, gamma, beta) as tf.Tensor;
  const { mean, invStd } = stats!;
  // σ² = σ⁻² − ε, recovered from what the forward pass already computed.
  const variance = tf.tidy(() => tf.sub(tf.reciprocal(tf.square(invStd)), eps)) as tf.Tensor1D;
  tf.keep(variance);
  invStd.dispose();
  return { y, mean, variance };
}
