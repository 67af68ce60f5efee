/**
 * Encoder ops with hand-written gradients, for memory. tfjs keeps every intermediate
 * gradient alive until a whole tf.grads() call ends; for ResNet-18 at batch 256 that
 * doubles the activation memory and no longer fits the 4 GB wasm heap. Each op here
 * frees its incoming gradient as soon as it has used it (safe: a tensor's gradient is
 * consumed only by the op that produced the tensor) and saves only what its backward
 * needs. Used in training mode; inference uses the plain tf ops.
 */
import * as tf from '@tensorflow/tfjs';

/** Runs a gradient body in its own scope, then frees the incoming gradient. */
export function consume<T extends tf.TensorContainer>(dy: tf.Tensor | tf.Tensor[], body: () => T): T {
  const out = tf.tidy(body);
  (Array.isArray(dy) ? dy : [dy]).forEach((t) => t.dispose());
  return out;
}

type Pad = 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];

/**
 * conv2d(x, w) (NHWC, no bias). With `inputGrad` false the gradient of x is returned as
 * zeros without computing it (the first conv's input is the image batch).
 */
export function conv2dTrain(x: tf.Tensor4D, w: tf.Tensor4D, stride: number, pad: Pad, inputGrad: boolean): tf.Tensor4D {
  const op = tf.customGrad((xIn, wIn, save) => {
    (save as tf.GradSaveFunc)([xIn as tf.Tensor, wIn as tf.Tensor]);
    return {
      value: tf.conv2d(xIn as tf.Tensor4D, wIn as tf.Tensor4D, stride, pad),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], [sx, sw]: tf.Tensor[]) => consume(dy, () => {
        const g = dy as tf.Tensor4D;
        const dw = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: sx, dy: g }, {
          strides: [stride, stride], pad, dataFormat: 'NHWC', dimRoundingMode: 'floor', filterShape: sw.shape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor;
        const dx = inputGrad ? tf.conv2dTranspose(g, sw as tf.Tensor4D, sx.shape as [number, number, number, number], stride, pad) : tf.zerosLike(sx);
        return [dx, dw];
      }),
    };
  });
  return op(x, w) as tf.Tensor4D;
}

/** relu(a + b) saving only its output (tf.relu would also keep the sum alive). */
export const addRelu = tf.customGrad((a, b, save) => {
  const y = tf.relu(tf.add(a as tf.Tensor, b as tf.Tensor));
  (save as tf.GradSaveFunc)([y]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor | tf.Tensor[], [sy]: tf.Tensor[]) => consume(dy, () => {
      const g = tf.mul(dy as tf.Tensor, tf.step(sy));
      // Two handles: tfjs may dispose one input's gradient while accumulating another.
      return [g, tf.clone(g)];
    }),
  };
}) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** Global average pool [B,H,W,C] → [B,C]; its backward needs no saved tensor. */
export const globalAvgPoolTrain = tf.customGrad((x) => {
  const [b, h, w, c] = (x as tf.Tensor4D).shape;
  return {
    value: tf.mean(x as tf.Tensor, [1, 2]),
    // A broadcasting multiply: wasm's Tile (behind tf.broadcastTo) is a slow generic loop.
    gradFunc: (dy: tf.Tensor | tf.Tensor[]) => consume(dy, () =>
      tf.mul(tf.reshape(tf.div(dy as tf.Tensor, h * w), [b, 1, 1, c]), tf.ones([1, h, w, 1]))),
  };
}) as (x: tf.Tensor4D) => tf.Tensor2D;
