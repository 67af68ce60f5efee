/**
 * One shared WebAssembly memory holding every large array of a projection run, so the SIMD
 * kernels can address them and worker threads can share them without copies.
 * Allocation is a bump pointer; the caller sizes the arena up front (shared wasm memories
 * cannot be resized without breaking views held by other threads).
 */
import { instantiateKernels, sharedMemory, type SimdKernels } from './simd-kernels';

export class Arena {
  readonly memory: WebAssembly.Memory;
  readonly kern: SimdKernels;
  readonly f32: Float32Array;
  readonly i32: Int32Array;
  readonly u8: Uint8Array;
  private top: number;

  constructor(bytesOrMemory: number | WebAssembly.Memory, top = 64) {
    this.memory = typeof bytesOrMemory === 'number' ? sharedMemory(bytesOrMemory + 64) : bytesOrMemory;
    this.kern = instantiateKernels(this.memory);
    this.f32 = new Float32Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
    this.u8 = new Uint8Array(this.memory.buffer);
    this.top = top;
  }

  get size(): number {
    return this.memory.buffer.byteLength;
  }

  /** Reserves `bytes` (64-byte aligned) and returns the byte offset. */
  alloc(bytes: number): number {
    const p = (this.top + 63) & ~63;
    if (p + bytes > this.size) throw new Error(`analysis arena exhausted: need ${p + bytes} bytes of ${this.size}`);
    this.top = p + bytes;
    return p;
  }

  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }

  f32View(ptr: number, len: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, len);
  }

  i32View(ptr: number, len: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, len);
  }

  u8View(ptr: number, len: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, ptr, len);
  }
}

/** Bytes an allocation takes including worst-case alignment. */
export const sized = (bytes: number) => bytes + 64;
