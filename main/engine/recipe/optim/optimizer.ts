/**
 * Common shape of the recipe's optimizers (LARS, SGD, Adam): parameters arrive as a
 * plain tf.Variable[] list with per-parameter metadata, so they work with any model.
 * Slot buffers (momentum, Adam moments) live on the training backend as non-trainable
 * variables and are exported as Float32Arrays for checkpoints.
 */
import * as tf from '@tensorflow/tfjs';

export type OptimizerKind = 'lars' | 'sgd' | 'adam';

/** One slot buffer of one parameter, as saved in a checkpoint. */
export interface SlotBuffer {
  shape: number[];
  data: Float32Array;
}

export interface OptimizerState {
  kind: OptimizerKind;
  /** Number of steps taken (Adam's bias correction needs it). */
  step: number;
  /** Slot name → one buffer per parameter, in parameter order. */
  slots: Record<string, SlotBuffer[]>;
}

export interface Optimizer {
  readonly kind: OptimizerKind;
  /** One update of every parameter from its gradient, at learning rate `lr`. Does not dispose `grads`. */
  step(params: tf.Variable[], grads: tf.Tensor[], lr: number): void;
  getState(): OptimizerState;
  setState(state: OptimizerState): void;
  /** Frees the slot buffers. */
  dispose(): void;
}

export interface ParamMetaOptions {
  /**
   * Per parameter: true for biases and normalisation (BatchNorm γ/β) parameters, which get
   * no weight decay and, for LARS, no trust-ratio adaptation (official exclude_bias_and_norm).
   */
  exclude?: boolean[];
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** Shared bookkeeping: validation, lazily created slots, (de)serialisation. */
export abstract class SlotOptimizer implements Optimizer {
  abstract readonly kind: OptimizerKind;
  protected stepCount = 0;
  private slots = new Map<string, tf.Variable[]>();

  constructor(
    protected readonly slotNames: string[],
    protected readonly exclude: boolean[] | undefined,
  ) {}

  /** Applies the update for parameter i; runs inside tf.tidy. */
  protected abstract update(i: number, param: tf.Variable, grad: tf.Tensor, lr: number, excluded: boolean): void;

  step(params: tf.Variable[], grads: tf.Tensor[], lr: number): void {
    if (params.length !== grads.length) throw new Error(`${this.kind}.step: ${params.length} parameters but ${grads.length} gradients`);
    if (this.exclude && this.exclude.length !== params.length) {
      throw new Error(`${this.kind}.step: exclude flags cover ${this.exclude.length} parameters but ${params.length} were passed`);
    }
    if (!Number.isFinite(lr)) throw new Error(`${this.kind}.step: learning rate must be finite, got ${lr}`);
    for (let i = 0; i < params.length; i++) {
      if (!sameShape(params[i].shape, grads[i].shape)) {
        throw new Error(`${this.kind}.step: parameter ${i} (${params[i].name}) has shape [${params[i].shape}] but its gradient [${grads[i].shape}]`);
      }
    }
    this.ensureSlots(params);
    this.stepCount++;
    tf.tidy(() => {
      for (let i = 0; i < params.length; i++) this.update(i, params[i], grads[i], lr, this.exclude?.[i] ?? false);
    });
  }

  /** Slot `name` of parameter i (exists after ensureSlots). */
  protected slot(name: string, i: number): tf.Variable {
    return this.slots.get(name)![i];
  }

  private ensureSlots(params: tf.Variable[]): void {
    for (const name of this.slotNames) {
      const have = this.slots.get(name);
      if (have) {
        if (have.length !== params.length) throw new Error(`${this.kind}: state holds ${have.length} '${name}' buffers but ${params.length} parameters were passed`);
        have.forEach((v, i) => {
          if (!sameShape(v.shape, params[i].shape)) throw new Error(`${this.kind}: '${name}' buffer ${i} has shape [${v.shape}] but parameter [${params[i].shape}]`);
        });
        continue;
      }
      // Non-trainable so tf.variableGrads() never differentiates the optimizer state.
      this.slots.set(name, params.map((p) => tf.tidy(() => tf.variable(tf.zeros(p.shape), false))));
    }
  }

  getState(): OptimizerState {
    const slots: Record<string, SlotBuffer[]> = {};
    for (const [name, vars] of this.slots) {
      slots[name] = vars.map((v) => ({ shape: [...v.shape], data: Float32Array.from(v.dataSync() as Float32Array) }));
    }
    return { kind: this.kind, step: this.stepCount, slots };
  }

  setState(state: OptimizerState): void {
    if (state.kind !== this.kind) throw new Error(`Cannot load ${state.kind} optimizer state into a ${this.kind} optimizer`);
    // Validate everything before allocating, so a bad checkpoint leaks nothing.
    for (const name of this.slotNames) {
      for (const b of state.slots[name] ?? []) {
        const size = b.shape.reduce((a, d) => a * d, 1);
        if (b.data.length !== size) throw new Error(`${this.kind}.setState: '${name}' buffer holds ${b.data.length} values for shape [${b.shape}]`);
      }
    }
    const next = new Map<string, tf.Variable[]>();
    for (const name of this.slotNames) {
      const bufs = state.slots[name];
      if (bufs) next.set(name, bufs.map((b) => tf.tidy(() => tf.variable(tf.tensor(b.data, b.shape, 'float32'), false))));
    }
    this.dispose();
    this.slots = next;
    this.stepCount = state.step;
  }

  dispose(): void {
    for (const vars of this.slots.values()) vars.forEach((v) => v.dispose());
    this.slots.clear();
  }
}
