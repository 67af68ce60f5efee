/**
 * The classifier-export round trip, shared by the per-preset test files: a seeded encoder with non-trivial BatchNorm state
 * and a random 3-class head is exported, then each format is loaded in a fresh process
 * (TF.js with plain @tensorflow/tfjs, ONNX with onnxruntime-node) on real CIFAR images
 * decoded per preprocessing.json; both must match the app's probabilities within 1e-4.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Network } from '../../main/engine/model/network';
import { createEncoder, type EncoderPreset } from '../../main/engine/model/resnet';
import { Rng } from '../../main/engine/recipe/rng';
import { onnxType } from '../../main/export/onnx-proto';
import { exportClassifier, predictInApp, type ClassifierHead } from '../../main/export/export-classifier';
import { readImagesNHWC } from '../../main/export/preprocessing';
import { CIFAR_DIR, hasCifar, tempDir } from '../helpers/paths';
import { maxAbsDiff, runChild } from './export-children';

const TOL = 1e-4;

/** The first image of each of the first 8 class folders. */
function cifarSample(): string[] {
  const classes = readdirSync(CIFAR_DIR).sort().slice(0, 8);
  return classes.map((c) => path.join(CIFAR_DIR, c, readdirSync(path.join(CIFAR_DIR, c)).sort()[0]));
}

/**
 * Moving statistics from a few training-mode passes on real images, then γ/β perturbed, so
 * a wrong BN mode, fold or channel order in an exporter changes the probabilities.
 */
function makeNonTrivialBn(net: Network, images: Float32Array, seed: number): void {
  const SIZE = net.spec.inputShape[0];
  const n = images.length / (SIZE * SIZE * 3);
  for (let k = 0; k < 3; k++) {
    tf.tidy(() => {
      const x = tf.div(tf.sub(tf.div(tf.tensor4d(images, [n, SIZE, SIZE, 3]), 255), 0.45), 0.225);
      net.apply(x, { training: true });
    });
  }
  const rng = new Rng(seed, 'bn-affine');
  net.setWeights(net.getWeights().map((w) => {
    const role = w.name.slice(w.name.lastIndexOf('.') + 1);
    if (role === 'gamma') return { ...w, data: Float32Array.from(w.data, () => rng.uniform(0.6, 1.4)) };
    if (role === 'beta') return { ...w, data: Float32Array.from(w.data, () => rng.normal(0, 0.2)) };
    return w;
  }));
}

/** A random head scaled so the logits spread over a few units (probabilities neither flat nor one-hot). */
function randomHead(net: Network, images: Float32Array, seed: number): ClassifierHead {
  const d = net.spec.outDim;
  const classes = ['cat', 'ship', 'frog'];
  const rng = new Rng(seed, 'head');
  const SIZE = net.spec.inputShape[0];
  const rms = tf.tidy(() => {
    const n = images.length / (SIZE * SIZE * 3);
    const f = net.apply(tf.div(tf.tensor4d(images, [n, SIZE, SIZE, 3]), 255), { training: false });
    return Math.sqrt(tf.mean(tf.square(f)).dataSync()[0]);
  });
  const scale = 2 / (Math.sqrt(d) * Math.max(rms, 1e-6));
  return {
    W: Float32Array.from({ length: d * classes.length }, () => rng.normal(0, scale)),
    b: Float32Array.from(classes, () => rng.normal(0, 0.5)),
    classes,
  };
}

interface OnnxModelView {
  irVersion: number;
  opsetImport: { domain?: string; version: number }[];
  graph: { input: { type: { tensorType: { shape: { dim: { dimValue?: number; dimParam?: string }[] } } } }[] };
}

/**
 * The app side runs on wasm (the app's CPU backend, and 20× faster than cpu here); the TF.js
 * child on `childBackend`, so a plain-cpu load of the format is covered too.
 */
export function roundTrip(preset: EncoderPreset, seed: number, o: { size: number; timeout: number; childBackend: 'cpu' | 'wasm'; replaceTests: boolean }) {
  const { timeout, size: SIZE } = o;
  describe.skipIf(!hasCifar)(`classifier export round trip (${preset}, ${SIZE} px)`, () => {
    let tmp: Awaited<ReturnType<typeof tempDir>>;
    let net: Network;
    let head: ClassifierHead;
    let files: string[];
    let images: Float32Array;
    let outDir: string;

    beforeAll(async () => {
      await tf.setBackend('wasm');
      tmp = await tempDir('byol-export-');
      files = cifarSample();
      images = await readImagesNHWC(files, SIZE);
      net = createEncoder(preset, { inputSize: SIZE, seed });
      makeNonTrivialBn(net, images, seed);
      head = randomHead(net, images, seed);
      outDir = path.join(tmp.dir, 'export');
    }, timeout);
    afterAll(async () => {
      net?.dispose();
      await tmp?.cleanup();
    });

    it('writes every file, folds all BatchNorms, leaks no tensors and runs the same in fresh TF.js and onnxruntime processes', async () => {
      const before = tf.memory().numTensors;
      const res = await exportClassifier({ encoder: net, head, inputSize: SIZE, outDir });
      const expected = predictInApp(net, head, images);
      expect(tf.memory().numTensors).toBe(before);
      for (const f of res.files) expect(existsSync(path.join(outDir, f)), f).toBe(true);
      expect(JSON.parse(readFileSync(path.join(outDir, 'labels.json'), 'utf8'))).toEqual(head.classes);
      expect(JSON.parse(readFileSync(path.join(outDir, 'preprocessing.json'), 'utf8'))).toMatchObject({ inputSize: SIZE, valueRange: [0, 255] });
      expect(readdirSync(tmp.dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
      const model = onnxType('ModelProto').toObject(onnxType('ModelProto').decode(readFileSync(path.join(outDir, 'model.onnx'))), { longs: Number }) as OnnxModelView;
      expect(model.irVersion).toBe(7);
      expect(model.opsetImport).toEqual([{ version: 13 }]);
      expect(model.graph.input[0].type.tensorType.shape.dim.map((d) => d.dimValue ?? d.dimParam)).toEqual(['N', SIZE, SIZE, 3]);

      const convs = net.spec.nodes.filter((n) => n.layer.op === 'conv').length;
      const bns = net.spec.nodes.filter((n) => n.layer.op === 'bn').length;
      expect(res.onnx.opCounts.Conv).toBe(convs);
      expect(res.onnx.opCounts.BatchNormalization).toBeUndefined();
      expect(res.onnx.foldedBatchNorms).toBe(bns);

      // The fixture must be able to fail: probabilities that are neither flat nor one-hot.
      const spread = Math.max(...expected) - Math.min(...expected);
      expect(spread).toBeGreaterThan(0.2);
      expect(Math.max(...expected)).toBeLessThan(0.999);

      const [tfjsOut, onnxOut] = await Promise.all([runChild('export-tfjs-child.ts', outDir, files, o.childBackend), runChild('export-onnx-child.ts', outDir, files)]);
      const dTfjs = maxAbsDiff(tfjsOut.probs, expected);
      const dOnnx = maxAbsDiff(onnxOut.probs, expected);
      console.log(`${preset}: max |Δp| TF.js ${dTfjs.toExponential(2)}, ONNX ${dOnnx.toExponential(2)}; ONNX ops ${JSON.stringify(res.onnx.opCounts)}`);
      expect(tfjsOut.shape).toEqual([files.length, head.classes.length]);
      expect(onnxOut.shape).toEqual([files.length, head.classes.length]);
      expect(dTfjs).toBeLessThanOrEqual(TOL);
      expect(dOnnx).toBeLessThanOrEqual(TOL);
    }, timeout);

    if (o.replaceTests) it('refuses a folder holding other files and replaces an earlier export in place', async () => {
      const foreign = path.join(tmp.dir, 'foreign');
      await mkdir(foreign);
      await writeFile(path.join(foreign, 'notes.txt'), 'keep me');
      await expect(exportClassifier({ encoder: net, head, inputSize: SIZE, outDir: foreign })).rejects.toThrow(/not empty/);
      expect(readdirSync(foreign)).toEqual(['notes.txt']);

      const relabelled = { ...head, classes: ['a', 'b', 'c'] };
      await exportClassifier({ encoder: net, head: relabelled, inputSize: SIZE, outDir });
      expect(JSON.parse(readFileSync(path.join(outDir, 'labels.json'), 'utf8'))).toEqual(['a', 'b', 'c']);
      expect(readdirSync(tmp.dir).filter((f) => f.includes('.tmp-') || f.includes('.old-'))).toEqual([]);
    }, timeout);
  });
}
