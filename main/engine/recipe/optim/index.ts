/** Optimizer factory over the recipe's three optimizers, all with one interface. */
import { Adam, type AdamOptions } from './adam';
import { Lars, type LarsOptions } from './lars';
import type { Optimizer, OptimizerKind } from './optimizer';
import { Sgd, type SgdOptions } from './sgd';

export type { Optimizer, OptimizerKind, OptimizerState, SlotBuffer, ParamMetaOptions } from './optimizer';
export { Adam, Lars, Sgd };

export type OptimizerOptions =
  | ({ kind: 'lars' } & LarsOptions)
  | ({ kind: 'sgd' } & SgdOptions)
  | ({ kind: 'adam' } & AdamOptions);

export function createOptimizer(opts: OptimizerOptions): Optimizer {
  switch (opts.kind) {
    case 'lars':
      return new Lars(opts);
    case 'sgd':
      return new Sgd(opts);
    case 'adam':
      return new Adam(opts);
  }
}

export function isOptimizerKind(x: string): x is OptimizerKind {
  return x === 'lars' || x === 'sgd' || x === 'adam';
}
