/**
 * LARS as in the official BYOL code (byol/utils/optimizers.py):
 *   g ← g + wd·θ                         (not for excluded params)
 *   g ← g · η‖θ‖/‖g‖  (1 if either norm is 0; not for excluded params)
 *   μ ← m·μ + g
 *   θ ← θ − lr·μ
 * The learning rate multiplies the momentum buffer (optax.scale after the LARS transform),
 * so a changing schedule does not rescale past momentum. Excluded parameters (biases,
 * BatchNorm γ/β) therefore get plain momentum SGD without decay.
 */
import * as tf from '@tensorflow/tfjs';
import { SlotOptimizer, type ParamMetaOptions } from './optimizer';

export interface LarsOptions extends ParamMetaOptions {
  momentum?: number;
  /** Trust coefficient η. */
  eta?: number;
  /** Paper: 1.5e-6 with LARS. */
  weightDecay?: number;
}

export const LARS_DEFAULTS = { momentum: 0.9, eta: 1e-3, weightDecay: 1.5e-6 } as const;

export class Lars extends SlotOptimizer {
  readonly kind = 'lars' as const;
  readonly momentum: number;
  readonly eta: number;
  readonly weightDecay: number;

  constructor(opts: LarsOptions = {}) {
    super(['momentum'], opts.exclude);
    this.momentum = opts.momentum ?? LARS_DEFAULTS.momentum;
    this.eta = opts.eta ?? LARS_DEFAULTS.eta;
    this.weightDecay = opts.weightDecay ?? LARS_DEFAULTS.weightDecay;
  }

  protected update(i: number, param: tf.Variable, grad: tf.Tensor, lr: number, excluded: boolean): void {
    let g = grad;
    if (!excluded) {
      if (this.weightDecay !== 0) g = tf.add(g, tf.mul(param, this.weightDecay));
      const pn = tf.norm(param);
      const gn = tf.norm(g);
      const ok = tf.logicalAnd(tf.greater(pn, 0), tf.greater(gn, 0));
      const ratio = tf.where(ok, tf.div(tf.mul(pn, this.eta), tf.maximum(gn, 1e-30)), tf.scalar(1));
      g = tf.mul(g, ratio);
    }
    const mu = this.slot('momentum', i);
    mu.assign(tf.add(tf.mul(mu, this.momentum), g));
    param.assign(tf.sub(param, tf.mul(mu, lr)));
  }
}
