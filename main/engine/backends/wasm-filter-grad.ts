// Conv2DBackpropFilter for the wasm backend as chunked GEMMs on XNNPACK.
//
//   dW[ky,kx,ci,co] = Σ_{b,oh,ow} x[b, oh·s+ky−p, ow·s+kx−p, ci] · dy[b,oh,ow,co]
//
// is one GEMM [taps·Ci, N]·[N, Co] over the N = B·Ho·Wo output pixels: row (tap, ci) of
// the left operand is channel ci of x seen through that tap's window. N (the reduction)
// is huge while the result is tiny, a shape XNNPACK handles badly: it does not block the
// reduction, so the operand it packs is streamed from memory once per row tile. (Writing
// the gradient as one convolution, x as images and dy as the filter, runs at a third of
// forward speed for exactly that reason.) So we cut N into chunks of whole output rows
// that keep both operands in cache and sum the chunk products.
//
// Each chunk's right operand is a fresh tensor, so XNNPACK packs it on every call, and each
// packed float then serves only taps·Ci multiply-adds: packing, not arithmetic, is most of
// these GEMMs' time. The chunks run through BatchMatMul (XNNPACK's fully-connected operator),
// whose packing costs about half that of the 1×1 convolution the other kernels use: the
// filter gradients of the `small` encoder took 10–15% less time.
//
// The left operand has to be gathered (im2col, 9× the size of x for a 3×3 kernel) in
// JavaScript, on one thread, while XNNPACK's other threads wait; gathering pixel by pixel
// took 13–19% of the kernel's time in profiles. So the reduction is ordered (oh, ow, b),
// batch innermost, and x is first transposed to [Ci, H, W, B]: then a tap's window over
// one output row is a single contiguous run of Wo·B floats (stride 1) or Wo runs of B
// floats (stride 2), copied with memmove instead of a scalar loop per pixel.
import type { TensorInfo } from '@tensorflow/tfjs';
import type * as tf from '@tensorflow/tfjs';
import { alloc, f32Index, free, heapF32, run, type WasmBackend } from './wasm-heap';

const limits = {
  /** Floats per chunk of the gathered left operand (~32 MB). */
  chunk: 1 << 23,
  /**
   * Floats per chunk of the right operand, which XNNPACK packs and re-reads per row tile.
   * Up to ~4 MB its GEMMs still run at the forward convolution's rate; larger chunks
   * (16 MB) measured the same.
   */
  packed: 1 << 20,
};

/**
 * For tests: sets the chunk limits (in floats) so small shapes span several chunks.
 * Returns the previous limits.
 */
export function setFilterGradChunkLimits(next: { chunk: number; packed: number }): { chunk: number; packed: number } {
  const prev = { ...limits };
  Object.assign(limits, next);
  return prev;
}

/** Transpose tile edge: 16 floats are one 64-byte cache line on both sides. */
const TILE = 16;

/**
 * x [B, srcP, C] → [C, P, B], tiled so reads and writes both stay in cache lines. Pixel p of
 * the result is source pixel pixel(p) (all of them, in order, by default).
 */
function transposeBatchInnermost(heap: Float32Array, src: number, dst: number, B: number, srcP: number, C: number,
  P = srcP, pixel = (p: number) => p): void {
  const rowOut = P * B;
  for (let p = 0; p < P; p++) {
    const sp = pixel(p);
    for (let c0 = 0; c0 < C; c0 += TILE) {
      const c1 = Math.min(C, c0 + TILE);
      for (let b0 = 0; b0 < B; b0 += TILE) {
        const b1 = Math.min(B, b0 + TILE);
        for (let bi = b0; bi < b1; bi++) {
          let s = src + (bi * srcP + sp) * C + c0;
          let d = dst + (c0 * P + p) * B + bi;
          for (let c = c0; c < c1; c++, s++, d += rowOut) heap[d] = heap[s];
        }
      }
    }
  }
}

/** Copies n floats (short runs element by element: copyWithin's call costs more). */
function copy(heap: Float32Array, dst: number, src: number, n: number): void {
  if (n >= 32) heap.copyWithin(dst, src, src + n);
  else for (let k = 0; k < n; k++) heap[dst + k] = heap[src + k];
}

/** Adds chunk products into `acc` (or returns the first one as the accumulator). */
function accumulate(b: WasmBackend, acc: TensorInfo | undefined, out: TensorInfo): TensorInfo {
  if (!acc) return out;
  const heap = heapF32(b);
  const o = f32Index(b, out);
  const s = f32Index(b, acc);
  for (let k = 0, n = out.shape.reduce((p, d) => p * d, 1); k < n; k++) heap[s + k] += heap[o + k];
  free(b, out);
  return acc;
}

interface Geometry {
  B: number; H: number; W: number; C: number; Co: number;
  kh: number; kw: number; sh: number; sw: number; Ho: number; Wo: number; pt: number; pl: number;
}

/** A chunk: output rows [oh0, oh0+nr) of images [b0, b0+nb). */
interface Chunk { oh0: number; nr: number; b0: number; nb: number }

/** Left operand rows (ky, kx, c), each over the chunk's (oh, ow, b) in that order. */
function gatherLeft(heap: Float32Array, dst: number, xT: number, g: Geometry, k: Chunk): void {
  const { B, H, W, C, kh, kw, sh, sw, Wo, pt, pl } = g;
  const len = k.nr * Wo * k.nb;
  const whole = k.nb === B && sw === 1;
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      // Output columns whose input column lies inside the image (the rest read padding).
      const w0 = kx - pl;
      const owLo = Math.max(0, Math.ceil(-w0 / sw));
      const owHi = Math.min(Wo, Math.floor((W - 1 - w0) / sw) + 1);
      for (let c = 0; c < C; c++, dst += len) {
        for (let r = 0; r < k.nr; r++) {
          const out = dst + r * Wo * k.nb;
          const h = (k.oh0 + r) * sh + ky - pt;
          if (h < 0 || h >= H || owHi <= owLo) {
            heap.fill(0, out, out + Wo * k.nb);
            continue;
          }
          const row = xT + (c * H + h) * W * B + k.b0;
          if (owLo > 0) heap.fill(0, out, out + owLo * k.nb);
          if (owHi < Wo) heap.fill(0, out + owHi * k.nb, out + Wo * k.nb);
          if (whole) {
            copy(heap, out + owLo * B, row + (owLo + w0) * B, (owHi - owLo) * B);
          } else {
            for (let ow = owLo; ow < owHi; ow++) copy(heap, out + ow * k.nb, row + (ow * sw + w0) * B, k.nb);
          }
        }
      }
    }
  }
}

/**
 * Right operand: dy rows in the same (oh, ow, b) order, from dy transposed to [Ho·Wo, B, Co]:
 * one run per output pixel, or a single run for a chunk of whole batches.
 */
function gatherRight(heap: Float32Array, dst: number, dyT: number, g: Geometry, k: Chunk): void {
  const { B, Wo, Co } = g;
  const first = dyT + k.oh0 * Wo * B * Co;
  if (k.nb === B) {
    copy(heap, dst, first, k.nr * Wo * B * Co);
    return;
  }
  for (let p = 0; p < k.nr * Wo; p++, dst += k.nb * Co) copy(heap, dst, first + (p * B + k.b0) * Co, k.nb * Co);
}

export function filterGrad(b: WasmBackend, x: TensorInfo, dy: TensorInfo, ci: tf.backend_util.Conv2DInfo): TensorInfo {
  const [B, H, W, C] = x.shape;
  let g: Geometry = {
    B, H, W, C, Co: dy.shape[3], kh: ci.filterHeight, kw: ci.filterWidth, sh: ci.strideHeight, sw: ci.strideWidth,
    Ho: ci.outHeight, Wo: ci.outWidth, pt: ci.padInfo.top, pl: ci.padInfo.left,
  };
  // A strided 1×1 convolution (a ResNet shortcut) reads only every s-th pixel: transpose
  // just those, and it becomes a stride-1 product over the output grid. Only where every
  // output pixel reads a real one: padding on any side takes the general path.
  const pointwise = g.kh === 1 && g.kw === 1 && (g.sh > 1 || g.sw > 1) && g.pt === 0 && g.pl === 0 &&
    (g.Ho - 1) * g.sh < H && (g.Wo - 1) * g.sw < W;
  const M = g.kh * g.kw * C;
  const maxK = Math.max(1, Math.min(limits.chunk / M, limits.packed / g.Co));
  // Whole batches per output row where they fit; more rows per chunk if those fit too.
  const nb = Math.max(1, Math.min(B, Math.floor(maxK / g.Wo)));
  const nr = Math.max(1, Math.min(g.Ho, Math.floor(maxK / (g.Wo * nb))));
  const xT = alloc(b, pointwise ? [C, g.Ho, g.Wo, B] : [C, H, W, B]);
  if (pointwise) {
    const { Wo, sh, sw } = g;
    transposeBatchInnermost(heapF32(b), f32Index(b, x), f32Index(b, xT), B, H * W, C, g.Ho * Wo, (p) => Math.floor(p / Wo) * sh * W + (p % Wo) * sw);
    g = { ...g, H: g.Ho, W: Wo, sh: 1, sw: 1 };
  } else {
    transposeBatchInnermost(heapF32(b), f32Index(b, x), f32Index(b, xT), B, H * W, C);
  }
  // The backend's transpose moves whole Co-float rows, several times faster than a JS loop.
  const dy3 = run('Reshape', b, { x: dy }, { shape: [B, g.Ho * g.Wo, g.Co] });
  const dyT = run('Transpose', b, { x: dy3 }, { perm: [1, 0, 2] });
  free(b, dy3);
  let acc: TensorInfo | undefined;
  try {
    for (let b0 = 0; b0 < B; b0 += nb) {
      for (let oh0 = 0; oh0 < g.Ho; oh0 += nr) {
        const k: Chunk = { oh0, nr: Math.min(nr, g.Ho - oh0), b0, nb: Math.min(nb, B - b0) };
        const len = k.nr * g.Wo * k.nb;
        const aT = alloc(b, [1, M, len]);
        const bT = alloc(b, [1, len, g.Co]);
        const heap = heapF32(b);
        gatherLeft(heap, f32Index(b, aT), f32Index(b, xT), g, k);
        gatherRight(heap, f32Index(b, bT), f32Index(b, dyT), g, k);
        const out = run('BatchMatMul', b, { a: aT, b: bT }, { transposeA: false, transposeB: false });
        free(b, aT, bT);
        acc = accumulate(b, acc, out);
      }
    }
  } finally {
    free(b, xT, dyT);
  }
  const result = run('Reshape', b, { x: acc! }, { shape: [g.kh, g.kw, C, g.Co] });
  free(b, acc);
  return result;
}
