/**
 * Fresh-process check of an exported ONNX model: argv = exportDir resultFile image...;
 * runs model.onnx in onnxruntime-node (CPU) and writes the probabilities as JSON.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { decodeForExport, readPreprocessing } from './export-child-images';

const [exportDir, resultFile, ...files] = process.argv.slice(2);
const pre = readPreprocessing(exportDir);
const session = await ort.InferenceSession.create(path.join(exportDir, 'model.onnx'));
const S = pre.inputSize;
const input = new ort.Tensor('float32', await decodeForExport(pre, files), [files.length, S, S, 3]);
const out = (await session.run({ [pre.inputName]: input }))[pre.outputName];
writeFileSync(resultFile, JSON.stringify({ inputs: session.inputNames, shape: out.dims, probs: Array.from(out.data as Float32Array) }));
