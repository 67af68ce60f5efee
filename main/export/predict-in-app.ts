/**
 * The app's own classifier probabilities: the same normalisation as training
 * ((x/255 − mean)/std), the encoder's forward pass with BatchNorm in inference mode, the
 * linear head and a softmax. The exported models are checked against this.
 */
import * as tf from '@tensorflow/tfjs';
import type { Network } from '../engine/model/network';
import { IMAGENET, type ClassifierHead, type Normalization } from './preprocessing';

/** images: NHWC float32, values 0–255, at the encoder's input size. Returns [N, C] row-major. */
export function predictInApp(
  encoder: Network,
  head: ClassifierHead,
  images: Float32Array,
  opts: { normalization?: Normalization; batchSize?: number } = {},
): Float32Array {
  const [S, , ch] = encoder.spec.inputShape;
  const per = S * S * ch;
  if (images.length % per !== 0) throw new Error(`predictInApp: ${images.length} values is not a whole number of ${S}×${S}×${ch} images`);
  const N = images.length / per;
  const C = head.classes.length;
  const d = encoder.spec.outDim;
  const norm = opts.normalization ?? IMAGENET;
  const bs = opts.batchSize ?? 32;
  const out = new Float32Array(N * C);
  for (let start = 0; start < N; start += bs) {
    const n = Math.min(bs, N - start);
    const probs = tf.tidy(() => {
      const x = tf.tensor4d(images.subarray(start * per, (start + n) * per), [n, S, S, ch]);
      const invStd = norm.std.map((s) => 1 / s);
      const xn = tf.mul(tf.sub(tf.div(x, 255), tf.tensor1d(norm.mean)), tf.tensor1d(invStd));
      const feats = encoder.apply(xn, { training: false }) as tf.Tensor2D;
      const logits = tf.add(tf.matMul(feats, tf.tensor2d(head.W, [d, C])), tf.tensor1d(head.b));
      return tf.softmax(logits);
    });
    try {
      out.set(probs.dataSync(), start * C);
    } finally {
      probs.dispose();
    }
  }
  return out;
}
