/**
 * What both exporters need from an encoder: its weights by (node, role), how often each
 * value is read (for BatchNorm folding), and a check that the spec is one they can express.
 * Only the public NetworkSpec and Network.getWeights are used, so training-side internals
 * can change freely.
 */
import { INPUT, type NetworkSpec, type ParamRole } from '../engine/model/graph';
import type { Network, WeightData } from '../engine/model/network';

export type WeightLookup = (node: string, role: ParamRole) => WeightData;

export function weightLookup(net: Network): WeightLookup {
  const byName = new Map(net.getWeights().map((w) => [w.name, w]));
  return (node, role) => {
    const w = byName.get(`${node}.${role}`);
    if (!w) throw new Error(`export: the encoder has no weight ${node}.${role}`);
    return w;
  };
}

export function readerCounts(spec: NetworkSpec): Map<string, number> {
  const readers = new Map<string, number>();
  for (const n of spec.nodes) for (const i of n.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);
  readers.set(spec.output, (readers.get(spec.output) ?? 0) + 1);
  return readers;
}

/**
 * Throws unless the spec maps an [S,S,3] image to a feature vector, and every max-pool
 * with padding reads a ReLU: the TF.js export pads with zeros, which equals ONNX/PyTorch's
 * −∞ padding only for non-negative inputs.
 */
export function checkExportable(spec: NetworkSpec): { inputSize: number; featureDim: number } {
  const [h, w, c] = spec.inputShape;
  if (spec.inputShape.length !== 3 || h !== w || c !== 3) {
    throw new Error(`export: needs a square RGB encoder input, got [${spec.inputShape}]`);
  }
  const rank = new Map<string, number>([[INPUT, 4]]);
  const op = new Map<string, string>([[INPUT, 'input']]);
  for (const n of spec.nodes) {
    const r = rank.get(n.inputs[0])!;
    const L = n.layer;
    if (L.op === 'maxpool' && L.pad > 0 && op.get(n.inputs[0]) !== 'relu') {
      throw new Error(`export: padded max-pool "${n.name}" must follow a ReLU`);
    }
    if ((L.op === 'conv' || L.op === 'maxpool' || L.op === 'gap') && r !== 4) throw new Error(`export: "${n.name}" needs an image input`);
    if (L.op === 'dense' && r !== 2) throw new Error(`export: dense "${n.name}" needs a vector input`);
    rank.set(n.name, L.op === 'gap' ? 2 : r);
    op.set(n.name, L.op);
  }
  if (rank.get(spec.output) !== 2) throw new Error(`export: encoder output "${spec.output}" is not a vector`);
  return { inputSize: h, featureDim: spec.outDim };
}

/** Checks the head against the encoder's feature size. */
export function checkHead(head: { W: Float32Array; b: Float32Array; classes: string[] }, featureDim: number): number {
  const C = head.classes.length;
  if (C < 1) throw new Error('export: the head has no classes');
  if (head.b.length !== C || head.W.length !== featureDim * C) {
    throw new Error(`export: head shapes W[${head.W.length}] b[${head.b.length}] do not match ${featureDim} features × ${C} classes`);
  }
  return C;
}
