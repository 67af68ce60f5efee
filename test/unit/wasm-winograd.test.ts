// Winograd F(4×4, 3×3) convolutions on wasm against the stock XNNPACK kernel and the
// pure-JS cpu backend, including batches split into several chunks of images.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { enableTrainableWasm } from '../../main/engine/backends/wasm-grad-kernels';
import { setWinograd, winogradCalls } from '../../main/engine/backends/wasm-winograd';
import { randomData, relErr } from '../helpers/tensor-compare';

type Shape4 = [number, number, number, number];

async function conv(backend: string, x: Float32Array, xs: Shape4, w: Float32Array, ws: Shape4, pad: 'same' | 'valid' = 'same', stride = 1): Promise<Float32Array> {
  await tf.setBackend(backend);
  return tf.tidy(() => tf.conv2d(tf.tensor4d(x, xs), tf.tensor4d(w, ws), stride, pad).dataSync() as Float32Array);
}

beforeAll(async () => {
  enableTrainableWasm();
  expect(await tf.setBackend('wasm')).toBe(true);
});

describe('Winograd 3x3 convolution on wasm', () => {
  const CASES: [string, Shape4, Shape4, number][] = [
    ['one tile per image (4x4, the last ResNet stage)', [3, 4, 4, 16], [3, 3, 16, 24], 1 << 25],
    ['several tiles, non-square', [2, 8, 12, 20], [3, 3, 20, 16], 1 << 25],
    ['batch split into chunks of images', [5, 8, 8, 16], [3, 3, 16, 16], 36 * 4 * 16 * 2],
    ['one image per chunk', [3, 12, 8, 17], [3, 3, 17, 19], 1],
  ];
  for (const [name, xs, ws, chunk] of CASES) {
    it(`matches the stock kernel and cpu: ${name}`, async () => {
      const x = randomData(xs, 1);
      const w = randomData(ws, 2);
      const prev = setWinograd({ enabled: true, chunk, minChannels: 16 });
      let got: Float32Array;
      const before = winogradCalls();
      const buffers = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
      await tf.setBackend('wasm');
      const buffersBefore = buffers();
      try {
        got = await conv('wasm', x, xs, w, ws);
      } finally {
        setWinograd(prev);
      }
      expect(winogradCalls() - before).toBe(1);
      await tf.setBackend('wasm');
      // Every transform buffer is freed.
      expect(buffers()).toBe(buffersBefore);
      setWinograd({ enabled: false });
      const stock = await conv('wasm', x, xs, w, ws);
      setWinograd(prev);
      const cpu = await conv('cpu', x, xs, w, ws);
      expect(relErr(got, stock)).toBeLessThan(1e-4);
      expect(relErr(got, cpu)).toBeLessThan(1e-4);
      expect(relErr(stock, cpu)).toBeLessThan(1e-5);
    });
  }

  it('leaves other convolutions to the stock kernel', async () => {
    const prev = setWinograd({ enabled: true, minChannels: 16 });
    const before = winogradCalls();
    const cases: [Shape4, Shape4, 'same' | 'valid', number][] = [
      [[1, 8, 8, 3], [3, 3, 3, 16], 'same', 1], // too few input channels (a stem)
      [[1, 8, 8, 16], [3, 3, 16, 16], 'same', 2], // stride 2
      [[1, 8, 8, 16], [3, 3, 16, 16], 'valid', 1], // no padding
      [[1, 6, 6, 16], [3, 3, 16, 16], 'same', 1], // sides not divisible by 4
      [[1, 8, 8, 16], [1, 1, 16, 16], 'same', 1], // 1x1
    ];
    for (const [xs, ws, pad, stride] of cases) await conv('wasm', randomData(xs, 3), xs, randomData(ws, 4), ws, pad, stride);
    setWinograd({ minChannels: 64 });
    await conv('wasm', randomData([1, 8, 8, 32], 5), [1, 8, 8, 32], randomData([3, 3, 32, 64], 6), [3, 3, 32, 64]); // narrower than the default minimum
    setWinograd(prev);
    expect(winogradCalls()).toBe(before);
  });
});
