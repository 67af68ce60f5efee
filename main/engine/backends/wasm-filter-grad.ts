// Conv2DBackpropFilter for the wasm backend as chunked GEMMs on XNNPACK.
//
//   dW[ky,kx,ci,co] = Σ_{b,oh,ow} x[b, oh·s+ky−p, ow·s+kx−p, ci] · dy[b,oh,ow,co]
//
// is one GEMM [taps·Ci, N]·[N, Co] over the N = B·Ho·Wo output pixels: row (tap, ci) of
// the left operand is channel ci of x seen through that tap's window. N (the reduction)
// is huge while the result is tiny, a shape XNNPACK handles badly: it does not block the
// reduction, so the operand it packs is streamed from memory once per row tile. (Writing
// the gradient as one convolution, x as images and dy as the filter, runs at a third of
// forward speed for exactly that reason.) So we cut N into chunks that keep both operands
// in cache and sum the chunk products. The left operand is gathered per chunk:
//  - large maps ("flat"): x is split into s×s stride phases laid out channel-major over
//    the grid q = (b, i, j) of size B×Hq×Wq that dy is embedded in (zeros past Ho×Wo).
//    Each tap then reads its phase shifted by one flat offset, and dy's zeros cancel the
//    terms that wrapped across a row or image edge, so a row is one contiguous copy.
//  - small maps ("gathered"): the padding of that grid would waste too many FLOPs, so
//    each tap's window is gathered explicitly.
import type { TensorInfo } from '@tensorflow/tfjs';
import type * as tf from '@tensorflow/tfjs';
import { alloc, conv2d, f32Index, free, heapF32, run, type WasmBackend } from './wasm-heap';

/** Floats per chunk of the gathered left operand (~16 MB). */
const CHUNK_FLOATS = 1 << 22;
/** Floats per chunk of the right operand, which XNNPACK packs and re-reads per row tile. */
const PACKED_FLOATS = 1 << 18;

/**
 * Up to this many output pixels per image the flat grid's padding (a 16×16 map becomes
 * 18×18: +27% GEMM work) costs more than gathering each tap's window.
 */
const SMALL_MAP = 256;

export function filterGrad(b: WasmBackend, x: TensorInfo, dy: TensorInfo, ci: tf.backend_util.Conv2DInfo): TensorInfo {
  return ci.outHeight * ci.outWidth <= SMALL_MAP ? filterGradGathered(b, x, dy, ci) : filterGradFlat(b, x, dy, ci);
}

/**
 * [M,K]·[K,N] as a 1×1 convolution of M one-pixel rows: XNNPACK runs it with the same
 * GEMM micro-kernels as its fully-connected operator, but (unlike BatchMatMul, whose
 * tfjs wrapper passes no thread pool) on the backend's threads.
 */
function gemm(b: WasmBackend, a: TensorInfo, w: TensorInfo): TensorInfo {
  return conv2d(b, a, w, { top: 0, bottom: 0, left: 0, right: 0 });
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

function finish(b: WasmBackend, acc: TensorInfo, kh: number, kw: number, C: number, Co: number): TensorInfo {
  const result = run('Reshape', b, { x: acc }, { shape: [kh, kw, C, Co] });
  free(b, acc);
  return result;
}

/**
 * Small maps: gather every tap's window explicitly (no padded grid), one row of the left
 * operand per (tap, channel) over the valid output pixels of a chunk of whole images.
 */
function filterGradGathered(b: WasmBackend, x: TensorInfo, dy: TensorInfo, ci: tf.backend_util.Conv2DInfo): TensorInfo {
  const [B, H, W, C] = x.shape;
  const Co = dy.shape[3];
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: Ho, outWidth: Wo } = ci;
  const { top: pt, left: pl } = ci.padInfo;
  const Hp = (Ho - 1) * sh + kh;
  const Wp = (Wo - 1) * sw + kw;
  // xT[c][b][hp][wp]: zero-padded, channel-major.
  const xT = alloc(b, [C * B * Hp * Wp]);
  {
    const heap = heapF32(b);
    const t = f32Index(b, xT);
    const xs = f32Index(b, x);
    heap.fill(0, t, t + C * B * Hp * Wp);
    for (let bi = 0; bi < B; bi++) {
      for (let h = 0; h < H; h++) {
        const hp = h + pt;
        if (hp >= Hp) break;
        const n = Math.min(W, Wp - pl);
        const rowSrc = xs + (bi * H + h) * W * C;
        const dst0 = t + (bi * Hp + hp) * Wp + pl;
        for (let ch = 0; ch < C; ch++) {
          const dst = dst0 + ch * B * Hp * Wp;
          let src = rowSrc + ch;
          for (let w = 0; w < n; w++, src += C) heap[dst + w] = heap[src];
        }
      }
    }
  }
  const M = kh * kw * C;
  const pix = Ho * Wo;
  const imgs = Math.max(1, Math.min(B, Math.floor(Math.min(CHUNK_FLOATS / M, PACKED_FLOATS / Co) / pix)));
  let acc: TensorInfo | undefined;
  try {
    for (let b0 = 0; b0 < B; b0 += imgs) {
      const nb = Math.min(imgs, B - b0);
      const len = nb * pix;
      const aT = alloc(b, [1, M, 1, len]);
      const bT = alloc(b, [1, 1, len, Co]);
      const heap = heapF32(b);
      let dst = f32Index(b, aT);
      const t = f32Index(b, xT);
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          for (let ch = 0; ch < C; ch++) {
            for (let bi = b0; bi < b0 + nb; bi++) {
              const img = t + ((ch * B + bi) * Hp + ky) * Wp + kx;
              for (let oh = 0; oh < Ho; oh++) {
                const row = img + oh * sh * Wp;
                if (sw === 1 && Wo >= 16) {
                  heap.copyWithin(dst, row, row + Wo);
                  dst += Wo;
                } else {
                  for (let ow = 0; ow < Wo; ow++) heap[dst++] = heap[row + ow * sw];
                }
              }
            }
          }
        }
      }
      const d = f32Index(b, dy) + b0 * pix * Co;
      heap.copyWithin(f32Index(b, bT), d, d + len * Co);
      const out = gemm(b, aT, bT);
      free(b, aT, bT);
      acc = accumulate(b, acc, out);
    }
  } finally {
    free(b, xT);
  }
  return finish(b, acc!, kh, kw, C, Co);
}

/** Large maps: the flat-grid form described at the top of this file. */
function filterGradFlat(b: WasmBackend, x: TensorInfo, dy: TensorInfo, ci: tf.backend_util.Conv2DInfo): TensorInfo {
  const [B, H, W, C] = x.shape;
  const Co = dy.shape[3];
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: Ho, outWidth: Wo } = ci;
  const { top: pt, left: pl } = ci.padInfo;
  // Phase grid: dy's rows plus room for the largest tap shift.
  const Hq = Ho + Math.floor((kh - 1) / sh);
  const Wq = Wo + Math.floor((kw - 1) / sw);
  const NQ = B * Hq * Wq;
  // The last q whose dy is non-zero; every tap's read stays inside the grid up to it.
  const Qeff = (B - 1) * Hq * Wq + (Ho - 1) * Wq + Wo;
  const phases = sh * sw;

  // xP[phase][c][q]: stride phases of padded x, channel-major.
  const xP = alloc(b, [phases * C * NQ]);
  {
    const heap = heapF32(b);
    const base = f32Index(b, xP);
    const xs = f32Index(b, x);
    heap.fill(0, base, base + phases * C * NQ);
    for (let bi = 0; bi < B; bi++) {
      for (let h = 0; h < H; h++) {
        const hp = h + pt;
        const a = hp % sh;
        const i = (hp - a) / sh;
        if (i >= Hq) continue; // rows no output reads
        const rowSrc = xs + (bi * H + h) * W * C;
        // Per phase column: channel-major writes are contiguous runs over j, while the
        // strided reads stay inside one image row (W·C floats, in L1).
        for (let c = 0; c < sw; c++) {
          const w0 = (((c - pl) % sw) + sw) % sw;
          const j0 = (w0 + pl - c) / sw;
          const n = Math.min(Math.ceil((W - w0) / sw), Wq - j0);
          if (n <= 0) continue;
          const dst0 = base + (a * sw + c) * C * NQ + (bi * Hq + i) * Wq + j0;
          const step = sw * C;
          for (let ch = 0; ch < C; ch++) {
            const dst = dst0 + ch * NQ;
            let src = rowSrc + w0 * C + ch;
            for (let k = 0; k < n; k++, src += step) heap[dst + k] = heap[src];
          }
        }
      }
    }
  }

  const M = kh * kw * C;
  const Kc = Math.max(256, Math.min(Qeff, Math.floor(CHUNK_FLOATS / M), Math.floor(PACKED_FLOATS / Co)));
  let acc: TensorInfo | undefined;
  try {
    for (let q0 = 0; q0 < Qeff; q0 += Kc) {
      const len = Math.min(Kc, Qeff - q0);
      const aT = alloc(b, [1, M, 1, len]);
      const bT = alloc(b, [1, 1, len, Co]);
      const heap = heapF32(b);
      const ai = f32Index(b, aT);
      const bi0 = f32Index(b, bT);
      const xb = f32Index(b, xP);
      // Left operand: row (ky,kx,c) = phase row c shifted by the tap's flat offset.
      let row = ai;
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          const phase = (ky % sh) * sw + (kx % sw);
          const off = Math.floor(ky / sh) * Wq + Math.floor(kx / sw);
          let src = xb + phase * C * NQ + q0 + off;
          for (let ch = 0; ch < C; ch++, src += NQ, row += len) heap.copyWithin(row, src, src + len);
        }
      }
      // Right operand: dy rows of the grid, zero where the grid is padding.
      heap.fill(0, bi0, bi0 + len * Co);
      const dys = f32Index(b, dy);
      for (let q = q0; q < q0 + len; ) {
        const j = q % Wq;
        const i = Math.floor(q / Wq) % Hq;
        const rowEnd = q - j + Wq;
        if (i < Ho && j < Wo) {
          const n = Math.min(Wo - j, q0 + len - q);
          const src = dys + ((Math.floor(q / (Wq * Hq)) * Ho + i) * Wo + j) * Co;
          heap.copyWithin(bi0 + (q - q0) * Co, src, src + n * Co);
        }
        q = rowEnd;
      }
      const out = gemm(b, aT, bT);
      free(b, aT, bT);
      acc = accumulate(b, acc, out);
    }
  } finally {
    free(b, xP);
  }
  return finish(b, acc!, kh, kw, C, Co);
}
