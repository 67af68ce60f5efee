/**
 * A tiny WebAssembly binary assembler: just enough to emit the SIMD distance kernels in
 * simd-kernels.ts. It exists so the kernels ship as TypeScript source, with no native
 * toolchain and no committed binary blob.
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** Opcodes used by the kernels (core spec + SIMD, which is prefixed by 0xfd). */
export const op = {
  block: 0x02, loop: 0x03, if: 0x04, end: 0x0b, br: 0x0c, brIf: 0x0d, return: 0x0f, call: 0x10,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Load: 0x28, f32Load: 0x2a, f32Store: 0x38,
  i32Const: 0x41, i32Eqz: 0x45, i32LtU: 0x49, i32GeU: 0x4f,
  i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c, i32Shl: 0x74,
  f32Add: 0x92, f32Sub: 0x93, f32Mul: 0x94, f32Div: 0x95, f32Min: 0x96, f32Max: 0x97,
  f32Gt: 0x5e, f32Floor: 0x8e, f32ConvertI32S: 0xb2, i32TruncF32S: 0xa8,
  i32ReinterpretF32: 0xbc, f32ReinterpretI32: 0xbe,
  f64Load: 0x2b, f64Store: 0x39, f64Gt: 0x64, f64Add: 0xa0, f64Sub: 0xa1, f64Mul: 0xa2, f64Div: 0xa3,
  i32Eq: 0x46, i32Ne: 0x47, i32LtS: 0x48, i32GeS: 0x4e, i32RemU: 0x70, i32And: 0x71, i32Or: 0x72, i32Xor: 0x73,
  i32ShrS: 0x75, i32ShrU: 0x76, select: 0x1b, else: 0x05,
  void: 0x40,
} as const;

/** SIMD sub-opcodes (after the 0xfd prefix). */
export const simd = {
  v128Load: 0x00, v128Store: 0x0b, f32x4Splat: 0x13, f32x4ExtractLane: 0x1f,
  v128Const: 0x0c, f32x4Add: 0xe4, f32x4Sub: 0xe5, f32x4Mul: 0xe6,
} as const;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

function str(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** Instruction helpers returning byte arrays, so function bodies read like WAT. */
export const ins = {
  get: (i: number) => [op.localGet, ...uleb(i)],
  set: (i: number) => [op.localSet, ...uleb(i)],
  tee: (i: number) => [op.localTee, ...uleb(i)],
  i32: (v: number) => [op.i32Const, ...sleb(v)],
  /** memarg: alignment exponent, then byte offset. */
  load: (offset = 0) => [0xfd, ...uleb(simd.v128Load), 4, ...uleb(offset)],
  f32Load: (offset = 0) => [op.f32Load, 2, ...uleb(offset)],
  f32Store: (offset = 0) => [op.f32Store, 2, ...uleb(offset)],
  i32Load: (offset = 0) => [op.i32Load, 2, ...uleb(offset)],
  s: (code: number) => [0xfd, ...uleb(code)],
  lane: (l: number) => [0xfd, ...uleb(simd.f32x4ExtractLane), l],
  zero: () => [0xfd, ...uleb(simd.v128Const), ...new Array<number>(16).fill(0)],
  call: (f: number) => [op.call, ...uleb(f)],
  f32: (v: number) => [0x43, ...new Uint8Array(Float32Array.of(v).buffer)],
  f64Load: (offset = 0) => [op.f64Load, 3, ...uleb(offset)],
  f64Store: (offset = 0) => [op.f64Store, 3, ...uleb(offset)],
  /** i32.trunc_sat_f64_s: saturates instead of trapping. */
  truncSatF64: () => [0xfc, 2],
};

export interface FuncDef {
  name: string;
  params: number[];
  results: number[];
  /** Extra locals, by type, in declaration order after the params. */
  locals: number[];
  body: number[];
}

/**
 * Emits a module that imports one shared memory (env.memory) and exports `funcs`.
 * The memory is shared so every worker thread can run the kernels on the same data.
 */
export function assemble(funcs: FuncDef[], maxPages = 65536): Uint8Array<ArrayBuffer> {
  const types = vec(funcs.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))]));
  // Shared memories must declare a maximum; min 1 lets any size of memory be imported.
  const memType = [0x03, ...uleb(1), ...uleb(maxPages)];
  const imports = vec([[...str('env'), ...str('memory'), 0x02, ...memType]]);
  const fnSec = vec(funcs.map((_, i) => uleb(i)));
  const exports = vec(funcs.map((f, i) => [...str(f.name), 0x00, ...uleb(i)]));
  const codes = vec(
    funcs.map((f) => {
      const localDecl = vec(f.locals.map((t) => [1, t]));
      const body = [...localDecl, ...f.body, op.end];
      return [...uleb(body.length), ...body];
    }),
  );
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, types),
    ...section(2, imports),
    ...section(3, fnSec),
    ...section(7, exports),
    ...section(10, codes),
  ];
  return new Uint8Array(bytes);
}

/** Names locals so hand-written function bodies stay readable. */
export class Locals {
  private readonly names = new Map<string, number>();
  readonly extra: number[] = [];
  constructor(params: [string, number][]) {
    params.forEach(([name], i) => this.names.set(name, i));
    this.params = params.map(([, t]) => t);
  }
  readonly params: number[];
  add(name: string, type: number): this {
    this.names.set(name, this.params.length + this.extra.length);
    this.extra.push(type);
    return this;
  }
  private at(name: string): number {
    const i = this.names.get(name);
    if (i === undefined) throw new Error(`wasm-asm: unknown local ${name}`);
    return i;
  }
  get = (name: string) => ins.get(this.at(name));
  set = (name: string) => ins.set(this.at(name));
  tee = (name: string) => ins.tee(this.at(name));
}
