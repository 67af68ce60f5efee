/**
 * The UMAP SGD epoch for 3D layouts as a WebAssembly function. In JavaScript, Math.pow alone
 * costs ~60 ns here and dominates the epoch; this kernel computes d^(2b) from the float's bits
 * (polynomial log2/exp2, relative error ~1e-4, far below SGD noise) and runs the same
 * arithmetic as umap-sgd.ts's sgdEpochPartition for dim 3.
 * Pointers are byte offsets into the shared memory; coordinates are f32 × 3 per vertex,
 * epochs-per-sample and sampling clocks are f64 per edge.
 */
import { F32, F64, I32, Locals, assemble, ins, op, type FuncDef } from './wasm-asm';

const { f32: c, i32 } = ins;

function powf(): FuncDef {
  const L = new Locals([['x', F32], ['b', F32]]).add('bits', I32).add('t', F32).add('y', F32).add('fl', F32).add('f', F32);
  const { get, set } = L;
  // log2(m), m = 1 + t in [1, 2): degree-5 fit, abs error 4.5e-5; 2^f, f in [0, 1): degree-4 fit.
  const log2 = [1.4412674171485866, -0.7057041576756369, 0.40872174404365896, -0.18772263530835273, 0.043428907822089136];
  const exp2 = [1.0000072832543412, 0.6929312891618585, 0.24171026247088923, 0.051666877430604045, 0.013676531087915745];
  const horner = (v: string, cs: number[]) => {
    // cs[0] + v*(cs[1] + v*(... )), evaluated inside out
    let code = c(cs[cs.length - 1]);
    for (let i = cs.length - 2; i >= 0; i--) code = [...code, ...get(v), op.f32Mul, ...c(cs[i]), op.f32Add];
    return code;
  };
  return {
    name: 'powf',
    params: L.params,
    results: [F32],
    locals: L.extra,
    body: [
      ...get('x'), op.i32ReinterpretF32, ...set('bits'),
      ...get('bits'), ...i32(0x7fffff), op.i32And, ...i32(0x3f800000), op.i32Or, op.f32ReinterpretI32, ...c(1), op.f32Sub, ...set('t'),
      // y = b * (exponent + t * poly(t))
      ...get('bits'), ...i32(23), op.i32ShrS, ...i32(127), op.i32Sub, op.f32ConvertI32S,
      ...horner('t', log2), ...get('t'), op.f32Mul, op.f32Add,
      ...get('b'), op.f32Mul, ...set('y'),
      ...get('y'), op.f32Floor, ...set('fl'),
      ...get('y'), ...get('fl'), op.f32Sub, ...set('f'),
      ...horner('f', exp2), op.i32ReinterpretF32,
      ...get('fl'), op.i32TruncF32S, ...i32(23), op.i32Shl, op.i32Add, op.f32ReinterpretI32,
    ],
  };
}

function sgd3(): FuncDef {
  const L = new Locals([
    ['head', I32], ['tail', I32], ['eps', I32], ['next', I32], ['nextNeg', I32], ['e0', I32], ['e1', I32],
    ['view', I32], ['v0', I32], ['v1', I32], ['n', I32], ['epoch', F64], ['alpha', F32], ['a', F32], ['b', F32],
    ['gamma', F32], ['negRate', F64], ['seed', I32],
  ]);
  for (const [name, t] of [
    ['e', I32], ['j', I32], ['k', I32], ['jo', I32], ['ko', I32], ['own', I32], ['dx', F32], ['dy', F32], ['dz', F32],
    ['d2', F32], ['pb', F32], ['gc', F32], ['sc', F32], ['gx', F32], ['gy', F32], ['gz', F32], ['perNeg', F64],
    ['nNeg', I32], ['p', I32], ['rng', I32], ['q', I32], ['qo', I32], ['twoAB', F32], ['twoGB', F32],
    ['cx', F32], ['cy', F32], ['cz', F32], ['sx', F32], ['sy', F32], ['sz', F32],
  ] as [string, number][])
    L.add(name, t);
  const { get, set, tee } = L;
  const clip = [...c(-4), op.f32Max, ...c(4), op.f32Min];
  const addr8 = (base: string) => [...get(base), ...get('e'), ...i32(3), op.i32Shl, op.i32Add];
  const addr4 = (base: string) => [...get(base), ...get('e'), ...i32(2), op.i32Shl, op.i32Add];
  const diff = (from: string) => [
    ...get('jo'), ...ins.f32Load(0), ...get(from), ...ins.f32Load(0), op.f32Sub, ...tee('dx'), ...get('dx'), op.f32Mul,
    ...get('jo'), ...ins.f32Load(4), ...get(from), ...ins.f32Load(4), op.f32Sub, ...tee('dy'), ...get('dy'), op.f32Mul, op.f32Add,
    ...get('jo'), ...ins.f32Load(8), ...get(from), ...ins.f32Load(8), op.f32Sub, ...tee('dz'), ...get('dz'), op.f32Mul, op.f32Add,
    ...set('d2'),
  ];
  const diffCur = (from: string) => [
    ...get('cx'), ...get(from), ...ins.f32Load(0), op.f32Sub, ...tee('dx'), ...get('dx'), op.f32Mul,
    ...get('cy'), ...get(from), ...ins.f32Load(4), op.f32Sub, ...tee('dy'), ...get('dy'), op.f32Mul, op.f32Add,
    ...get('cz'), ...get(from), ...ins.f32Load(8), op.f32Sub, ...tee('dz'), ...get('dz'), op.f32Mul, op.f32Add,
    ...set('d2'),
  ];
  const acc = (sum: string, value: number[]) => [...get(sum), ...value, op.f32Add, ...set(sum)];
  /** ptr[off] += value (value code pushes one f32). */
  const addTo = (ptr: string, off: number, value: number[]) => [...get(ptr), ...get(ptr), ...ins.f32Load(off), ...value, op.f32Add, ...ins.f32Store(off)];
  const powCall = [...get('d2'), ...get('b'), ...ins.call(0)];
  return {
    name: 'sgd3',
    params: L.params,
    results: [],
    locals: L.extra,
    body: [
      ...c(2), ...get('a'), op.f32Mul, ...get('b'), op.f32Mul, ...set('twoAB'),
      ...c(2), ...get('gamma'), op.f32Mul, ...get('b'), op.f32Mul, ...set('twoGB'),
      ...get('seed'), ...i32(1), op.i32Or, ...set('rng'),
      ...get('e0'), ...set('e'),
      op.block, op.void, // $done
      ...get('e'), ...get('e1'), op.i32GeS, op.brIf, 0,
      op.loop, op.void, // $edges
      op.block, op.void, // $skip
      ...addr8('next'), ...ins.f64Load(0), ...get('epoch'), op.f64Gt, op.brIf, 0,
      ...addr4('head'), ...ins.i32Load(0), ...tee('j'), ...i32(12), op.i32Mul, ...get('view'), op.i32Add, ...set('jo'),
      ...addr4('tail'), ...ins.i32Load(0), ...tee('k'), ...i32(12), op.i32Mul, ...get('view'), op.i32Add, ...set('ko'),
      ...get('k'), ...get('v0'), op.i32GeS, ...get('k'), ...get('v1'), op.i32LtS, op.i32And, ...set('own'),
      ...get('alpha'), ...get('alpha'), ...get('alpha'), op.f32Add, ...get('own'), op.select, ...set('sc'),
      ...diff('ko'),
      ...get('d2'), ...c(0), op.f32Gt, op.if, op.void,
      ...powCall, ...set('pb'),
      ...c(0), ...get('twoAB'), ...get('pb'), op.f32Mul, ...get('d2'), op.f32Div,
      ...get('a'), ...get('pb'), op.f32Mul, ...c(1), op.f32Add, op.f32Div, op.f32Sub, ...set('gc'),
      ...get('gc'), ...get('dx'), op.f32Mul, ...clip, ...set('gx'),
      ...get('gc'), ...get('dy'), op.f32Mul, ...clip, ...set('gy'),
      ...get('gc'), ...get('dz'), op.f32Mul, ...clip, ...set('gz'),
      ...addTo('jo', 0, [...get('gx'), ...get('sc'), op.f32Mul]),
      ...addTo('jo', 4, [...get('gy'), ...get('sc'), op.f32Mul]),
      ...addTo('jo', 8, [...get('gz'), ...get('sc'), op.f32Mul]),
      ...get('own'), op.if, op.void,
      ...addTo('ko', 0, [...c(0), ...get('gx'), ...get('alpha'), op.f32Mul, op.f32Sub]),
      ...addTo('ko', 4, [...c(0), ...get('gy'), ...get('alpha'), op.f32Mul, op.f32Sub]),
      ...addTo('ko', 8, [...c(0), ...get('gz'), ...get('alpha'), op.f32Mul, op.f32Sub]),
      op.end,
      op.end,
      // next[e] += eps[e]
      ...addr8('next'), ...addr8('next'), ...ins.f64Load(0), ...addr8('eps'), ...ins.f64Load(0), op.f64Add, ...ins.f64Store(0),
      ...addr8('eps'), ...ins.f64Load(0), ...get('negRate'), op.f64Div, ...set('perNeg'),
      ...get('epoch'), ...addr8('nextNeg'), ...ins.f64Load(0), op.f64Sub, ...get('perNeg'), op.f64Div, ...ins.truncSatF64(), ...set('nNeg'),
      // Negative samples all see the head where the positive step left it and their pushes
      // are summed: the chains are then independent, so the CPU overlaps them (umap-learn
      // applies them one after another; the expected force is the same).
      ...i32(0), ...set('p'),
      ...get('jo'), ...ins.f32Load(0), ...set('cx'), ...get('jo'), ...ins.f32Load(4), ...set('cy'), ...get('jo'), ...ins.f32Load(8), ...set('cz'),
      ...c(0), ...tee('sx'), ...tee('sy'), ...set('sz'),
      op.block, op.void, // $negDone
      op.loop, op.void, // $neg
      ...get('p'), ...get('nNeg'), op.i32GeS, op.brIf, 1,
      ...get('rng'), ...get('rng'), ...i32(13), op.i32Shl, op.i32Xor, ...set('rng'),
      ...get('rng'), ...get('rng'), ...i32(17), op.i32ShrU, op.i32Xor, ...set('rng'),
      ...get('rng'), ...get('rng'), ...i32(5), op.i32Shl, op.i32Xor, ...tee('rng'),
      // q = (rng · n) >> 32: a uniform index without the slow integer division.
      0xad, ...get('n'), 0xad, 0x7e, 0x42, 32, 0x88, 0xa7, ...tee('q'), ...i32(12), op.i32Mul, ...get('view'), op.i32Add, ...set('qo'),
      ...diffCur('qo'),
      ...get('d2'), ...c(0), op.f32Gt, op.if, op.void,
      ...get('twoGB'), ...c(0.001), ...get('d2'), op.f32Add, ...get('a'), ...powCall, op.f32Mul, ...c(1), op.f32Add, op.f32Mul, op.f32Div, ...set('gc'),
      ...acc('sx', [...get('gc'), ...get('dx'), op.f32Mul, ...clip]),
      ...acc('sy', [...get('gc'), ...get('dy'), op.f32Mul, ...clip]),
      ...acc('sz', [...get('gc'), ...get('dz'), op.f32Mul, ...clip]),
      op.else,
      // Coincident points: umap-learn pushes by the clip bound (unless it drew itself).
      ...get('q'), ...get('j'), op.i32Ne, op.if, op.void,
      ...acc('sx', c(4)), ...acc('sy', c(4)), ...acc('sz', c(4)),
      op.end,
      op.end,
      ...get('p'), ...i32(1), op.i32Add, ...set('p'),
      op.br, 0,
      op.end,
      op.end,
      ...addTo('jo', 0, [...get('sx'), ...get('alpha'), op.f32Mul]),
      ...addTo('jo', 4, [...get('sy'), ...get('alpha'), op.f32Mul]),
      ...addTo('jo', 8, [...get('sz'), ...get('alpha'), op.f32Mul]),
      // nextNeg[e] += nNeg * perNeg
      ...addr8('nextNeg'), ...addr8('nextNeg'), ...ins.f64Load(0), ...get('nNeg'), 0xb7, ...get('perNeg'), op.f64Mul, op.f64Add, ...ins.f64Store(0),
      op.end, // $skip
      ...get('e'), ...i32(1), op.i32Add, ...tee('e'), ...get('e1'), op.i32LtS, op.brIf, 0,
      op.end,
      op.end,
    ],
  };
}

export interface SgdKernel {
  powf(x: number, b: number): number;
  sgd3(head: number, tail: number, eps: number, next: number, nextNeg: number, e0: number, e1: number, view: number, v0: number, v1: number, n: number, epoch: number, alpha: number, a: number, b: number, gamma: number, negRate: number, seed: number): void;
}

let compiled: WebAssembly.Module | null = null;

export function sgdKernel(memory: WebAssembly.Memory): SgdKernel {
  compiled ??= new WebAssembly.Module(assemble([powf(), sgd3()]));
  return new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as SgdKernel;
}
