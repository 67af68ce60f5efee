// Two stock wasm kernels that make training needlessly slow or memory-hungry:
//  - Identity copies its input. tfjs clones every tensor it saves for the backward pass
//    through Identity, so each saved activation existed twice; in a 4 GB wasm heap that is
//    the difference between fitting ResNet-18 at batch 256 or not. Sharing the buffer by
//    reference count is what the wasm Reshape kernel and the cpu Identity already do.
//  - BatchMatMul uses XNNPACK only without transposes; the transposed products of every
//    Dense layer's backward pass fall into a scalar triple loop. Transposing the (small)
//    operand first keeps them on XNNPACK.
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';

interface WasmBackendLike {
  incRef(dataId: object): void;
  disposeData(dataId: object): void;
}

const identity: KernelFunc = ({ inputs, backend }) => {
  const { x } = inputs as { x: TensorInfo };
  (backend as WasmBackendLike).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
};

function transposeLast2(b: WasmBackendLike, x: TensorInfo): TensorInfo {
  const r = x.shape.length;
  const perm = [...Array(r).keys()];
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return tf.getKernel('Transpose', 'wasm').kernelFunc({ inputs: { x }, backend: b, attrs: { perm } }) as TensorInfo;
}

function batchMatMulVia(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    const batch = (t: TensorInfo) => t.shape.slice(0, -2).reduce((p, d) => p * d, 1);
    // XNNPACK serves only batch-1 products; leave batched ones to the stock kernel.
    if ((!transposeA && !transposeB) || batch(a) !== 1 || batch(b) !== 1) return stock.kernelFunc(args);
    const be = backend as WasmBackendLike;
    const a2 = transposeA ? transposeLast2(be, a) : a;
    const b2 = transposeB ? transposeLast2(be, b) : b;
    try {
      return stock.kernelFunc({ inputs: { a: a2, b: b2 }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } as NamedAttrMap });
    } finally {
      if (a2 !== a) be.disposeData(a2.dataId);
      if (b2 !== b) be.disposeData(b2.dataId);
    }
  };
}

/** Re-registers a stock wasm kernel with the function `make` builds around it. */
export function replaceWasmKernel(name: string, make: (stock: KernelConfig) => KernelFunc): void {
  const stock = tf.getKernel(name, 'wasm');
  if (!stock) return;
  tf.unregisterKernel(name, 'wasm');
  // Keep the stock setupFunc: it binds the C++ entry point our wrapper still calls.
  tf.registerKernel({ ...stock, kernelFunc: make(stock) });
}

let patched = false;

/** Replaces wasm's Identity and BatchMatMul kernels (see above). Idempotent. */
export function patchWasmKernels(): void {
  if (patched) return;
  patched = true;
  replaceWasmKernel(tf.Identity, () => identity);
  replaceWasmKernel(tf.BatchMatMul, batchMatMulVia);
}
