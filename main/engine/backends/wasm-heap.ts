// Direct access to the wasm backend's heap, for the few gradient steps that are pure data
// movement (gathering shifted rows, interleaving phases). These are the same BackendWasm
// members the backend's own kernels use; keeping them behind this module keeps the
// dependency on that internal surface in one place.
import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';

export interface WasmBackend {
  wasm: { HEAPU8: Uint8Array };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  disposeData(dataId: object): boolean;
  getMemoryOffset(dataId: object): number;
}

/** A Float32Array over the whole heap. Take a fresh one after any allocation: growth replaces the buffer. */
export function heapF32(b: WasmBackend): Float32Array {
  return new Float32Array(b.wasm.HEAPU8.buffer);
}

/** Index of a float32 tensor's first element in heapF32(). */
export function f32Index(b: WasmBackend, t: TensorInfo): number {
  return b.getMemoryOffset(t.dataId) / 4;
}

/** A new, uninitialised float32 tensor. */
export function alloc(b: WasmBackend, shape: number[]): TensorInfo {
  return b.makeOutput(shape, 'float32');
}

export function free(b: WasmBackend, ...ts: (TensorInfo | undefined)[]): void {
  for (const t of ts) if (t) b.disposeData(t.dataId);
}

/** Runs another registered wasm kernel on TensorInfos (nothing is taped or tracked). */
export function run(name: string, b: WasmBackend, inputs: Record<string, TensorInfo>, attrs: object = {}): TensorInfo {
  const kernel = tf.getKernel(name, 'wasm');
  if (!kernel) throw new Error(`wasm backend has no ${name} kernel`);
  return kernel.kernelFunc({ inputs, backend: b, attrs: attrs as NamedAttrMap }) as TensorInfo;
}

export interface Pads { top: number; bottom: number; left: number; right: number }

/** NHWC convolution with explicit padding on the backend's XNNPACK kernel. */
export function conv2d(b: WasmBackend, x: TensorInfo, filter: TensorInfo, p: Pads, dilations: [number, number] = [1, 1]): TensorInfo {
  const pad = [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]];
  return run('Conv2D', b, { x, filter }, { strides: [1, 1], dilations, pad, dataFormat: 'NHWC', dimRoundingMode: 'floor' });
}

/**
 * [M,K]·[K,N] as a 1×1 convolution of M one-pixel rows ([1, M, 1, K] by [1, 1, K, N]): XNNPACK
 * runs it with the same GEMM micro-kernels as its fully-connected operator, but (unlike
 * BatchMatMul, whose tfjs wrapper passes no thread pool) on the backend's threads.
 */
export function gemm(b: WasmBackend, a: TensorInfo, w: TensorInfo): TensorInfo {
  return conv2d(b, a, w, { top: 0, bottom: 0, left: 0, right: 0 });
}

type ConvAttrs = {
  strides: number | [number, number]; pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dilations?: number | [number, number]; dimRoundingMode?: 'floor' | 'round' | 'ceil'; dataFormat?: 'NHWC' | 'NCHW';
};

/** Conv2DInfo from a convolution kernel's attrs (the gradient kernels' attrs carry no dilations: 1). NHWC only. */
export function convInfo(xShape: number[], filterShape: number[], attrs: NamedAttrMap | undefined): tf.backend_util.Conv2DInfo {
  const a = attrs as unknown as ConvAttrs;
  if ((a.dataFormat ?? 'NHWC') !== 'NHWC') throw new Error('wasm conv kernels support NHWC only');
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
}
