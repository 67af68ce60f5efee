/**
 * Encoder + linear head → a TF.js LayersModel built only from stock tf.layers, so any
 * TF.js runtime loads it without registering custom classes:
 *   normalisation  = 1×1 depthwise conv (kernel 1/(255·std), bias −mean/std), exact;
 *   conv with pad p = zeroPadding2d(p) + 'valid' conv2d, because TF 'same' pads
 *                     asymmetrically for stride 2 and would not match PyTorch/ONNX;
 *   BatchNorm       = batchNormalization with the moving statistics (inference).
 */
import * as tf from '@tensorflow/tfjs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { INPUT, type NetworkSpec } from '../engine/model/graph';
import type { Network } from '../engine/model/network';
import { INPUT_NAME, normalizationAffine, type ClassifierHead, type Normalization } from './preprocessing';
import { checkExportable, checkHead, weightLookup } from './spec-walk';

type Sym = tf.SymbolicTensor;

/** Layer names may not contain dots; torchvision-style node names do. */
const layerName = (node: string) => node.replace(/[^A-Za-z0-9_]/g, '_');

function setWeights(layer: tf.layers.Layer, values: { data: Float32Array; shape: number[] }[]): void {
  tf.tidy(() => layer.setWeights(values.map((v) => tf.tensor(v.data, v.shape))));
}

export interface TfjsExportInput {
  encoder: Network;
  spec: NetworkSpec;
  head: ClassifierHead;
  normalization: Normalization;
}

/** Builds the model with the encoder's current weights; the caller disposes it. */
export function buildLayersModel(o: TfjsExportInput): tf.LayersModel {
  const { spec, head } = o;
  const { inputSize: S, featureDim } = checkExportable(spec);
  const C = checkHead(head, featureDim);
  const w = weightLookup(o.encoder);
  const input = tf.input({ shape: [S, S, 3], name: INPUT_NAME });
  const pre = tf.layers.depthwiseConv2d({ kernelSize: 1, depthMultiplier: 1, useBias: true, name: 'preprocess' });
  const values = new Map<string, Sym>([[INPUT, pre.apply(input) as Sym]]);
  const { scale, shift } = normalizationAffine(o.normalization);
  setWeights(pre, [{ data: scale, shape: [1, 1, 3, 1] }, { data: shift, shape: [3] }]);

  const pad = (x: Sym, p: number, name: string) =>
    p === 0 ? x : (tf.layers.zeroPadding2d({ padding: [[p, p], [p, p]], name: `${name}_pad` }).apply(x) as Sym);

  for (const n of spec.nodes) {
    const L = n.layer;
    const x = values.get(n.inputs[0])!;
    const name = layerName(n.name);
    let out: Sym;
    switch (L.op) {
      case 'conv': {
        const layer = tf.layers.conv2d({ filters: L.outC, kernelSize: L.kernel, strides: L.stride, padding: 'valid', useBias: false, name });
        out = layer.apply(pad(x, L.pad, name)) as Sym;
        setWeights(layer, [w(n.name, 'kernel')]);
        break;
      }
      case 'bn': {
        const layer = tf.layers.batchNormalization({ axis: -1, epsilon: L.eps, momentum: 1 - L.momentum, name });
        out = layer.apply(x) as Sym;
        setWeights(layer, [w(n.name, 'gamma'), w(n.name, 'beta'), w(n.name, 'movingMean'), w(n.name, 'movingVariance')]);
        break;
      }
      case 'relu':
        out = tf.layers.activation({ activation: 'relu', name }).apply(x) as Sym;
        break;
      case 'add':
        out = tf.layers.add({ name }).apply([x, values.get(n.inputs[1])!]) as Sym;
        break;
      case 'maxpool':
        // Zero padding is exact here: checkExportable ensured the input is a ReLU output (≥ 0).
        out = tf.layers.maxPooling2d({ poolSize: L.kernel, strides: L.stride, padding: 'valid', name }).apply(pad(x, L.pad, name)) as Sym;
        break;
      case 'gap':
        out = tf.layers.globalAveragePooling2d({ name }).apply(x) as Sym;
        break;
      case 'dense': {
        const layer = tf.layers.dense({ units: L.outF, useBias: L.bias, name });
        out = layer.apply(x) as Sym;
        setWeights(layer, L.bias ? [w(n.name, 'kernel'), w(n.name, 'bias')] : [w(n.name, 'kernel')]);
        break;
      }
    }
    values.set(n.name, out);
  }
  const headLayer = tf.layers.dense({ units: C, activation: 'softmax', name: 'head' });
  const probs = headLayer.apply(values.get(spec.output)!) as Sym;
  setWeights(headLayer, [{ data: head.W, shape: [featureDim, C] }, { data: head.b, shape: [C] }]);
  return tf.model({ inputs: input, outputs: probs, name: `${spec.name}_classifier` });
}

export const TFJS_WEIGHTS_FILE = 'weights.bin';

/** Writes model.json + one weights shard (the layout tf.loadLayersModel expects) into dir. */
export async function saveLayersModel(model: tf.LayersModel, dir: string): Promise<void> {
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const a = saved as tf.io.ModelArtifacts | null;
  if (!a?.weightData || !a.weightSpecs) throw new Error('export: TF.js produced no weights');
  const weights = tf.io.CompositeArrayBuffer.join(a.weightData);
  const json = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: null,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: a.weightSpecs }],
  };
  await writeFile(path.join(dir, 'model.json'), JSON.stringify(json));
  await writeFile(path.join(dir, TFJS_WEIGHTS_FILE), new Uint8Array(weights));
}
