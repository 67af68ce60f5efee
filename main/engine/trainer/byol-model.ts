/**
 * The five BYOL networks: online encoder → projector → predictor, and the target encoder →
 * projector, an EMA copy of the online pair. Each is a plain Network (ordered variables),
 * so checkpoints, the optimizer and the EMA walk the same lists.
 */
import type * as tf from '@tensorflow/tfjs';
import { createMlpHead } from '../model/mlp';
import { createEncoder, type EncoderPreset } from '../model/resnet';
import type { Network, WeightData } from '../model/network';

export interface ByolModelConfig {
  preset: EncoderPreset;
  imageSize: number;
  seed: number;
  projector: { hidden: number; out: number };
  predictor: { hidden: number; out: number };
}

/** Checkpoint names of the networks, in a fixed order. */
export const NETWORK_NAMES = ['encoder', 'projector', 'predictor', 'targetEncoder', 'targetProjector'] as const;
export type NetworkName = (typeof NETWORK_NAMES)[number];

export class ByolModel {
  readonly encoder: Network;
  readonly projector: Network;
  readonly predictor: Network;
  readonly targetEncoder: Network;
  readonly targetProjector: Network;

  constructor(readonly cfg: ByolModelConfig) {
    // Seeds offset per network so the heads do not start as copies of each other.
    this.encoder = createEncoder(cfg.preset, { inputSize: cfg.imageSize, seed: cfg.seed });
    const feat = this.encoder.spec.outDim;
    this.projector = createMlpHead('projector', { inF: feat, hidden: cfg.projector.hidden, outF: cfg.projector.out }, cfg.seed + 1);
    this.predictor = createMlpHead('predictor', { inF: cfg.projector.out, hidden: cfg.predictor.hidden, outF: cfg.predictor.out }, cfg.seed + 2);
    // The target starts as an exact copy of the online network (paper §3.1).
    this.targetEncoder = this.encoder.clone();
    this.targetProjector = this.projector.clone();
  }

  get networks(): Record<NetworkName, Network> {
    return {
      encoder: this.encoder, projector: this.projector, predictor: this.predictor,
      targetEncoder: this.targetEncoder, targetProjector: this.targetProjector,
    };
  }

  /** Representation size (GAP features of the encoder). */
  get featureDim(): number {
    return this.encoder.spec.outDim;
  }

  /** Every trainable online variable, in optimizer order. */
  get onlineTrainable(): tf.Variable[] {
    return [...this.encoder.trainable, ...this.projector.trainable, ...this.predictor.trainable];
  }

  /** Parallel to onlineTrainable: biases and BN γ/β get no decay / LARS adaptation. */
  get onlineExclude(): boolean[] {
    return [...this.encoder.excludeFromDecay, ...this.projector.excludeFromDecay, ...this.predictor.excludeFromDecay];
  }

  /** Target trainable variables, paired with the online encoder+projector ones for the EMA. */
  get emaPairs(): { target: tf.Variable[]; online: tf.Variable[] } {
    return {
      target: [...this.targetEncoder.trainable, ...this.targetProjector.trainable],
      online: [...this.encoder.trainable, ...this.projector.trainable],
    };
  }

  getWeights(): Record<NetworkName, WeightData[]> {
    const n = this.networks;
    return Object.fromEntries(NETWORK_NAMES.map((k) => [k, n[k].getWeights()])) as Record<NetworkName, WeightData[]>;
  }

  setWeights(w: Record<NetworkName, WeightData[]>): void {
    const n = this.networks;
    for (const k of NETWORK_NAMES) {
      if (!w[k]) throw new Error(`checkpoint has no ${k} weights`);
      n[k].setWeights(w[k]);
    }
  }

  dispose(): void {
    for (const k of NETWORK_NAMES) this.networks[k].dispose();
  }
}
