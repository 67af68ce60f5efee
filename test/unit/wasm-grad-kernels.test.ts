// The wasm gradient kernels against the pure-JS cpu backend (tfjs's reference
// implementation) and against finite differences.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { setFilterGradChunkLimits } from '../../main/engine/backends/wasm-filter-grad';
import { enableTrainableWasm, inputGradFallbacks, TRAINABLE_WASM_KERNELS } from '../../main/engine/backends/wasm-grad-kernels';
import { winogradCalls } from '../../main/engine/backends/wasm-winograd';
import { randomData, relErr } from '../helpers/tensor-compare';

type Pad = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];
interface Case {
  name: string; x: [number, number, number, number]; w: [number, number, number, number]; s: number | [number, number]; pad: Pad;
  /** Expected to take the stock Conv2DBackpropInput path. */
  stock?: boolean;
  /** Convolutions expected to run as Winograd (forward and input gradient). */
  winograd?: number;
}

const CASES: Case[] = [
  { name: '3x3 s1 same', x: [2, 7, 9, 3], w: [3, 3, 3, 4], s: 1, pad: 'same' },
  { name: '3x3 s2 same, odd size', x: [2, 7, 9, 3], w: [3, 3, 3, 4], s: 2, pad: 'same' },
  { name: '3x3 s2 valid', x: [2, 8, 8, 3], w: [3, 3, 3, 5], s: 2, pad: 'valid' },
  { name: '3x3 s2 explicit 1 (ResNet downsampling)', x: [3, 8, 8, 4], w: [3, 3, 4, 6], s: 2, pad: [[0, 0], [1, 1], [1, 1], [0, 0]] },
  { name: '7x7 s2 pad 3 (ImageNet stem)', x: [2, 13, 11, 3], w: [7, 7, 3, 4], s: 2, pad: 3 },
  { name: '1x1 s2 valid (shortcut)', x: [2, 8, 8, 4], w: [1, 1, 4, 6], s: 2, pad: 'valid' },
  { name: '1x1 s1', x: [2, 5, 6, 4], w: [1, 1, 4, 3], s: 1, pad: 'same' },
  { name: '1x1 s2 same, odd size (subsampled transpose)', x: [3, 7, 9, 5], w: [1, 1, 5, 4], s: 2, pad: 'same' },
  { name: '1x1 strides [3,2], odd size', x: [2, 10, 7, 3], w: [1, 1, 3, 2], s: [3, 2], pad: 'valid' },
  { name: '1x1 s2, padded bottom and right (last row and column are padding; stock input gradient)', x: [2, 6, 6, 3], w: [1, 1, 3, 4], s: 2, pad: [[0, 0], [0, 1], [0, 1], [0, 0]], stock: true },
  { name: 'non-square 2x3 kernel, strides [2,1]', x: [2, 9, 9, 2], w: [2, 3, 2, 3], s: [2, 1], pad: 'valid' },
  { name: 'large map (flat-grid filter gradient)', x: [2, 20, 18, 3], w: [3, 3, 3, 5], s: 1, pad: 'same' },
  { name: 'large map, stride 2 (flat grid, 4 phases)', x: [2, 36, 34, 2], w: [3, 3, 2, 3], s: 2, pad: [[0, 0], [1, 1], [1, 1], [0, 0]] },
  { name: '3x3 s1 same, 64+ channels (Winograd forward and input gradient)', x: [2, 8, 12, 64], w: [3, 3, 64, 72], s: 1, pad: 'same', winograd: 2 },
  { name: 'pad wider than kernel (stock input-gradient fallback)', x: [1, 6, 6, 2], w: [2, 2, 2, 3], s: 1, pad: 3, stock: true },
];

/**
 * Gradients of sum((conv(x, w) + ½)²) with respect to x and w, on the given backend. The
 * offset keeps dy nonzero where an output reads only padding, as a bias or BatchNorm would.
 */
async function convGrads(backend: string, c: Case, xv: Float32Array, wv: Float32Array): Promise<[Float32Array, Float32Array]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const f = (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.square(tf.add(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.s, c.pad), 0.5)));
    const [gx, gw] = tf.grads(f)([tf.tensor(xv, c.x), tf.tensor(wv, c.w)]);
    return [gx.dataSync() as Float32Array, gw.dataSync() as Float32Array] as [Float32Array, Float32Array];
  });
}

beforeAll(async () => {
  enableTrainableWasm();
  expect(await tf.setBackend('wasm')).toBe(true);
});

describe('wasm conv gradient kernels', () => {
  it('registers every kernel it lists for wasm', () => {
    for (const k of TRAINABLE_WASM_KERNELS) expect(tf.getKernel(k, 'wasm'), k).toBeDefined();
  });

  for (const [i, c] of CASES.entries()) {
    it(`matches the cpu backend: ${c.name}`, async () => {
      const xv = randomData(c.x, 10 + i);
      const wv = randomData(c.w, 20 + i);
      await tf.setBackend('wasm');
      const tensorsBefore = tf.memory().numTensors;
      const buffersBefore = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
      const fallbacksBefore = inputGradFallbacks();
      const winogradBefore = winogradCalls();
      const [wx, ww] = await convGrads('wasm', c, xv, wv);
      expect(inputGradFallbacks() - fallbacksBefore, 'stock input-gradient fallbacks').toBe(c.stock ? 1 : 0);
      expect(winogradCalls() - winogradBefore, 'Winograd convolutions').toBe(c.winograd ?? 0);
      // No tensor and no backend buffer (our kernels allocate their own) may outlive the call.
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      expect((tf.backend() as unknown as { numDataIds(): number }).numDataIds()).toBe(buffersBefore);
      const [cx, cw] = await convGrads('cpu', c, xv, wv);
      expect(relErr(wx, cx), 'dx').toBeLessThan(1e-4);
      expect(relErr(ww, cw), 'dW').toBeLessThan(1e-4);
    });
  }

  // The filter gradient sums GEMMs over chunks of output rows, or of images within a row
  // when one row of the whole batch is too long; tiny limits force both splits here.
  const CHUNKED: [string, Case, { chunk: number; packed: number }][] = [
    ['row chunks', { name: '', x: [3, 9, 10, 4], w: [3, 3, 4, 5], s: 1, pad: 'same' }, { chunk: 36 * 60, packed: 5 * 60 }],
    ['image chunks, stride 2', { name: '', x: [5, 9, 8, 3], w: [3, 3, 3, 4], s: 2, pad: [[0, 0], [1, 1], [1, 1], [0, 0]] }, { chunk: 27 * 7, packed: 4 * 7 }],
    ['image chunks, 1x1 stride 2', { name: '', x: [4, 8, 8, 4], w: [1, 1, 4, 6], s: 2, pad: 'valid' }, { chunk: 4 * 6, packed: 6 * 6 }],
  ];
  for (const [name, c, lim] of CHUNKED) {
    it(`filter gradient over several chunks matches cpu: ${name}`, async () => {
      const xv = randomData(c.x, 31);
      const wv = randomData(c.w, 32);
      const prev = setFilterGradChunkLimits(lim);
      let ww: Float32Array;
      try {
        [, ww] = await convGrads('wasm', c, xv, wv);
      } finally {
        setFilterGradChunkLimits(prev);
      }
      const [, cw] = await convGrads('cpu', c, xv, wv);
      expect(relErr(ww, cw), 'dW').toBeLessThan(1e-4);
    });
  }

  it('agrees with central finite differences (float64 reference loss)', async () => {
    // loss = Σ (conv(x, w) + ½)² is quadratic in each variable, so a central difference is
    // exact up to rounding; the loss is re-evaluated in float64 from wasm's float32 conv output.
    const c: Case = { name: 'fd', x: [2, 5, 6, 2], w: [3, 3, 2, 2], s: 2, pad: 'same' };
    const xv = randomData(c.x, 1);
    const wv = randomData(c.w, 2);
    const [gx, gw] = await convGrads('wasm', c, xv, wv);
    const loss = (x: Float32Array, w: Float32Array) => tf.tidy(() => {
      const y = tf.conv2d(tf.tensor(x, c.x) as tf.Tensor4D, tf.tensor(w, c.w) as tf.Tensor4D, c.s, c.pad).dataSync();
      let s = 0;
      for (const v of y) s += (v + 0.5) * (v + 0.5);
      return s;
    });
    const eps = 1e-2;
    const check = (which: 'x' | 'w', idx: number) => {
      const base = which === 'x' ? xv : wv;
      const plus = Float32Array.from(base);
      const minus = Float32Array.from(base);
      plus[idx] += eps;
      minus[idx] -= eps;
      const num = which === 'x' ? (loss(plus, wv) - loss(minus, wv)) / (2 * eps) : (loss(xv, plus) - loss(xv, minus)) / (2 * eps);
      const ana = which === 'x' ? gx[idx] : gw[idx];
      expect(Math.abs(num - ana), `${which}[${idx}]: numeric ${num} vs analytic ${ana}`).toBeLessThan(2e-3 * Math.max(1, Math.abs(num)));
    };
    for (const idx of [0, 7, 23, 41, 59]) check('x', idx);
    for (const idx of [0, 5, 17, 30, 35]) check('w', idx);
  });
});

describe('patched wasm kernels', () => {
  it('BatchMatMul with transposes matches cpu', async () => {
    const a = randomData([7, 5], 3);
    const b = randomData([7, 4], 4);
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const A = tf.tensor2d(a, [7, 5]);
        const B = tf.tensor2d(b, [7, 4]);
        return [tf.matMul(A, B, true, false), tf.matMul(B, A, true, false), tf.matMul(A.transpose(), B.transpose(), false, true)].map((t) => t.dataSync() as Float32Array);
      });
    };
    const w = await run('wasm');
    const c = await run('cpu');
    w.forEach((v, i) => expect(relErr(v, c[i])).toBeLessThan(1e-5));
  });

  it('Identity shares the buffer, and a clone survives its source', async () => {
    await tf.setBackend('wasm');
    const be = tf.backend() as unknown as { numDataIds(): number };
    const x = tf.tensor1d([1, 2, 3]);
    const before = be.numDataIds();
    const y = tf.clone(x);
    expect(be.numDataIds()).toBe(before);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    y.dispose();
    expect(be.numDataIds()).toBe(before - 1);
  });
});
