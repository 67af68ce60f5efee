/**
 * WebAssembly SIMD kernels for the heavy inner loops of PCA and the kNN graph.
 * Plain JavaScript runs these loops at ~0.5 GMAC/s; f32x4 SIMD is several times faster.
 * All pointers are byte offsets into one shared WebAssembly.Memory; vector lengths are in
 * floats and must be multiples of 8 (callers pad rows with zeros, which changes neither
 * dot products nor squared distances).
 */
import { F32, I32, V128, assemble, ins, op, simd, type FuncDef } from './wasm-asm';

const { get, set, tee, i32, load, s, lane } = ins;

/** Sum of the four lanes of the v128 local `v`. */
const hsum = (v: number) => [...get(v), ...lane(0), ...get(v), ...lane(1), op.f32Add, ...get(v), ...lane(2), op.f32Add, ...get(v), ...lane(3), op.f32Add];

/** dot(a, b, len) or l2sq(a, b, len), two 4-wide accumulators per step of 8 floats. */
function pairKernel(name: string, sq: boolean): FuncDef {
  // params: 0 a, 1 b, 2 len; locals: 3 end, 4 acc0, 5 acc1, 6 tmp
  const term = (off: number) =>
    sq
      ? [...get(0), ...load(off), ...get(1), ...load(off), ...s(simd.f32x4Sub), ...tee(6), ...get(6), ...s(simd.f32x4Mul)]
      : [...get(0), ...load(off), ...get(1), ...load(off), ...s(simd.f32x4Mul)];
  return {
    name,
    params: [I32, I32, I32],
    results: [F32],
    locals: [I32, V128, V128, V128],
    body: [
      ...get(0), ...get(2), ...i32(2), op.i32Shl, op.i32Add, ...set(3),
      op.block, op.void,
      ...get(0), ...get(3), op.i32GeU, op.brIf, 0,
      op.loop, op.void,
      ...get(4), ...term(0), ...s(simd.f32x4Add), ...set(4),
      ...get(5), ...term(16), ...s(simd.f32x4Add), ...set(5),
      ...get(1), ...i32(32), op.i32Add, ...set(1),
      ...get(0), ...i32(32), op.i32Add, ...tee(0), ...get(3), op.i32LtU, op.brIf, 0,
      op.end,
      op.end,
      ...get(4), ...get(5), ...s(simd.f32x4Add), ...set(4),
      ...hsum(4),
    ],
  };
}

/**
 * dotRows4(x, xCount, w, wCount, len, out): out[i*wCount + c] = dot(x_i, w_c).
 * Four w rows per pass so each x chunk is loaded once; wCount must be a multiple of 4.
 */
function dotRows4(): FuncDef {
  // params: 0 x, 1 xCount, 2 w, 3 wCount, 4 len, 5 out
  // locals: 6 xEnd, 7 wp, 8 wEnd, 9 rowBytes, 10 p, 11..14 acc, 15 xv, 16 q
  const acc = [11, 12, 13, 14];
  const step = (k: number) => [
    ...get(acc[k]), ...get(15),
    ...get(16), ...(k > 0 ? [...get(9), ...i32(k), op.i32Mul, op.i32Add] : []), ...load(0),
    ...s(simd.f32x4Mul), ...s(simd.f32x4Add), ...set(acc[k]),
  ];
  const store = (k: number) => [...get(5), ...hsum(acc[k]), ...ins.f32Store(4 * k)];
  return {
    name: 'dotRows4',
    params: [I32, I32, I32, I32, I32, I32],
    results: [],
    locals: [I32, I32, I32, I32, I32, V128, V128, V128, V128, V128, I32],
    body: [
      ...get(4), ...i32(2), op.i32Shl, ...set(9),
      ...get(0), ...get(1), ...get(9), op.i32Mul, op.i32Add, ...set(6),
      ...get(2), ...get(3), ...get(9), op.i32Mul, op.i32Add, ...set(8),
      op.block, op.void,
      ...get(0), ...get(6), op.i32GeU, op.brIf, 0,
      ...get(2), ...get(8), op.i32GeU, op.brIf, 0,
      op.loop, op.void, // rows of x
      ...get(2), ...set(7),
      op.loop, op.void, // groups of four w rows
      ...ins.zero(), ...set(11), ...ins.zero(), ...set(12), ...ins.zero(), ...set(13), ...ins.zero(), ...set(14),
      ...i32(0), ...set(10),
      op.loop, op.void, // along the row
      ...get(0), ...get(10), op.i32Add, ...load(0), ...set(15),
      ...get(7), ...get(10), op.i32Add, ...set(16),
      ...step(0), ...step(1), ...step(2), ...step(3),
      ...get(10), ...i32(16), op.i32Add, ...tee(10), ...get(9), op.i32LtU, op.brIf, 0,
      op.end,
      ...store(0), ...store(1), ...store(2), ...store(3),
      ...get(5), ...i32(16), op.i32Add, ...set(5),
      ...get(7), ...get(9), ...i32(2), op.i32Shl, op.i32Add, ...tee(7), ...get(8), op.i32LtU, op.brIf, 0,
      op.end,
      ...get(0), ...get(9), op.i32Add, ...tee(0), ...get(6), op.i32LtU, op.brIf, 0,
      op.end,
      op.end,
    ],
  };
}

/** manyTo(pa, base, stride, idx, count, out, len): out[t] = f(pa, base + idx[t]*stride, len). */
function manyTo(name: string, fn: number): FuncDef {
  // params: 0 pa, 1 base, 2 stride, 3 idx, 4 count, 5 out, 6 len; locals: 7 idxEnd
  return {
    name,
    params: [I32, I32, I32, I32, I32, I32, I32],
    results: [],
    locals: [I32],
    body: [
      ...get(3), ...get(4), ...i32(2), op.i32Shl, op.i32Add, ...set(7),
      op.block, op.void,
      ...get(3), ...get(7), op.i32GeU, op.brIf, 0,
      op.loop, op.void,
      ...get(5),
      ...get(0), ...get(1), ...get(3), ...ins.i32Load(0), ...get(2), op.i32Mul, op.i32Add, ...get(6), ...ins.call(fn),
      ...ins.f32Store(0),
      ...get(5), ...i32(4), op.i32Add, ...set(5),
      ...get(3), ...i32(4), op.i32Add, ...tee(3), ...get(7), op.i32LtU, op.brIf, 0,
      op.end,
      op.end,
    ],
  };
}

export interface SimdKernels {
  dot(a: number, b: number, len: number): number;
  l2sq(a: number, b: number, len: number): number;
  dotRows4(x: number, xCount: number, w: number, wCount: number, len: number, out: number): void;
  dotTo(pa: number, base: number, stride: number, idx: number, count: number, out: number, len: number): void;
  l2To(pa: number, base: number, stride: number, idx: number, count: number, out: number, len: number): void;
}

let compiled: WebAssembly.Module | null = null;

/** The compiled module (built once per thread; cheap: a few hundred bytes). */
export function kernelModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(
    assemble([pairKernel('dot', false), pairKernel('l2sq', true), dotRows4(), manyTo('dotTo', 0), manyTo('l2To', 1)]),
  );
  return compiled;
}

export function instantiateKernels(memory: WebAssembly.Memory): SimdKernels {
  const inst = new WebAssembly.Instance(kernelModule(), { env: { memory } });
  return inst.exports as unknown as SimdKernels;
}

/** Rounds a vector length up to the kernels' granularity of 8 floats. */
export const padTo8 = (len: number) => (len + 7) & ~7;

/** A shared memory big enough for `bytes` (the kernels' address space is 32-bit). */
export function sharedMemory(bytes: number): WebAssembly.Memory {
  const pages = Math.ceil(Math.max(bytes, 1) / 65536);
  if (pages > 65536) throw new Error(`Projection needs ${(bytes / 2 ** 30).toFixed(1)} GiB of working memory; the limit is 4 GiB. Project fewer points or fewer dimensions.`);
  return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
}
