/**
 * The structural description of a network: a topologically ordered list of nodes over a
 * small op set (Conv, BatchNorm, ReLU, Add, MaxPool, GlobalAveragePool, Dense). The
 * forward pass interprets it, and exporters (TF.js LayersModel, ONNX) walk the same list,
 * so what is trained is exactly what is exported.
 */

/** Conv2D without bias (a BatchNorm always follows); NHWC, symmetric zero padding. */
export interface ConvOp { op: 'conv'; kernel: number; stride: number; pad: number; inC: number; outC: number }
/** BatchNorm over the last axis; batch statistics in training, moving ones otherwise. */
export interface BatchNormOp { op: 'bn'; channels: number; eps: number; momentum: number }
export interface ReluOp { op: 'relu' }
export interface AddOp { op: 'add' }
/** Max pooling; padded cells never win (they count as −∞), as in PyTorch and ONNX. */
export interface MaxPoolOp { op: 'maxpool'; kernel: number; stride: number; pad: number }
/** Mean over H and W: [B,H,W,C] → [B,C]. */
export interface GlobalAvgPoolOp { op: 'gap' }
/** y = x·W + b with W stored [in, out]. */
export interface DenseOp { op: 'dense'; inF: number; outF: number; bias: boolean }

export type LayerOp = ConvOp | BatchNormOp | ReluOp | AddOp | MaxPoolOp | GlobalAvgPoolOp | DenseOp;

/** The network input is referred to by this name. */
export const INPUT = 'input';

export interface NodeSpec {
  /** Unique, dotted like PyTorch module paths (e.g. "layer2.0.conv1"). */
  name: string;
  /** Names of earlier nodes (or INPUT); 'add' takes two, every other op one. */
  inputs: string[];
  layer: LayerOp;
}

export interface NetworkSpec {
  /** e.g. "resnet18", "small", "projector". */
  name: string;
  /** Per-example input shape: [H, W, C] for encoders, [F] for heads. */
  inputShape: number[];
  nodes: NodeSpec[];
  /** Name of the node whose value the network returns. */
  output: string;
  /** Size of the output vector. */
  outDim: number;
}

/** Roles of the variables a node owns; moving statistics are not trainable. */
export type ParamRole = 'kernel' | 'bias' | 'gamma' | 'beta' | 'movingMean' | 'movingVariance';

export interface ParamShape { role: ParamRole; shape: number[]; trainable: boolean }

/** The variables a node needs, in a fixed order (the order of weights in checkpoints). */
export function paramShapes(layer: LayerOp): ParamShape[] {
  switch (layer.op) {
    case 'conv':
      return [{ role: 'kernel', shape: [layer.kernel, layer.kernel, layer.inC, layer.outC], trainable: true }];
    case 'bn':
      return [
        { role: 'gamma', shape: [layer.channels], trainable: true },
        { role: 'beta', shape: [layer.channels], trainable: true },
        { role: 'movingMean', shape: [layer.channels], trainable: false },
        { role: 'movingVariance', shape: [layer.channels], trainable: false },
      ];
    case 'dense': {
      const w: ParamShape = { role: 'kernel', shape: [layer.inF, layer.outF], trainable: true };
      return layer.bias ? [w, { role: 'bias', shape: [layer.outF], trainable: true }] : [w];
    }
    default:
      return [];
  }
}

/** Checks names, references and ordering; throws with the first problem found. */
export function validateSpec(spec: NetworkSpec): void {
  const seen = new Set<string>([INPUT]);
  for (const n of spec.nodes) {
    if (seen.has(n.name)) throw new Error(`${spec.name}: duplicate node name "${n.name}"`);
    const arity = n.layer.op === 'add' ? 2 : 1;
    if (n.inputs.length !== arity) throw new Error(`${spec.name}: node "${n.name}" (${n.layer.op}) needs ${arity} input(s)`);
    for (const i of n.inputs) if (!seen.has(i)) throw new Error(`${spec.name}: node "${n.name}" reads "${i}" before it is defined`);
    seen.add(n.name);
  }
  if (!seen.has(spec.output)) throw new Error(`${spec.name}: output "${spec.output}" is not a node`);
}

/** Small helper for builders: appends nodes and remembers the last one. */
export class SpecBuilder {
  readonly nodes: NodeSpec[] = [];
  last = INPUT;

  add(name: string, layer: LayerOp, inputs: string[] = [this.last]): string {
    this.nodes.push({ name, inputs, layer });
    this.last = name;
    return name;
  }

  convBn(name: string, bnName: string, inC: number, outC: number, kernel: number, stride: number, from = this.last): string {
    this.add(name, { op: 'conv', kernel, stride, pad: Math.floor(kernel / 2), inC, outC }, [from]);
    return this.add(bnName, { op: 'bn', channels: outC, eps: 1e-5, momentum: 0.1 });
  }
}
