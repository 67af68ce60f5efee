/**
 * Seeded parameter initialisation, following PyTorch/torchvision so that our ResNet starts
 * where the reference does: conv kernels Kaiming-normal (fan_out, ReLU gain), BatchNorm
 * γ=1 β=0, Linear layers U(±1/√fan_in) for weight and bias. Each variable draws from its
 * own stream named after the node, so adding a layer never shifts the others.
 */
import { Rng } from '../recipe/rng';
import type { LayerOp, ParamRole } from './graph';

export function initValues(seed: number, stream: string, layer: LayerOp, role: ParamRole, shape: number[]): Float32Array {
  const size = shape.reduce((a, d) => a * d, 1);
  const out = new Float32Array(size);
  if (role === 'gamma' || role === 'movingVariance') return out.fill(1);
  if (role === 'beta' || role === 'movingMean') return out;
  const rng = new Rng(seed, stream);
  if (layer.op === 'conv') {
    const std = Math.sqrt(2 / (layer.kernel * layer.kernel * layer.outC));
    for (let i = 0; i < size; i++) out[i] = rng.normal(0, std);
    return out;
  }
  if (layer.op === 'dense') {
    const bound = 1 / Math.sqrt(layer.inF);
    for (let i = 0; i < size; i++) out[i] = rng.uniform(-bound, bound);
    return out;
  }
  throw new Error(`no initialiser for ${layer.op}.${role}`);
}
