// Backend selection where the native tfjs-node packages are absent (as on the build
// machines): wasm is chosen, multithreaded, and can train a conv; cpu when asked.
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/engine/backends/select';

const require = createRequire(import.meta.url);
function installed(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}
const nativeInstalled = installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu');
if (nativeInstalled) console.log('skipping wasm-selection checks: a native tfjs-node package is installed here');

describe('selectBackend', () => {
  it.skipIf(nativeInstalled)('falls back to a threaded, trainable wasm and says why', async () => {
    const sel = await selectBackend('auto', { threads: 2 });
    expect(sel.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(sel.reasons['tensorflow-gpu']).toMatch(/^not installed: npm install @tensorflow\/tfjs-node-gpu .*CUDA 11\.2.*cuDNN 8\.1/);
    expect(sel.reasons.tensorflow).toMatch(/^not installed: npm install @tensorflow\/tfjs-node /);
    expect(sel.reasons.cpu).toMatch(/wasm is available/);
    expect(sel.threads).toBe(2);
    // Trainable: the filter gradient that stock wasm lacks now runs.
    const g = tf.tidy(() => {
      const x = tf.ones([1, 4, 4, 1]);
      const w = tf.ones([3, 3, 1, 1]);
      return tf.grad((ww: tf.Tensor) => tf.sum(tf.conv2d(x as tf.Tensor4D, ww as tf.Tensor4D, 1, 'valid')))(w).dataSync();
    });
    expect(Array.from(g)).toEqual(new Array(9).fill(4));
  });

  it('honours an explicit cpu preference and reports the others as not requested', async () => {
    const sel = await selectBackend('cpu');
    expect(sel.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(sel.warning).toMatch(/slow/);
    for (const b of ['tensorflow-gpu', 'tensorflow', 'wasm'] as const) expect(sel.reasons[b]).toBe('not requested (preference: cpu)');
  });

  it.skipIf(nativeInstalled)('starting at wasm skips the native backends', async () => {
    const sel = await selectBackend('wasm', { threads: 2 });
    expect(sel.backend).toBe('wasm');
    expect(sel.reasons.tensorflow).toBe('not requested (preference: wasm)');
  });

  it('rejects an unknown preference with the valid ones', async () => {
    await expect(selectBackend('webgpu' as never)).rejects.toThrow(/auto, tensorflow-gpu, tensorflow, wasm, cpu/);
  });
});
