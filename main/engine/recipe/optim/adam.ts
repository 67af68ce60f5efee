/**
 * Adam with decoupled weight decay (AdamW; wd = 0 gives plain Adam):
 *   m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
 *   θ ← θ − lr·( m̂ / (√v̂ + ε) + wd·θ ),  m̂ = m/(1−β1^t), v̂ = v/(1−β2^t)
 * Decoupled decay keeps the decay strength independent of the gradient scale, which is
 * what small BYOL runs with Adam (e.g. byol-pytorch's examples, lr 3e-4) rely on.
 * Excluded parameters get no decay.
 */
import * as tf from '@tensorflow/tfjs';
import { SlotOptimizer, type ParamMetaOptions } from './optimizer';

export interface AdamOptions extends ParamMetaOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  weightDecay?: number;
}

export const ADAM_DEFAULTS = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 } as const;

export class Adam extends SlotOptimizer {
  readonly kind = 'adam' as const;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;

  constructor(opts: AdamOptions = {}) {
    super(['m', 'v'], opts.exclude);
    this.beta1 = opts.beta1 ?? ADAM_DEFAULTS.beta1;
    this.beta2 = opts.beta2 ?? ADAM_DEFAULTS.beta2;
    this.epsilon = opts.epsilon ?? ADAM_DEFAULTS.epsilon;
    this.weightDecay = opts.weightDecay ?? ADAM_DEFAULTS.weightDecay;
  }

  protected update(i: number, param: tf.Variable, grad: tf.Tensor, lr: number, excluded: boolean): void {
    const t = this.stepCount; // already incremented for this step
    const m = this.slot('m', i);
    const v = this.slot('v', i);
    m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(grad, 1 - this.beta1)));
    v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(grad), 1 - this.beta2)));
    const mHat = tf.div(m, 1 - this.beta1 ** t);
    const vHat = tf.div(v, 1 - this.beta2 ** t);
    let dir = tf.div(mHat, tf.add(tf.sqrt(vHat), this.epsilon));
    if (!excluded && this.weightDecay !== 0) dir = tf.add(dir, tf.mul(param, this.weightDecay));
    param.assign(tf.sub(param, tf.mul(dir, lr)));
  }
}
