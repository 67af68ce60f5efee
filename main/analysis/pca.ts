/**
 * PCA by subspace (block power) iteration on a covariance sketch: the covariance is taken
 * over a seeded row sample, so fitting costs the same at 10k or 1M points, and projecting
 * is one SIMD matrix product. At 100k × 512 the 3D preview takes well under a second.
 */
import { Arena, sized } from './arena';
import { orthonormalizeRows, symmetricEigen } from './eigen';
import { Rng } from './rng';
import { padTo8 } from './simd-kernels';

export interface PcaBasis {
  dim: number;
  m: number;
  mean: Float32Array;
  /** m × dim, rows orthonormal, ordered by decreasing variance. */
  components: Float32Array;
  variances: Float64Array;
}

export interface PcaOptions {
  seed?: number;
  /** Rows used for the covariance sketch. */
  sampleSize?: number;
  /** Power iterations; more sharpens the trailing components. */
  iters?: number;
}

/** Bytes fitPcaInArena needs on top of the data. */
export function pcaScratchBytes(n: number, dim: number, m: number, sampleSize = 4096): number {
  const dp = padTo8(dim);
  const s = padTo8(Math.min(n, sampleSize));
  const l = (Math.min(m + 8, dim) + 3) & ~3;
  return sized(dp * s * 4) + sized(dp * dp * 4) + 2 * sized(Math.max(l, 4) * dp * 4) + sized(l * dp * 4);
}

/** Fits PCA on rows already in the arena (stride padTo8(dim)); scratch is released after. */
export function fitPcaInArena(arena: Arena, xPtr: number, n: number, dim: number, m: number, o: PcaOptions = {}): PcaBasis {
  const { kern, f32 } = arena;
  const dp = padTo8(dim);
  m = Math.min(m, dim);
  const s = Math.min(n, o.sampleSize ?? 4096);
  const sp = padTo8(s);
  const l = (Math.min(m + 8, dim) + 3) & ~3; // oversampled block, a multiple of 4 for dotRows4
  const rng = new Rng(o.seed ?? 0, 11);
  const mark = arena.mark();
  // Seeded sample of rows without replacement (partial Fisher–Yates).
  const pick = new Int32Array(n);
  for (let i = 0; i < n; i++) pick[i] = i;
  for (let i = 0; i < s; i++) {
    const j = i + rng.int(n - i);
    const t = pick[i];
    pick[i] = pick[j];
    pick[j] = t;
  }
  const mean = new Float64Array(dim);
  for (let r = 0; r < s; r++) for (let j = 0, o2 = xPtr / 4 + pick[r] * dp; j < dim; j++) mean[j] += f32[o2 + j];
  for (let j = 0; j < dim; j++) mean[j] /= s;
  // Centred sample, transposed (dp × sp) so the covariance is one dotRows4 call.
  const xtPtr = arena.alloc(dp * sp * 4);
  const xt = xtPtr / 4;
  f32.fill(0, xt, xt + dp * sp);
  for (let r = 0; r < s; r++) {
    const o2 = xPtr / 4 + pick[r] * dp;
    for (let j = 0; j < dim; j++) f32[xt + j * sp + r] = f32[o2 + j] - mean[j];
  }
  const cPtr = arena.alloc(dp * dp * 4);
  kern.dotRows4(xtPtr, dp, xtPtr, dp, sp, cPtr);
  const qPtr = arena.alloc(l * dp * 4);
  const zPtr = arena.alloc(l * dp * 4);
  const q = new Float64Array(l * dp);
  for (let c = 0; c < l; c++) for (let j = 0; j < dim; j++) q[c * dp + j] = rng.normal();
  orthonormalizeRows(q, l, dp);
  const multiply = () => {
    // Z (dp × l) = C · Qᵀ, then Q ← Zᵀ.
    for (let i = 0; i < l * dp; i++) f32[qPtr / 4 + i] = q[i];
    kern.dotRows4(cPtr, dp, qPtr, l, dp, zPtr);
    const z = zPtr / 4;
    for (let a = 0; a < dp; a++) for (let c = 0; c < l; c++) q[c * dp + a] = f32[z + a * l + c];
  };
  const iters = o.iters ?? 8;
  for (let it = 0; it < iters; it++) {
    multiply();
    orthonormalizeRows(q, l, dp);
  }
  // Rayleigh–Ritz: B = Q C Qᵀ is small; its eigenvectors rotate Q into the principal axes.
  const qOrth = Float64Array.from(q);
  multiply();
  const b = new Float64Array(l * l);
  for (let c1 = 0; c1 < l; c1++)
    for (let c2 = 0; c2 < l; c2++) {
      let acc = 0;
      for (let a = 0; a < dp; a++) acc += qOrth[c1 * dp + a] * q[c2 * dp + a];
      b[c1 * l + c2] = acc / Math.max(1, s - 1);
    }
  for (let c1 = 0; c1 < l; c1++) for (let c2 = 0; c2 < c1; c2++) b[c1 * l + c2] = b[c2 * l + c1] = (b[c1 * l + c2] + b[c2 * l + c1]) / 2;
  const { values, vectors } = symmetricEigen(b, l);
  const components = new Float32Array(m * dim);
  for (let r = 0; r < m; r++) {
    let big = 0;
    for (let j = 0; j < dim; j++) {
      let acc = 0;
      for (let c = 0; c < l; c++) acc += vectors[r * l + c] * qOrth[c * dp + j];
      components[r * dim + j] = acc;
      if (Math.abs(acc) > Math.abs(big)) big = acc;
    }
    // Fix each axis' sign so reruns and reseeds do not mirror the map.
    if (big < 0) for (let j = 0; j < dim; j++) components[r * dim + j] *= -1;
  }
  arena.release(mark);
  return { dim, m, mean: Float32Array.from(mean), components, variances: values.slice(0, m) };
}

/**
 * Projects n rows (stride padTo8(dim), in the arena) onto the first `m` components into
 * out (stride outStride ≥ m, a multiple of 4, in the arena). Rows [from, to) only, so
 * workers can split the work.
 */
export function projectInArena(arena: Arena, basis: PcaBasis, wPtr: number, xPtr: number, from: number, to: number, outPtr: number, outStride: number): void {
  const dp = padTo8(basis.dim);
  arena.kern.dotRows4(xPtr + from * dp * 4, to - from, wPtr, outStride, dp, outPtr + from * outStride * 4);
  const bias = new Float64Array(outStride);
  for (let c = 0; c < outStride; c++) {
    const w = wPtr / 4 + c * dp;
    let acc = 0;
    for (let j = 0; j < basis.dim; j++) acc += arena.f32[w + j] * basis.mean[j];
    bias[c] = acc;
  }
  const f32 = arena.f32;
  for (let i = from; i < to; i++) for (let c = 0, o = outPtr / 4 + i * outStride; c < outStride; c++) f32[o + c] -= bias[c];
}

/** Writes the first `count` components (zero-padded to `stride` rows of padTo8(dim)) into the arena. */
export function writeComponents(arena: Arena, basis: PcaBasis, count: number, stride: number): number {
  const dp = padTo8(basis.dim);
  const ptr = arena.alloc(stride * dp * 4);
  arena.f32.fill(0, ptr / 4, ptr / 4 + stride * dp);
  for (let c = 0; c < Math.min(count, basis.m); c++)
    for (let j = 0; j < basis.dim; j++) arena.f32[ptr / 4 + c * dp + j] = basis.components[c * basis.dim + j];
  return ptr;
}

/** Copies a plain n × dim matrix into a fresh arena with padded rows (plus `extra` bytes). */
export function loadRows(data: Float32Array, n: number, dim: number, extra: number, normalize: boolean): { arena: Arena; xPtr: number } {
  const dp = padTo8(dim);
  // Four spare zero rows let blocked kernels overrun the last row harmlessly.
  const arena = new Arena(sized((n + 4) * dp * 4) + extra);
  const xPtr = arena.alloc((n + 4) * dp * 4);
  const f32 = arena.f32;
  for (let i = 0; i < n; i++) {
    const src = i * dim;
    const dst = xPtr / 4 + i * dp;
    let norm = 0;
    if (normalize) for (let j = 0; j < dim; j++) norm += data[src + j] * data[src + j];
    const scale = normalize && norm > 0 ? 1 / Math.sqrt(norm) : 1;
    for (let j = 0; j < dim; j++) f32[dst + j] = data[src + j] * scale;
  }
  return { arena, xPtr };
}

/** PCA of plain rows to m dimensions: n × m coordinates plus the basis. */
export function pca(data: Float32Array, n: number, dim: number, m: number, o: PcaOptions = {}): { coords: Float32Array; basis: PcaBasis } {
  const stride = (m + 3) & ~3;
  const extra = pcaScratchBytes(n, dim, m, o.sampleSize) + sized(stride * padTo8(dim) * 4) + sized(n * stride * 4);
  const { arena, xPtr } = loadRows(data, n, dim, extra, false);
  const basis = fitPcaInArena(arena, xPtr, n, dim, m, o);
  const wPtr = writeComponents(arena, basis, m, stride);
  const outPtr = arena.alloc(n * stride * 4);
  projectInArena(arena, basis, wPtr, xPtr, 0, n, outPtr, stride);
  const coords = new Float32Array(n * m);
  for (let i = 0; i < n; i++) for (let c = 0; c < m; c++) coords[i * m + c] = arena.f32[outPtr / 4 + i * stride + c];
  return { coords, basis };
}
