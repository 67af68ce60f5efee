/**
 * Every exporter branch on a hand-made graph: a conv read twice (not foldable) with a
 * stand-alone BatchNorm after it, a conv with no BatchNorm, a padded max-pool, dense layers
 * with and without bias and a BatchNorm on vectors; plus the refusals (unexportable spec,
 * wrong size, wrong head) leaving no folder behind. Random seeded images, no dataset needed.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpecBuilder, type NetworkSpec } from '../../main/engine/model/graph';
import { Network } from '../../main/engine/model/network';
import { Rng } from '../../main/engine/recipe/rng';
import { exportClassifier, predictInApp, type ClassifierHead } from '../../main/export/export-classifier';
import { readImagesNHWC } from '../../main/export/preprocessing';
import { tempDir } from '../helpers/paths';
import { maxAbsDiff, runChild } from './export-children';

const S = 16;

function oddSpec(): NetworkSpec {
  const b = new SpecBuilder();
  b.convBn('c1', 'b1', 3, 8, 3, 1);
  b.add('r1', { op: 'relu' });
  b.add('p1', { op: 'maxpool', kernel: 3, stride: 2, pad: 1 });
  const c2 = b.add('c2', { op: 'conv', kernel: 3, stride: 1, pad: 1, inC: 8, outC: 8 });
  const b2 = b.add('b2', { op: 'bn', channels: 8, eps: 1e-3, momentum: 0.1 });
  b.add('a', { op: 'add' }, [b2, c2]);
  b.add('r2', { op: 'relu' });
  b.add('c3', { op: 'conv', kernel: 1, stride: 2, pad: 0, inC: 8, outC: 8 });
  b.add('r3', { op: 'relu' });
  b.add('g', { op: 'gap' });
  b.add('d1', { op: 'dense', inF: 8, outF: 6, bias: true });
  b.add('b3', { op: 'bn', channels: 6, eps: 1e-5, momentum: 0.1 });
  b.add('r4', { op: 'relu' });
  b.add('d2', { op: 'dense', inF: 6, outF: 5, bias: false });
  return { name: 'odd', inputShape: [S, S, 3], nodes: b.nodes, output: b.last, outDim: 5 };
}

/** Random moving statistics and affine BN parameters, so every BN path matters. */
function randomizeBn(net: Network, rng: Rng): void {
  const draw: Record<string, () => number> = {
    gamma: () => rng.uniform(0.5, 1.5), beta: () => rng.normal(0, 0.3),
    movingMean: () => rng.normal(0, 0.3), movingVariance: () => rng.uniform(0.3, 2),
  };
  net.setWeights(net.getWeights().map((w) => {
    const f = draw[w.name.slice(w.name.lastIndexOf('.') + 1)];
    return f ? { ...w, data: Float32Array.from(w.data, f) } : w;
  }));
}

describe('classifier export: every op branch, in fresh TF.js and onnxruntime processes', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let net: Network;
  let head: ClassifierHead;
  let files: string[];

  beforeAll(async () => {
    tmp = await tempDir('byol-export-graph-');
    const rng = new Rng(5, 'export-graph');
    files = [];
    for (let i = 0; i < 4; i++) {
      const px = Buffer.from(Array.from({ length: S * S * 3 }, () => rng.int(0, 256)));
      files.push(path.join(tmp.dir, `img${i}.png`));
      await sharp(px, { raw: { width: S, height: S, channels: 3 } }).png().toFile(files[i]);
    }
    net = new Network(oddSpec(), 5);
    randomizeBn(net, rng);
    head = { W: Float32Array.from({ length: 15 }, () => rng.normal(0, 1.5)), b: Float32Array.from([0.2, -0.1, 0]), classes: ['p', 'q', 'r'] };
  });
  afterAll(async () => {
    net?.dispose();
    await tmp?.cleanup();
  });

  it('matches the app within 1e-4', async () => {
    const outDir = path.join(tmp.dir, 'export');
    const res = await exportClassifier({ encoder: net, head, inputSize: S, outDir });
    expect(res.onnx.foldedBatchNorms).toBe(1);
    expect(res.onnx.opCounts).toMatchObject({ Conv: 3, BatchNormalization: 2, MaxPool: 1, Gemm: 3 });
    const expected = predictInApp(net, head, await readImagesNHWC(files, S));
    expect(Math.max(...expected) - Math.min(...expected)).toBeGreaterThan(0.2);
    const [t, o] = await Promise.all([runChild('export-tfjs-child.ts', outDir, files), runChild('export-onnx-child.ts', outDir, files)]);
    const dT = maxAbsDiff(t.probs, expected);
    const dO = maxAbsDiff(o.probs, expected);
    console.log(`odd graph: max |Δp| TF.js ${dT.toExponential(2)}, ONNX ${dO.toExponential(2)}`);
    expect(dT).toBeLessThanOrEqual(1e-4);
    expect(dO).toBeLessThanOrEqual(1e-4);
  }, 60_000);

  it('refuses what it cannot export exactly, leaving no folder behind', async () => {
    const before = tf.memory().numTensors;
    const outDir = path.join(tmp.dir, 'refused');
    const bad = oddSpec();
    bad.nodes = bad.nodes.filter((n) => n.name !== 'r1').map((n) => (n.name === 'p1' ? { ...n, inputs: ['b1'] } : n));
    const badNet = new Network(bad, 1);
    try {
      await expect(exportClassifier({ encoder: badNet, head, inputSize: S, outDir })).rejects.toThrow(/must follow a ReLU/);
    } finally {
      badNet.dispose();
    }
    await expect(exportClassifier({ encoder: net, head, inputSize: 32, outDir })).rejects.toThrow(/16 px/);
    const wrongHead = { ...head, classes: ['p', 'q'] };
    await expect(exportClassifier({ encoder: net, head: wrongHead, inputSize: S, outDir })).rejects.toThrow(/do not match 5 features × 2 classes/);
    expect(existsSync(outDir)).toBe(false);
    expect(readdirSync(tmp.dir).filter((f) => f.startsWith('refused'))).toEqual([]);
    // A folder that cannot be made fails at once: Node's own recursive mkdir spins forever under /proc.
    if (existsSync('/proc/self')) {
      const hang = new Promise((_, reject) => setTimeout(() => reject(new Error('export to /proc did not settle')), 5000));
      await expect(Promise.race([exportClassifier({ encoder: net, head, inputSize: S, outDir: '/proc/byol-absent/export' }), hang])).rejects.toThrow(/ENOENT/);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
