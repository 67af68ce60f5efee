/**
 * A network = a NetworkSpec plus one tf.Variable per parameter. Plain variables (no
 * tf.layers) keep EMA targets, LARS exclusion lists, checkpoints and exporters simple:
 * everything is an ordered list of named variables with a role.
 */
import * as tf from '@tensorflow/tfjs';
import { batchNormTrain } from './batchnorm';
import { addRelu, conv2dTrain, globalAvgPoolTrain } from './train-ops';
import { INPUT, paramShapes, validateSpec, type NetworkSpec, type ParamRole } from './graph';
import { initValues } from './init';

export interface NetworkParam {
  /** Node name + role, e.g. "layer1.0.bn1.gamma"; stable across clones (checkpoint key). */
  name: string;
  node: string;
  role: ParamRole;
  trainable: boolean;
  variable: tf.Variable;
}

/** A weight as plain data, for checkpoints and exporters. */
export interface WeightData { name: string; shape: number[]; data: Float32Array }

export interface ApplyOptions {
  /** Batch statistics in BatchNorm (and update the moving ones) instead of moving statistics. */
  training: boolean;
  /** In training mode, whether BatchNorm's moving statistics are updated (default true). */
  updateStats?: boolean;
}

let instances = 0;

export class Network {
  readonly params: NetworkParam[] = [];
  private readonly byKey = new Map<string, tf.Variable>();
  private disposed = false;

  /** Creates variables, initialised from `seed`, or copied from `from` (same spec). */
  constructor(readonly spec: NetworkSpec, seed: number, from?: Network) {
    validateSpec(spec);
    // tfjs variable names are global; the instance id keeps online/target apart.
    const prefix = `${spec.name}#${++instances}`;
    for (const node of spec.nodes) {
      for (const p of paramShapes(node.layer)) {
        const name = `${node.name}.${p.role}`;
        const src = from?.variable(node.name, p.role);
        const variable = tf.tidy(() =>
          tf.variable(src ? src.clone() : tf.tensor(initValues(seed, `${spec.name}/${name}`, node.layer, p.role, p.shape), p.shape), p.trainable, `${prefix}/${name}`),
        );
        this.params.push({ name, node: node.name, role: p.role, trainable: p.trainable, variable });
        this.byKey.set(name, variable);
      }
    }
  }

  variable(node: string, role: ParamRole): tf.Variable {
    const v = this.byKey.get(`${node}.${role}`);
    if (!v) throw new Error(`${this.spec.name} has no parameter ${node}.${role}`);
    return v;
  }

  /** Trainable variables in a fixed order (the optimizer's and EMA's parameter list). */
  get trainable(): tf.Variable[] {
    return this.params.filter((p) => p.trainable).map((p) => p.variable);
  }

  /** Parallel to `trainable`: true for biases and BatchNorm γ/β (no weight decay / LARS). */
  get excludeFromDecay(): boolean[] {
    return this.params.filter((p) => p.trainable).map((p) => p.role !== 'kernel');
  }

  /** BatchNorm moving statistics (non-trainable state). */
  get state(): tf.Variable[] {
    return this.params.filter((p) => !p.trainable).map((p) => p.variable);
  }

  /** Number of trainable scalars. */
  get paramCount(): number {
    return this.trainable.reduce((a, v) => a + v.size, 0);
  }

  /** A copy with its own variables holding the same values (e.g. the BYOL target). */
  clone(): Network {
    return new Network(this.spec, 0, this);
  }

  /** In place: every variable (trainable and state) ← the other network's. */
  copyFrom(other: Network): void {
    if (other.spec !== this.spec && JSON.stringify(other.spec) !== JSON.stringify(this.spec)) {
      throw new Error(`copyFrom: ${other.spec.name} and ${this.spec.name} differ in structure`);
    }
    tf.tidy(() => this.params.forEach((p, i) => p.variable.assign(other.params[i].variable)));
  }

  getWeights(): WeightData[] {
    return this.params.map((p) => ({ name: p.name, shape: [...p.variable.shape], data: p.variable.dataSync() as Float32Array }));
  }

  /** Loads weights by name; every parameter must be present with its shape. */
  setWeights(weights: WeightData[]): void {
    const byName = new Map(weights.map((w) => [w.name, w]));
    for (const p of this.params) {
      const w = byName.get(p.name);
      if (!w) throw new Error(`setWeights: missing ${p.name}`);
      if (w.shape.join() !== p.variable.shape.join()) throw new Error(`setWeights: ${p.name} has shape [${w.shape}], expected [${p.variable.shape}]`);
    }
    tf.tidy(() => {
      for (const p of this.params) { const w = byName.get(p.name)!; p.variable.assign(tf.tensor(w.data, w.shape)); }
    });
  }

  /** Forward pass. Call inside tf.tidy / variableGrads; intermediates belong to the caller's scope. */
  apply(x: tf.Tensor, opts: ApplyOptions): tf.Tensor {
    if (this.disposed) throw new Error(`${this.spec.name} was disposed`);
    const values = new Map<string, tf.Tensor>([[INPUT, x]]);
    const nodes = this.spec.nodes;
    const readers = new Map<string, number>();
    for (const n of nodes) for (const i of n.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);
    for (let k = 0; k < nodes.length; k++) {
      const n = nodes[k];
      const L = n.layer;
      const inp = values.get(n.inputs[0])!;
      let out: tf.Tensor;
      switch (L.op) {
        case 'conv': {
          const w = this.variable(n.name, 'kernel') as tf.Variable<tf.Rank.R4>;
          const pad = L.pad === 0 ? 'valid' : ([[0, 0], [L.pad, L.pad], [L.pad, L.pad], [0, 0]] as const);
          out = opts.training
            ? conv2dTrain(inp as tf.Tensor4D, w, L.stride, pad as 'valid', n.inputs[0] !== INPUT)
            : tf.conv2d(inp as tf.Tensor4D, w, L.stride, pad as 'valid');
          break;
        }
        case 'bn':
        case 'add': {
          // A BN or residual Add whose only reader is the next node, a ReLU, runs fused with
          // it: one op that keeps only its output for the backward pass.
          const next = nodes[k + 1];
          const fuse = next?.layer.op === 'relu' && next.inputs[0] === n.name && readers.get(n.name) === 1;
          out = L.op === 'bn'
            ? this.batchNorm(n.name, L.eps, L.momentum, inp, opts, fuse && opts.training)
            : fuse ? addRelu(inp, values.get(n.inputs[1])!) : tf.add(inp, values.get(n.inputs[1])!);
          if (fuse && (L.op === 'add' || opts.training)) { values.set(n.name, out); k++; values.set(next.name, out); continue; }
          break;
        }
        case 'relu':
          out = tf.relu(inp);
          break;
        case 'maxpool':
          out = tf.maxPool(inp as tf.Tensor4D, L.kernel, L.stride, L.pad === 0 ? 'valid' : L.pad);
          break;
        case 'gap':
          out = opts.training ? globalAvgPoolTrain(inp as tf.Tensor4D) : tf.mean(inp, [1, 2]);
          break;
        case 'dense': {
          const y = tf.matMul(inp as tf.Tensor2D, this.variable(n.name, 'kernel') as tf.Variable<tf.Rank.R2>);
          out = L.bias ? tf.add(y, this.variable(n.name, 'bias')) : y;
          break;
        }
      }
      values.set(n.name, out);
    }
    return values.get(this.spec.output)!;
  }

  private batchNorm(node: string, eps: number, momentum: number, x: tf.Tensor, opts: ApplyOptions, relu: boolean): tf.Tensor {
    const gamma = this.variable(node, 'gamma') as tf.Variable<tf.Rank.R1>;
    const beta = this.variable(node, 'beta') as tf.Variable<tf.Rank.R1>;
    const mMean = this.variable(node, 'movingMean');
    const mVar = this.variable(node, 'movingVariance');
    if (!opts.training) return tf.batchNorm(x, mMean, mVar, beta, gamma, eps);
    const { y, mean, variance } = batchNormTrain(x, gamma, beta, eps, relu);
    if (opts.updateStats ?? true) {
      // PyTorch convention: moving ← (1−m)·moving + m·batch, variance unbiased (n/(n−1)).
      const n = x.size / x.shape[x.shape.length - 1];
      tf.tidy(() => {
        mMean.assign(tf.add(tf.mul(mMean, 1 - momentum), tf.mul(mean, momentum)));
        mVar.assign(tf.add(tf.mul(mVar, 1 - momentum), tf.mul(variance, (momentum * n) / Math.max(n - 1, 1))));
      });
    }
    mean.dispose();
    variance.dispose();
    return y;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const p of this.params) p.variable.dispose();
  }
}
