// Winograd F(4×4, 3×3) for the wasm backend's 3×3 stride-1 convolutions.
//
// XNNPACK runs a direct 3×3 convolution at the wasm SIMD peak (no FMA in 128-bit wasm SIMD),
// so the only way to make these convolutions, which are most of a ResNet's training step,
// faster is to do fewer multiplications. Winograd's minimal filtering (Lavin & Gray 2015,
// arXiv 1509.09308) computes each 4×4 output tile from a 6×6 input tile with 36 products
// per (input, output) channel pair instead of 144:
//
//   Y = Aᵀ [ Σ_ci (G g Gᵀ) ⊙ (Bᵀ d B) ] A
//
// The Σ_ci is, for each of the 36 tile positions, one GEMM [tiles, C]·[C, Co], which runs
// on XNNPACK (as a 1×1 convolution, on the backend's threads). The transforms Bᵀ d B and
// Aᵀ m A are linear maps with small integer coefficients, unrolled below from the paper's
// matrices (row pass, then column pass); they cost far less than the 2.25× fewer FLOPs save.
// Used for the forward convolutions and, through the registry, for the stride-1 input
// gradients (wasm-input-grad.ts), which are the same 3×3 convolutions with flipped filters.
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { alloc, convInfo, f32Index, free, gemm, heapF32, type WasmBackend } from './wasm-heap';

const settings = {
  enabled: process.env.BYOL_WINOGRAD !== '0',
  /** Floats per chunk of transformed tiles (~128 MB); larger batches run in chunks of images. */
  chunk: 1 << 25,
  /**
   * Fewest input and output channels. The transforms cost time per channel and the GEMMs
   * save time per channel pair, so narrow layers lose: measured on the 2-core machine, a
   * 24-channel layer ran slower and a 64-channel one only ~6% faster than direct.
   */
  minChannels: 64,
};
let calls = 0;

/** For tests and benchmarks: switches Winograd on or off and sets the chunk size. Returns the previous settings. */
export function setWinograd(next: Partial<typeof settings>): typeof settings {
  const prev = { ...settings };
  Object.assign(settings, next);
  return prev;
}

/** How many convolutions ran through Winograd (tests check the fast path ran). */
export function winogradCalls(): number {
  return calls;
}

/** 3×3, stride 1, dilation 1, padding 1 on every side, sides divisible by 4, and enough channels for the GEMMs to pay. */
export function winogradApplies(x: number[], filter: number[], ci: tf.backend_util.Conv2DInfo): boolean {
  const p = ci.padInfo;
  return settings.enabled && x.length === 4 && ci.dataFormat === 'channelsLast'
    && filter[0] === 3 && filter[1] === 3 && ci.strideHeight === 1 && ci.strideWidth === 1
    && ci.dilationHeight === 1 && ci.dilationWidth === 1
    && p.top === 1 && p.bottom === 1 && p.left === 1 && p.right === 1
    && x[1] % 4 === 0 && x[2] % 4 === 0 && x[3] >= settings.minChannels && filter[3] >= settings.minChannels;
}

/** G·g for one 3-vector: the rows of G are (1/4,0,0), (−1/6,−1/6,−1/6), (−1/6,1/6,−1/6), (1/24,1/12,1/6), (1/24,−1/12,1/6), (0,0,1). */
function g6(o: Float64Array, at: number, step: number, g0: number, g1: number, g2: number): void {
  const e = g0 / 24 + g2 / 6;
  o[at] = g0 / 4;
  o[at + step] = -(g0 + g1 + g2) / 6;
  o[at + 2 * step] = -(g0 - g1 + g2) / 6;
  o[at + 3 * step] = e + g1 / 12;
  o[at + 4 * step] = e - g1 / 12;
  o[at + 5 * step] = g2;
}

/** U_k = (G g Gᵀ)[k] for every (ci, co), as 36 filters [1, 1, C, Co] for the GEMMs. */
function transformFilter(b: WasmBackend, filter: TensorInfo): TensorInfo[] {
  const [, , C, Co] = filter.shape;
  const n = C * Co;
  const us = Array.from({ length: 36 }, () => alloc(b, [1, 1, C, Co]));
  const h = heapF32(b);
  const f = f32Index(b, filter);
  const pu = us.map((u) => f32Index(b, u));
  const t = new Float64Array(18); // t[i*3 + col] = (G g)[i][col]
  const u = new Float64Array(36);
  for (let k = 0; k < n; k++) {
    for (let col = 0; col < 3; col++) g6(t, col, 3, h[f + col * n + k], h[f + (3 + col) * n + k], h[f + (6 + col) * n + k]);
    for (let i = 0; i < 6; i++) g6(u, i * 6, 1, t[i * 3], t[i * 3 + 1], t[i * 3 + 2]);
    for (let m = 0; m < 36; m++) h[pu[m] + k] = u[m];
  }
  return us;
}

/** Copies images [b0, b0+nb) of x into a zeroed buffer with a one-pixel border. */
function padImages(b: WasmBackend, x: TensorInfo, b0: number, nb: number): TensorInfo {
  const [, H, W, C] = x.shape;
  const xp = alloc(b, [nb, H + 2, W + 2, C]);
  const h = heapF32(b);
  const src = f32Index(b, x);
  const dst = f32Index(b, xp);
  h.fill(0, dst, dst + nb * (H + 2) * (W + 2) * C);
  for (let i = 0; i < nb; i++) {
    for (let r = 0; r < H; r++) {
      const from = src + ((b0 + i) * H + r) * W * C;
      h.copyWithin(dst + ((i * (H + 2) + r + 1) * (W + 2) + 1) * C, from, from + W * C);
    }
  }
  return xp;
}

/** V_k = (Bᵀ d B)[k] of every 6×6 tile (stride 4) of the padded images, as [tiles, C] per k. */
function transformInput(h: Float32Array, xp: number, pv: number[], nb: number, H: number, W: number, C: number): void {
  const [pv0, pv1, pv2, pv3, pv4, pv5, pv6, pv7, pv8, pv9, pv10, pv11, pv12, pv13, pv14, pv15, pv16, pv17, pv18, pv19, pv20, pv21, pv22, pv23, pv24, pv25, pv26, pv27, pv28, pv29, pv30, pv31, pv32, pv33, pv34, pv35] = pv;
  const Wp = W + 2;
  const row = Wp * C;
  const c1 = C, c2 = 2 * C, c3 = 3 * C, c4 = 4 * C, c5 = 5 * C;
  let s = 0;
  for (let bi = 0; bi < nb; bi++) {
    for (let ty = 0; ty < H / 4; ty++) {
      for (let tx = 0; tx < W / 4; tx++) {
        const base = xp + ((bi * (H + 2) + 4 * ty) * Wp + 4 * tx) * C;
        for (let ch = 0; ch < C; ch++, s++) {
          const r0 = base + ch, r1 = r0 + row, r2 = r1 + row, r3 = r2 + row, r4 = r3 + row, r5 = r4 + row;
          const x00 = h[r0], x01 = h[r0 + c1], x02 = h[r0 + c2], x03 = h[r0 + c3], x04 = h[r0 + c4], x05 = h[r0 + c5];
          const x10 = h[r1], x11 = h[r1 + c1], x12 = h[r1 + c2], x13 = h[r1 + c3], x14 = h[r1 + c4], x15 = h[r1 + c5];
          const x20 = h[r2], x21 = h[r2 + c1], x22 = h[r2 + c2], x23 = h[r2 + c3], x24 = h[r2 + c4], x25 = h[r2 + c5];
          const x30 = h[r3], x31 = h[r3 + c1], x32 = h[r3 + c2], x33 = h[r3 + c3], x34 = h[r3 + c4], x35 = h[r3 + c5];
          const x40 = h[r4], x41 = h[r4 + c1], x42 = h[r4 + c2], x43 = h[r4 + c3], x44 = h[r4 + c4], x45 = h[r4 + c5];
          const x50 = h[r5], x51 = h[r5 + c1], x52 = h[r5 + c2], x53 = h[r5 + c3], x54 = h[r5 + c4], x55 = h[r5 + c5];
          const v0a = x40 - 4 * x20, v0b = x30 - 4 * x10, v0c = x40 - x20, v0d = 2 * (x30 - x10);
          const u00 = 4 * x00 - 5 * x20 + x40, u10 = v0a + v0b, u20 = v0a - v0b, u30 = v0c + v0d, u40 = v0c - v0d, u50 = 4 * x10 - 5 * x30 + x50;
          const v1a = x41 - 4 * x21, v1b = x31 - 4 * x11, v1c = x41 - x21, v1d = 2 * (x31 - x11);
          const u01 = 4 * x01 - 5 * x21 + x41, u11 = v1a + v1b, u21 = v1a - v1b, u31 = v1c + v1d, u41 = v1c - v1d, u51 = 4 * x11 - 5 * x31 + x51;
          const v2a = x42 - 4 * x22, v2b = x32 - 4 * x12, v2c = x42 - x22, v2d = 2 * (x32 - x12);
          const u02 = 4 * x02 - 5 * x22 + x42, u12 = v2a + v2b, u22 = v2a - v2b, u32 = v2c + v2d, u42 = v2c - v2d, u52 = 4 * x12 - 5 * x32 + x52;
          const v3a = x43 - 4 * x23, v3b = x33 - 4 * x13, v3c = x43 - x23, v3d = 2 * (x33 - x13);
          const u03 = 4 * x03 - 5 * x23 + x43, u13 = v3a + v3b, u23 = v3a - v3b, u33 = v3c + v3d, u43 = v3c - v3d, u53 = 4 * x13 - 5 * x33 + x53;
          const v4a = x44 - 4 * x24, v4b = x34 - 4 * x14, v4c = x44 - x24, v4d = 2 * (x34 - x14);
          const u04 = 4 * x04 - 5 * x24 + x44, u14 = v4a + v4b, u24 = v4a - v4b, u34 = v4c + v4d, u44 = v4c - v4d, u54 = 4 * x14 - 5 * x34 + x54;
          const v5a = x45 - 4 * x25, v5b = x35 - 4 * x15, v5c = x45 - x25, v5d = 2 * (x35 - x15);
          const u05 = 4 * x05 - 5 * x25 + x45, u15 = v5a + v5b, u25 = v5a - v5b, u35 = v5c + v5d, u45 = v5c - v5d, u55 = 4 * x15 - 5 * x35 + x55;
          const w0a = u04 - 4 * u02, w0b = u03 - 4 * u01, w0c = u04 - u02, w0d = 2 * (u03 - u01);
          h[pv0 + s] = 4 * u00 - 5 * u02 + u04;
          h[pv1 + s] = w0a + w0b;
          h[pv2 + s] = w0a - w0b;
          h[pv3 + s] = w0c + w0d;
          h[pv4 + s] = w0c - w0d;
          h[pv5 + s] = 4 * u01 - 5 * u03 + u05;
          const w1a = u14 - 4 * u12, w1b = u13 - 4 * u11, w1c = u14 - u12, w1d = 2 * (u13 - u11);
          h[pv6 + s] = 4 * u10 - 5 * u12 + u14;
          h[pv7 + s] = w1a + w1b;
          h[pv8 + s] = w1a - w1b;
          h[pv9 + s] = w1c + w1d;
          h[pv10 + s] = w1c - w1d;
          h[pv11 + s] = 4 * u11 - 5 * u13 + u15;
          const w2a = u24 - 4 * u22, w2b = u23 - 4 * u21, w2c = u24 - u22, w2d = 2 * (u23 - u21);
          h[pv12 + s] = 4 * u20 - 5 * u22 + u24;
          h[pv13 + s] = w2a + w2b;
          h[pv14 + s] = w2a - w2b;
          h[pv15 + s] = w2c + w2d;
          h[pv16 + s] = w2c - w2d;
          h[pv17 + s] = 4 * u21 - 5 * u23 + u25;
          const w3a = u34 - 4 * u32, w3b = u33 - 4 * u31, w3c = u34 - u32, w3d = 2 * (u33 - u31);
          h[pv18 + s] = 4 * u30 - 5 * u32 + u34;
          h[pv19 + s] = w3a + w3b;
          h[pv20 + s] = w3a - w3b;
          h[pv21 + s] = w3c + w3d;
          h[pv22 + s] = w3c - w3d;
          h[pv23 + s] = 4 * u31 - 5 * u33 + u35;
          const w4a = u44 - 4 * u42, w4b = u43 - 4 * u41, w4c = u44 - u42, w4d = 2 * (u43 - u41);
          h[pv24 + s] = 4 * u40 - 5 * u42 + u44;
          h[pv25 + s] = w4a + w4b;
          h[pv26 + s] = w4a - w4b;
          h[pv27 + s] = w4c + w4d;
          h[pv28 + s] = w4c - w4d;
          h[pv29 + s] = 4 * u41 - 5 * u43 + u45;
          const w5a = u54 - 4 * u52, w5b = u53 - 4 * u51, w5c = u54 - u52, w5d = 2 * (u53 - u51);
          h[pv30 + s] = 4 * u50 - 5 * u52 + u54;
          h[pv31 + s] = w5a + w5b;
          h[pv32 + s] = w5a - w5b;
          h[pv33 + s] = w5c + w5d;
          h[pv34 + s] = w5c - w5d;
          h[pv35 + s] = 4 * u51 - 5 * u53 + u55;
        }
      }
    }
  }
}

/** Y = Aᵀ M A for every tile, written into images [b0, b0+nb) of y. Aᵀ rows: (1,1,1,1,1,0), (0,1,−1,2,−2,0), (0,1,1,4,4,0), (0,1,−1,8,−8,1). */
function transformOutput(h: Float32Array, pm: number[], y: number, b0: number, nb: number, H: number, W: number, Co: number): void {
  const [pm0, pm1, pm2, pm3, pm4, pm5, pm6, pm7, pm8, pm9, pm10, pm11, pm12, pm13, pm14, pm15, pm16, pm17, pm18, pm19, pm20, pm21, pm22, pm23, pm24, pm25, pm26, pm27, pm28, pm29, pm30, pm31, pm32, pm33, pm34, pm35] = pm;
  const rowY = W * Co;
  const o1 = Co, o2 = 2 * Co, o3 = 3 * Co;
  let s = 0;
  for (let bi = 0; bi < nb; bi++) {
    for (let ty = 0; ty < H / 4; ty++) {
      for (let tx = 0; tx < W / 4; tx++) {
        const base = y + (((b0 + bi) * H + 4 * ty) * W + 4 * tx) * Co;
        for (let c = 0; c < Co; c++, s++) {
          const y0 = base + c, y1 = y0 + rowY, y2 = y1 + rowY, y3 = y2 + rowY;
          const m00 = h[pm0 + s], m01 = h[pm1 + s], m02 = h[pm2 + s], m03 = h[pm3 + s], m04 = h[pm4 + s], m05 = h[pm5 + s];
          const m10 = h[pm6 + s], m11 = h[pm7 + s], m12 = h[pm8 + s], m13 = h[pm9 + s], m14 = h[pm10 + s], m15 = h[pm11 + s];
          const m20 = h[pm12 + s], m21 = h[pm13 + s], m22 = h[pm14 + s], m23 = h[pm15 + s], m24 = h[pm16 + s], m25 = h[pm17 + s];
          const m30 = h[pm18 + s], m31 = h[pm19 + s], m32 = h[pm20 + s], m33 = h[pm21 + s], m34 = h[pm22 + s], m35 = h[pm23 + s];
          const m40 = h[pm24 + s], m41 = h[pm25 + s], m42 = h[pm26 + s], m43 = h[pm27 + s], m44 = h[pm28 + s], m45 = h[pm29 + s];
          const m50 = h[pm30 + s], m51 = h[pm31 + s], m52 = h[pm32 + s], m53 = h[pm33 + s], m54 = h[pm34 + s], m55 = h[pm35 + s];
          const a0s = m01 + m02, a0d = m01 - m02, a0S = m03 + m04, a0D = m03 - m04;
          const n00 = m00 + a0s + a0S, n01 = a0d + 2 * a0D, n02 = a0s + 4 * a0S, n03 = a0d + 8 * a0D + m05;
          const a1s = m11 + m12, a1d = m11 - m12, a1S = m13 + m14, a1D = m13 - m14;
          const n10 = m10 + a1s + a1S, n11 = a1d + 2 * a1D, n12 = a1s + 4 * a1S, n13 = a1d + 8 * a1D + m15;
          const a2s = m21 + m22, a2d = m21 - m22, a2S = m23 + m24, a2D = m23 - m24;
          const n20 = m20 + a2s + a2S, n21 = a2d + 2 * a2D, n22 = a2s + 4 * a2S, n23 = a2d + 8 * a2D + m25;
          const a3s = m31 + m32, a3d = m31 - m32, a3S = m33 + m34, a3D = m33 - m34;
          const n30 = m30 + a3s + a3S, n31 = a3d + 2 * a3D, n32 = a3s + 4 * a3S, n33 = a3d + 8 * a3D + m35;
          const a4s = m41 + m42, a4d = m41 - m42, a4S = m43 + m44, a4D = m43 - m44;
          const n40 = m40 + a4s + a4S, n41 = a4d + 2 * a4D, n42 = a4s + 4 * a4S, n43 = a4d + 8 * a4D + m45;
          const a5s = m51 + m52, a5d = m51 - m52, a5S = m53 + m54, a5D = m53 - m54;
          const n50 = m50 + a5s + a5S, n51 = a5d + 2 * a5D, n52 = a5s + 4 * a5S, n53 = a5d + 8 * a5D + m55;
          const b0s = n10 + n20, b0d = n10 - n20, b0S = n30 + n40, b0D = n30 - n40;
          h[y0] = n00 + b0s + b0S;
          h[y1] = b0d + 2 * b0D;
          h[y2] = b0s + 4 * b0S;
          h[y3] = b0d + 8 * b0D + n50;
          const b1s = n11 + n21, b1d = n11 - n21, b1S = n31 + n41, b1D = n31 - n41;
          h[y0 + o1] = n01 + b1s + b1S;
          h[y1 + o1] = b1d + 2 * b1D;
          h[y2 + o1] = b1s + 4 * b1S;
          h[y3 + o1] = b1d + 8 * b1D + n51;
          const b2s = n12 + n22, b2d = n12 - n22, b2S = n32 + n42, b2D = n32 - n42;
          h[y0 + o2] = n02 + b2s + b2S;
          h[y1 + o2] = b2d + 2 * b2D;
          h[y2 + o2] = b2s + 4 * b2S;
          h[y3 + o2] = b2d + 8 * b2D + n52;
          const b3s = n13 + n23, b3d = n13 - n23, b3S = n33 + n43, b3D = n33 - n43;
          h[y0 + o3] = n03 + b3s + b3S;
          h[y1 + o3] = b3d + 2 * b3D;
          h[y2 + o3] = b3s + 4 * b3S;
          h[y3 + o3] = b3d + 8 * b3D + n53;
        }
      }
    }
  }
}

/** conv2d(x, filter) with 'same' padding and stride 1 by Winograd F(4×4, 3×3); the 36 GEMMs are 1×1 XNNPACK convolutions. */
function winogradConv2d(b: WasmBackend, x: TensorInfo, filter: TensorInfo): TensorInfo {
  calls++;
  const [B, H, W, C] = x.shape;
  const Co = filter.shape[3];
  const tiles = (H / 4) * (W / 4);
  const nbMax = Math.max(1, Math.min(B, Math.floor(settings.chunk / (36 * tiles * Math.max(C, Co)))));
  const us = transformFilter(b, filter);
  const y = alloc(b, [B, H, W, Co]);
  try {
    for (let b0 = 0; b0 < B; b0 += nbMax) {
      const nb = Math.min(nbMax, B - b0);
      const xp = padImages(b, x, b0, nb);
      const vs = Array.from({ length: 36 }, () => alloc(b, [nb, H / 4, W / 4, C]));
      transformInput(heapF32(b), f32Index(b, xp), vs.map((v) => f32Index(b, v)), nb, H, W, C);
      free(b, xp);
      const ms: TensorInfo[] = [];
      try {
        for (let k = 0; k < 36; k++) {
          ms.push(gemm(b, vs[k], us[k]));
          free(b, vs[k]);
        }
        transformOutput(heapF32(b), ms.map((m) => f32Index(b, m)), f32Index(b, y), b0, nb, H, W, Co);
      } finally {
        free(b, ...vs.slice(ms.length), ...ms);
      }
    }
  } catch (e) {
    free(b, y);
    throw e;
  } finally {
    free(b, ...us);
  }
  return y;
}

/** The Conv2D kernel: Winograd where it applies, the stock XNNPACK kernel otherwise. */
export function conv2dVia(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
    // Cheap tests first: most calls (the GEMMs of our own kernels) are 1×1.
    if (!settings.enabled || filter.shape[0] !== 3 || filter.shape[1] !== 3 || (attrs as { dataFormat?: string }).dataFormat === 'NCHW') return stock.kernelFunc(args);
    if (!winogradApplies(x.shape, filter.shape, convInfo(x.shape, filter.shape, attrs))) return stock.kernelFunc(args);
    return winogradConv2d(backend as WasmBackend, x, filter);
  };
}
