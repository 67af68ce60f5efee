// Encoders and heads on the (trainable) wasm backend: structure, parameter counts against
// torchvision's, seeded init, BatchNorm modes, EMA copies, and hand-written gradients
// against tfjs autodiff of the same network written with plain ops.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { enableTrainableWasm } from '../../main/engine/backends/wasm-grad-kernels';
import { INPUT, type NetworkSpec } from '../../main/engine/model/graph';
import { createMlpHead, mlpSpec } from '../../main/engine/model/mlp';
import type { Network } from '../../main/engine/model/network';
import { createEncoder, encoderSpec } from '../../main/engine/model/resnet';

beforeAll(async () => {
  enableTrainableWasm();
  expect(await tf.setBackend('wasm')).toBe(true);
});

const count = (spec: NetworkSpec, op: string) => spec.nodes.filter((n) => n.layer.op === op).length;

/** The same forward pass with plain tf ops and tfjs autodiff (batch-statistics BN). */
function referenceForward(net: Network, x: tf.Tensor): tf.Tensor {
  const v = new Map<string, tf.Tensor>([[INPUT, x]]);
  for (const n of net.spec.nodes) {
    const L = n.layer;
    const a = v.get(n.inputs[0])!;
    let out: tf.Tensor;
    if (L.op === 'conv') out = tf.conv2d(a as tf.Tensor4D, net.variable(n.name, 'kernel') as tf.Tensor4D, L.stride, L.pad === 0 ? 'valid' : [[0, 0], [L.pad, L.pad], [L.pad, L.pad], [0, 0]]);
    else if (L.op === 'bn') {
      const { mean, variance } = tf.moments(a, [...Array(a.rank - 1).keys()]);
      out = tf.batchNorm(a, mean, variance, net.variable(n.name, 'beta'), net.variable(n.name, 'gamma'), L.eps);
    } else if (L.op === 'relu') out = tf.relu(a);
    else if (L.op === 'add') out = tf.add(a, v.get(n.inputs[1])!);
    else if (L.op === 'maxpool') out = tf.maxPool(a as tf.Tensor4D, L.kernel, L.stride, L.pad);
    else if (L.op === 'gap') out = tf.mean(a, [1, 2]);
    else out = tf.add(tf.matMul(a as tf.Tensor2D, net.variable(n.name, 'kernel') as tf.Tensor2D), net.variable(n.name, 'bias'));
    v.set(n.name, out);
  }
  return v.get(net.spec.output)!;
}

function images(n: number, size: number, seed: number): tf.Tensor4D {
  return tf.randomUniform([n, size, size, 3], 0, 1, 'float32', seed) as tf.Tensor4D;
}

describe('encoder presets', () => {
  it('resnet18 matches torchvision ResNet-18 without fc, for both stems', () => {
    const cifar = encoderSpec('resnet18', 32);
    expect(count(cifar, 'conv')).toBe(20);
    expect(count(cifar, 'bn')).toBe(20);
    expect(count(cifar, 'add')).toBe(8);
    expect(count(cifar, 'maxpool')).toBe(0);
    expect(cifar.nodes[0].layer).toMatchObject({ op: 'conv', kernel: 3, stride: 1 });
    const imagenet = encoderSpec('resnet18', 96);
    expect(imagenet.nodes[0].layer).toMatchObject({ op: 'conv', kernel: 7, stride: 2, pad: 3 });
    expect(count(imagenet, 'maxpool')).toBe(1);
    const enc = createEncoder('resnet18', { inputSize: 96, seed: 1 });
    try {
      // torchvision: 11,689,512 with a 1000-way fc (513,000); CIFAR stem: 7·7·3·64 → 3·3·3·64.
      expect(enc.paramCount).toBe(11_689_512 - 513_000);
      const y = tf.tidy(() => enc.apply(images(2, 96, 1), { training: false }).shape);
      expect(y).toEqual([2, 512]);
    } finally {
      enc.dispose();
    }
    const c18 = createEncoder('resnet18', { inputSize: 32, seed: 0 });
    expect(c18.paramCount).toBe(11_689_512 - 513_000 - (7 * 7 - 3 * 3) * 3 * 64);
    c18.dispose();
  });

  it('small is a CPU-sized ResNet with a 192-d representation', () => {
    const enc = createEncoder('small', { inputSize: 32, seed: 1 });
    try {
      expect(enc.paramCount).toBeGreaterThan(300_000);
      expect(enc.paramCount).toBeLessThan(1_000_000);
      expect(tf.tidy(() => enc.apply(images(3, 32, 2), { training: true }).shape)).toEqual([3, enc.spec.outDim]);
    } finally {
      enc.dispose();
    }
  });

  it('initialisation is fixed by the seed', () => {
    const [a, b, c] = [createEncoder('small', { inputSize: 32, seed: 7 }), createEncoder('small', { inputSize: 32, seed: 7 }), createEncoder('small', { inputSize: 32, seed: 8 })];
    try {
      const wa = a.getWeights();
      const wb = b.getWeights();
      const wc = c.getWeights();
      wa.forEach((w, i) => expect(w.data).toEqual(wb[i].data));
      expect(wa[0].data).not.toEqual(wc[0].data);
    } finally {
      [a, b, c].forEach((n) => n.dispose());
    }
  });
});

describe('training behaviour', () => {
  it.each([
    ['CIFAR stem', 16, 4],
    ['ImageNet stem (7×7/2 conv + max-pool)', 72, 2],
  ])('hand-written gradients equal tfjs autodiff of the plain-op network: %s', (_name, size, batch) => {
    const enc = createEncoder('small', { inputSize: size, seed: 3 });
    try {
      const x = images(batch, size, 3);
      const target = tf.randomNormal([batch, enc.spec.outDim], 0, 1, 'float32', 4);
      const loss = (f: () => tf.Tensor) => () => tf.mean(tf.square(tf.sub(f(), target))) as tf.Scalar;
      const ours = tf.variableGrads(loss(() => enc.apply(x, { training: true, updateStats: false })), enc.trainable);
      const ref = tf.variableGrads(loss(() => referenceForward(enc, x)), enc.trainable);
      expect(Math.abs(ours.value.dataSync()[0] - ref.value.dataSync()[0])).toBeLessThan(1e-5);
      for (const v of enc.trainable) {
        const g = ours.grads[v.name].dataSync();
        const r = ref.grads[v.name].dataSync();
        let diff = 0;
        let scale = 1e-8;
        r.forEach((rv, i) => { diff = Math.max(diff, Math.abs(g[i] - rv)); scale = Math.max(scale, Math.abs(rv)); });
        expect(diff / scale, v.name).toBeLessThan(1e-3);
      }
      tf.dispose([x, target, ours.value, ref.value, ...Object.values(ours.grads), ...Object.values(ref.grads)]);
    } finally {
      enc.dispose();
    }
  });

  it('trains with tf.variableGrads on wasm, keeps moving statistics, and leaks no tensors', () => {
    const enc = createEncoder('small', { inputSize: 16, seed: 5 });
    const head = createMlpHead('projector', { inF: enc.spec.outDim, hidden: 64, outF: 16 }, 6);
    const opt = tf.train.momentum(0.05, 0.9);
    const x = images(8, 16, 5);
    const target = tf.randomNormal([8, 16], 0, 1, 'float32', 6);
    try {
      const vars = [...enc.trainable, ...head.trainable];
      const losses: number[] = [];
      const before = tf.memory().numTensors;
      for (let i = 0; i < 6; i++) {
        const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(head.apply(enc.apply(x, { training: true }), { training: true }), target))) as tf.Scalar, vars);
        opt.applyGradients(grads as tf.NamedTensorMap as Parameters<typeof opt.applyGradients>[0]);
        losses.push(value.dataSync()[0]);
        tf.dispose([value, ...Object.values(grads)]);
        // The optimizer creates its momentum slots on the first step.
        if (i === 0) expect(tf.memory().numTensors).toBe(before + vars.length);
      }
      expect(tf.memory().numTensors).toBe(before + vars.length);
      expect(losses[5]).toBeLessThan(losses[0] * 0.8);
      const mm = enc.variable('bn1', 'movingMean').dataSync();
      expect(mm.some((m) => m !== 0)).toBe(true);
      // Inference uses moving statistics: one image alone gives what it gives in a batch.
      const [alone, inBatch] = tf.tidy(() => [enc.apply(x.slice(0, 1), { training: false }).dataSync(), enc.apply(x, { training: false }).slice(0, 1).dataSync()]);
      alone.forEach((a, i) => expect(a).toBeCloseTo(inBatch[i], 4));
    } finally {
      tf.dispose([x, target]);
      opt.dispose();
      enc.dispose();
      head.dispose();
    }
  });

  it('clone() makes an independent EMA target; copyFrom() re-syncs it', () => {
    const online = createEncoder('small', { inputSize: 16, seed: 9 });
    const target = online.clone();
    try {
      expect(target.trainable.length).toBe(online.trainable.length);
      online.getWeights().forEach((w, i) => expect(target.getWeights()[i].data).toEqual(w.data));
      tf.tidy(() => online.trainable[0].assign(tf.add(online.trainable[0], 1)));
      expect(target.trainable[0].dataSync()[0]).toBeCloseTo(online.trainable[0].dataSync()[0] - 1, 5);
      target.copyFrom(online);
      expect(target.trainable[0].dataSync()).toEqual(online.trainable[0].dataSync());
      // Decay exclusion list: kernels decay, BN γ/β do not.
      const ex = online.excludeFromDecay;
      online.params.filter((p) => p.trainable).forEach((p, i) => expect(ex[i]).toBe(p.role !== 'kernel'));
    } finally {
      online.dispose();
      target.dispose();
    }
  });

  it('builds the projector/predictor MLP with torch-equal parameter counts', () => {
    const spec = mlpSpec('projector', { inF: 512, hidden: 1024, outF: 256 });
    expect(spec.nodes.map((n) => n.layer.op)).toEqual(['dense', 'bn', 'relu', 'dense']);
    const head = createMlpHead('projector', { inF: 512, hidden: 1024, outF: 256 }, 1);
    try {
      // torch: Linear(512,1024) + BatchNorm1d(1024) + Linear(1024,256)
      expect(head.paramCount).toBe(512 * 1024 + 1024 + 2 * 1024 + 1024 * 256 + 256);
      expect(tf.tidy(() => head.apply(tf.ones([4, 512]), { training: true }).shape)).toEqual([4, 256]);
    } finally {
      head.dispose();
    }
  });
});
