/**
 * Encoder + linear head → ONNX ModelProto bytes (opset 13, IR 7), written with protobufjs.
 * Input: NHWC float32 0–255 [N,S,S,3] (same as the TF.js model); it is transposed to NCHW
 * and normalised by Mul/Add initialisers. Each conv that only feeds a BatchNorm is emitted
 * as one Conv with the BN folded in: W' = W·γ/√(σ²+ε), b' = β − μ·γ/√(σ²+ε).
 */
import type { NetworkSpec } from '../engine/model/graph';
import { INPUT } from '../engine/model/graph';
import type { Network } from '../engine/model/network';
import { ATTR, ONNX_FLOAT, onnxType } from './onnx-proto';
import { INPUT_NAME, OUTPUT_NAME, normalizationAffine, type ClassifierHead, type Normalization } from './preprocessing';
import { checkExportable, checkHead, readerCounts, weightLookup } from './spec-walk';

type Attr = { name: string; type: number; i?: number; f?: number; ints?: number[] };
interface OnnxNode { name: string; opType: string; input: string[]; output: string[]; attribute: Attr[] }
interface OnnxTensor { name: string; dims: number[]; dataType: number; rawData: Uint8Array }

const ints = (name: string, v: number[]): Attr => ({ name, type: ATTR.INTS, ints: v });
const int = (name: string, v: number): Attr => ({ name, type: ATTR.INT, i: v });

function tensor(name: string, dims: number[], data: Float32Array): OnnxTensor {
  // raw_data is little-endian; copy so the bytes do not alias a larger buffer.
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  return { name, dims, dataType: ONNX_FLOAT, rawData: bytes };
}

/** [kh,kw,ci,co] (tfjs) → [co,ci,kh,kw] (ONNX), each output channel scaled by `scale`. */
function convKernel(w: Float32Array, k: number, ci: number, co: number, scale?: Float32Array): Float32Array {
  const out = new Float32Array(w.length);
  for (let y = 0; y < k; y++) for (let x = 0; x < k; x++) for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) {
    out[((o * ci + i) * k + y) * k + x] = w[((y * k + x) * ci + i) * co + o] * (scale ? scale[o] : 1);
  }
  return out;
}

export interface OnnxExportInput {
  encoder: Network;
  spec: NetworkSpec;
  head: ClassifierHead;
  normalization: Normalization;
}

/** Summary of the written graph, for reports and tests. */
export interface OnnxSummary { opCounts: Record<string, number>; initializers: number; foldedBatchNorms: number }

export function buildOnnxModel(o: OnnxExportInput): { bytes: Uint8Array; summary: OnnxSummary } {
  const { spec, head } = o;
  const { inputSize: S, featureDim } = checkExportable(spec);
  const C = checkHead(head, featureDim);
  const w = weightLookup(o.encoder);
  const readers = readerCounts(spec);
  const nodes: OnnxNode[] = [];
  const inits: OnnxTensor[] = [];
  const emit = (opType: string, name: string, input: string[], output: string[], attribute: Attr[] = []) =>
    nodes.push({ name, opType, input, output, attribute });

  const { scale, shift } = normalizationAffine(o.normalization);
  inits.push(tensor('preprocess.scale', [1, 3, 1, 1], scale), tensor('preprocess.shift', [1, 3, 1, 1], shift));
  emit('Transpose', 'preprocess.to_nchw', [INPUT_NAME], ['preprocess.nchw'], [ints('perm', [0, 3, 1, 2])]);
  emit('Mul', 'preprocess.mul', ['preprocess.nchw', 'preprocess.scale'], ['preprocess.scaled']);
  emit('Add', 'preprocess.add', ['preprocess.scaled', 'preprocess.shift'], [INPUT]);

  const folded = new Set<string>();
  for (const n of spec.nodes) {
    if (folded.has(n.name)) continue;
    const L = n.layer;
    const x = n.inputs[0];
    switch (L.op) {
      case 'conv': {
        const kernel = w(n.name, 'kernel').data;
        const bn = spec.nodes.find((m) => m.inputs[0] === n.name && m.layer.op === 'bn');
        const bnLayer = bn?.layer;
        const attrs = [ints('kernel_shape', [L.kernel, L.kernel]), ints('strides', [L.stride, L.stride]), ints('pads', [L.pad, L.pad, L.pad, L.pad])];
        if (bn && bnLayer?.op === 'bn' && readers.get(n.name) === 1) {
          const eps = bnLayer.eps;
          const g = w(bn.name, 'gamma').data, beta = w(bn.name, 'beta').data;
          const mu = w(bn.name, 'movingMean').data, v = w(bn.name, 'movingVariance').data;
          const s = Float32Array.from(g, (gi, c) => gi / Math.sqrt(v[c] + eps));
          const bias = Float32Array.from(beta, (bi, c) => bi - mu[c] * s[c]);
          inits.push(tensor(`${n.name}.weight`, [L.outC, L.inC, L.kernel, L.kernel], convKernel(kernel, L.kernel, L.inC, L.outC, s)));
          inits.push(tensor(`${n.name}.bias`, [L.outC], bias));
          emit('Conv', n.name, [x, `${n.name}.weight`, `${n.name}.bias`], [bn.name], attrs);
          folded.add(bn.name);
        } else {
          inits.push(tensor(`${n.name}.weight`, [L.outC, L.inC, L.kernel, L.kernel], convKernel(kernel, L.kernel, L.inC, L.outC)));
          emit('Conv', n.name, [x, `${n.name}.weight`], [n.name], attrs);
        }
        break;
      }
      case 'bn': {
        // Only reached when the BN does not sit right after a single-reader conv.
        for (const r of ['gamma', 'beta', 'movingMean', 'movingVariance'] as const) inits.push(tensor(`${n.name}.${r}`, [L.channels], w(n.name, r).data));
        emit('BatchNormalization', n.name, [x, `${n.name}.gamma`, `${n.name}.beta`, `${n.name}.movingMean`, `${n.name}.movingVariance`], [n.name],
          [{ name: 'epsilon', type: ATTR.FLOAT, f: L.eps }]);
        break;
      }
      case 'relu':
        emit('Relu', n.name, [x], [n.name]);
        break;
      case 'add':
        emit('Add', n.name, [x, n.inputs[1]], [n.name]);
        break;
      case 'maxpool':
        emit('MaxPool', n.name, [x], [n.name], [ints('kernel_shape', [L.kernel, L.kernel]), ints('strides', [L.stride, L.stride]), ints('pads', [L.pad, L.pad, L.pad, L.pad])]);
        break;
      case 'gap':
        emit('GlobalAveragePool', n.name, [x], [`${n.name}.nc11`]);
        emit('Flatten', `${n.name}.flatten`, [`${n.name}.nc11`], [n.name], [int('axis', 1)]);
        break;
      case 'dense': {
        inits.push(tensor(`${n.name}.weight`, [L.inF, L.outF], w(n.name, 'kernel').data));
        const ins = [x, `${n.name}.weight`];
        if (L.bias) { inits.push(tensor(`${n.name}.bias`, [L.outF], w(n.name, 'bias').data)); ins.push(`${n.name}.bias`); }
        emit('Gemm', n.name, ins, [n.name]);
        break;
      }
    }
  }
  inits.push(tensor('head.weight', [featureDim, C], head.W), tensor('head.bias', [C], head.b));
  emit('Gemm', 'head', [spec.output, 'head.weight', 'head.bias'], ['logits']);
  emit('Softmax', 'softmax', ['logits'], [OUTPUT_NAME], [int('axis', 1)]);

  const dims = (d: (number | string)[]) => ({ dim: d.map((v) => (typeof v === 'string' ? { dimParam: v } : { dimValue: v })) });
  const valueInfo = (name: string, d: (number | string)[]) => ({ name, type: { tensorType: { elemType: ONNX_FLOAT, shape: dims(d) } } });
  const Model = onnxType('ModelProto');
  const model = {
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'byol-explorer',
    producerVersion: '0.1.0',
    docString: `${spec.name} encoder + linear head; input ${INPUT_NAME} NHWC float32 RGB 0–255; output ${OUTPUT_NAME} [N, ${C}]`,
    graph: {
      name: `${spec.name}_classifier`,
      node: nodes,
      initializer: inits,
      input: [valueInfo(INPUT_NAME, ['N', S, S, 3])],
      output: [valueInfo(OUTPUT_NAME, ['N', C])],
    },
    metadataProps: [{ key: 'classes', value: JSON.stringify(head.classes) }],
  };
  const err = Model.verify(model);
  if (err) throw new Error(`export: invalid ONNX model: ${err}`);
  const bytes = Model.encode(Model.fromObject(model)).finish();
  const opCounts: Record<string, number> = {};
  for (const n of nodes) opCounts[n.opType] = (opCounts[n.opType] ?? 0) + 1;
  return { bytes, summary: { opCounts, initializers: inits.length, foldedBatchNorms: folded.size } };
}
