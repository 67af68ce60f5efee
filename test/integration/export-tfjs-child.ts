/**
 * Fresh-process check of an exported TF.js model: argv = exportDir resultFile image...;
 * loads tfjs/model.json with @tensorflow/tfjs (no tfjs-node) and writes the
 * probabilities to resultFile as JSON.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeForExport, readPreprocessing } from './export-child-images';

const [exportDir, resultFile, ...files] = process.argv.slice(2);
// 'cpu' (plain tfjs, nothing else needed) by default; 'wasm' keeps resnet18 fast.
await tf.setBackend(process.env.EXPORT_CHILD_TFJS_BACKEND ?? 'cpu');
const pre = readPreprocessing(exportDir);
const json = JSON.parse(readFileSync(path.join(exportDir, 'tfjs/model.json'), 'utf8')) as {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
};
const buffers = json.weightsManifest.flatMap((g) => g.paths.map((p) => new Uint8Array(readFileSync(path.join(exportDir, 'tfjs', p))).buffer));
const model = await tf.loadLayersModel(tf.io.fromMemory({
  modelTopology: json.modelTopology,
  weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
  weightData: tf.io.concatenateArrayBuffers(buffers),
}));
const S = pre.inputSize;
const x = tf.tensor4d(await decodeForExport(pre, files), [files.length, S, S, 3]);
const y = model.predict(x) as tf.Tensor;
writeFileSync(resultFile, JSON.stringify({ backend: tf.getBackend(), shape: y.shape, probs: Array.from(y.dataSync()) }));
