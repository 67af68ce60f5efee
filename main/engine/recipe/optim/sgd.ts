/**
 * SGD with (optionally Nesterov) momentum and coupled L2 weight decay, torch.optim.SGD
 * semantics: μ ← m·μ + (g + wd·θ); θ ← θ − lr·μ (Nesterov: θ − lr·(g' + m·μ)).
 * Excluded parameters (biases, BatchNorm) get no weight decay.
 */
import * as tf from '@tensorflow/tfjs';
import { SlotOptimizer, type ParamMetaOptions } from './optimizer';

export interface SgdOptions extends ParamMetaOptions {
  momentum?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

/** SimSiam's SGD recipe (momentum 0.9, wd 1e-4) is the usual non-LARS setting for BYOL-likes. */
export const SGD_DEFAULTS = { momentum: 0.9, weightDecay: 1e-4, nesterov: false } as const;

export class Sgd extends SlotOptimizer {
  readonly kind = 'sgd' as const;
  readonly momentum: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;

  constructor(opts: SgdOptions = {}) {
    super(['momentum'], opts.exclude);
    this.momentum = opts.momentum ?? SGD_DEFAULTS.momentum;
    this.weightDecay = opts.weightDecay ?? SGD_DEFAULTS.weightDecay;
    this.nesterov = opts.nesterov ?? SGD_DEFAULTS.nesterov;
  }

  protected update(i: number, param: tf.Variable, grad: tf.Tensor, lr: number, excluded: boolean): void {
    const g = !excluded && this.weightDecay !== 0 ? tf.add(grad, tf.mul(param, this.weightDecay)) : grad;
    const mu = this.slot('momentum', i);
    mu.assign(tf.add(tf.mul(mu, this.momentum), g));
    const dir = this.nesterov ? tf.add(g, tf.mul(mu, this.momentum)) : mu;
    param.assign(tf.sub(param, tf.mul(dir, lr)));
  }
}
