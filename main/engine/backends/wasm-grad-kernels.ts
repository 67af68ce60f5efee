// Makes tfjs-backend-wasm able to train conv nets. wasm 4.22 has no
// Conv2DBackpropFilter (tfjs#8474) and its Conv2DBackpropInput is a scalar C++ loop.
// Both are re-expressed on the backend's fast XNNPACK kernels:
//   dW: chunked GEMMs over gathered stride phases of x (wasm-filter-grad.ts),
//   dx: one stride-1 convolution per stride phase (wasm-input-grad.ts),
// and two stock kernels that hurt training are patched (wasm-kernel-patches.ts).
// 3×3 stride-1 convolutions, forward and input gradient, run as Winograd F(4×4, 3×3)
// (wasm-winograd.ts).
// Everything is registered through tfjs's public kernel registry.
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { filterGrad } from './wasm-filter-grad';
import { convInfo, type WasmBackend } from './wasm-heap';
import { inputGrad } from './wasm-input-grad';
import { patchWasmKernels, replaceWasmKernel } from './wasm-kernel-patches';
import { conv2dVia } from './wasm-winograd';

export const conv2dBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const filterShape = (attrs as unknown as { filterShape: number[] }).filterShape;
  return filterGrad(backend as WasmBackend, x, dy, convInfo(x.shape, filterShape, attrs));
};

/** The stock scalar kernel, for paddings the phase decomposition does not cover. */
let stockBackpropInput: KernelConfig | undefined;
let fallbacks = 0;

/** How often Conv2DBackpropInput fell back to the stock kernel (tests check the fast path ran). */
export function inputGradFallbacks(): number {
  return fallbacks;
}

export const conv2dBackpropInput: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const inputShape = (attrs as unknown as { inputShape: number[] }).inputShape;
  const dx = inputGrad(backend as WasmBackend, dy, filter, convInfo(inputShape, filter.shape, attrs));
  if (dx) return dx;
  if (!stockBackpropInput) throw new Error('unsupported Conv2DBackpropInput padding');
  fallbacks++;
  return stockBackpropInput.kernelFunc(args);
};

/** Kernels enableTrainableWasm() registers or replaces for 'wasm'. */
export const TRAINABLE_WASM_KERNELS = [tf.Conv2D, tf.Conv2DBackpropFilter, tf.Conv2DBackpropInput, tf.Identity, tf.BatchMatMul] as const;

let enabled = false;

/**
 * Registers the gradient kernels a conv net needs on 'wasm'. Idempotent; works before or
 * after the backend is initialised (kernels are looked up by backend name at call time).
 */
export function enableTrainableWasm(): void {
  if (enabled) return;
  enabled = true;
  const stock = tf.getKernel(tf.Conv2DBackpropInput, 'wasm');
  if (stock) {
    stockBackpropInput = stock;
    tf.unregisterKernel(tf.Conv2DBackpropInput, 'wasm');
  }
  // The stock setupFunc binds the C++ entry point the fallback calls.
  tf.registerKernel({ kernelName: tf.Conv2DBackpropInput, backendName: 'wasm', kernelFunc: conv2dBackpropInput, setupFunc: stock?.setupFunc });
  if (tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')) tf.unregisterKernel(tf.Conv2DBackpropFilter, 'wasm');
  tf.registerKernel({ kernelName: tf.Conv2DBackpropFilter, backendName: 'wasm', kernelFunc: conv2dBackpropFilter });
  replaceWasmKernel(tf.Conv2D, conv2dVia);
  patchWasmKernels();
}
