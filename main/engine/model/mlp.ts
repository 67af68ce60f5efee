/**
 * BYOL projector / predictor: Linear → BatchNorm → ReLU → Linear (paper §3.3; sizes from
 * the caller, e.g. 512→1024→256 for ResNet-18 on CIFAR as in lightly's benchmark).
 */
import { SpecBuilder, type NetworkSpec } from './graph';
import { Network } from './network';

export interface MlpSizes { inF: number; hidden: number; outF: number }

export function mlpSpec(name: string, { inF, hidden, outF }: MlpSizes): NetworkSpec {
  const b = new SpecBuilder();
  b.add('fc1', { op: 'dense', inF, outF: hidden, bias: true });
  b.add('bn1', { op: 'bn', channels: hidden, eps: 1e-5, momentum: 0.1 });
  b.add('relu', { op: 'relu' });
  b.add('fc2', { op: 'dense', inF: hidden, outF, bias: true });
  return { name, inputShape: [inF], nodes: b.nodes, output: b.last, outDim: outF };
}

export function createMlpHead(name: string, sizes: MlpSizes, seed: number): Network {
  return new Network(mlpSpec(name, sizes), seed);
}
