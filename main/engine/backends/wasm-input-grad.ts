// Conv2DBackpropInput for the wasm backend as stride-1 XNNPACK convolutions.
//
// dx[h] = Σ_{oh,ky : oh·s+ky−p = h} dy[oh]·W[ky]ᵀ. For output rows h ≡ r (mod s) only the
// taps ky ≡ r+p (mod s) contribute, each reading dy shifted by a whole row, so every
// stride phase of dx is a stride-1 correlation of dy with a sub-filter (W restricted to
// those taps, flipped, in/out channels swapped). The s² phase results are interleaved
// into dx. This does the forward pass's FLOPs; the usual "convolve the zero-upsampled dy"
// does s² times as many (4× for the stride-2 layers of a ResNet).
import type { TensorInfo } from '@tensorflow/tfjs';
import type * as tf from '@tensorflow/tfjs';
import { alloc, conv2d, f32Index, free, heapF32, type WasmBackend } from './wasm-heap';

interface Phase {
  /** Taps ky in order of increasing dy offset (decreasing ky). */
  taps: number[];
  /** dy row offset of the first tap: dx_r[q] reads dy[q + d0 + j] for tap j. */
  d0: number;
  /** Number of dx rows in this phase. */
  size: number;
}

function phases(n: number, k: number, s: number, pad: number): Phase[] {
  const out: Phase[] = [];
  for (let r = 0; r < s; r++) {
    const taps: number[] = [];
    for (let ky = k - 1; ky >= 0; ky--) if ((((ky - r - pad) % s) + s) % s === 0) taps.push(ky);
    const d0 = taps.length ? (r + pad - taps[0]) / s : 0;
    out.push({ taps, d0, size: Math.max(0, Math.ceil((n - r) / s)) });
  }
  return out;
}

/** Returns null where a phase would need negative padding (the caller falls back). */
export function inputGrad(b: WasmBackend, dy: TensorInfo, filter: TensorInfo, ci: tf.backend_util.Conv2DInfo): TensorInfo | null {
  const [B, Ho, Wo, Co] = dy.shape;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, inHeight: H, inWidth: W, inChannels: C } = ci;
  const ph = phases(H, kh, sh, ci.padInfo.top);
  const pw = phases(W, kw, sw, ci.padInfo.left);
  type Job = { rh: number; rw: number; p: { top: number; bottom: number; left: number; right: number } };
  const jobs: Job[] = [];
  for (let rh = 0; rh < sh; rh++) {
    for (let rw = 0; rw < sw; rw++) {
      const a = ph[rh];
      const c = pw[rw];
      if (!a.taps.length || !c.taps.length || !a.size || !c.size) continue;
      const p = {
        top: -a.d0, bottom: a.size - Ho + a.d0 + a.taps.length - 1,
        left: -c.d0, right: c.size - Wo + c.d0 + c.taps.length - 1,
      };
      if (Math.min(p.top, p.bottom, p.left, p.right) < 0) return null;
      jobs.push({ rh, rw, p });
    }
  }
  const single = sh === 1 && sw === 1;
  const dx = single ? undefined : alloc(b, [B, H, W, C]);
  if (dx && jobs.length < sh * sw) {
    const i = f32Index(b, dx);
    heapF32(b).fill(0, i, i + B * H * W * C);
  }
  for (const { rh, rw, p } of jobs) {
    const a = ph[rh];
    const c = pw[rw];
    // Sub-filter [taps_h, taps_w, Co, C] from W [kh, kw, C, Co].
    const f = alloc(b, [a.taps.length, c.taps.length, Co, C]);
    {
      const heap = heapF32(b);
      const src = f32Index(b, filter);
      let dst = f32Index(b, f);
      for (const ky of a.taps) {
        for (const kx of c.taps) {
          const tap = src + (ky * kw + kx) * C * Co;
          for (let co = 0; co < Co; co++) for (let ch = 0; ch < C; ch++) heap[dst++] = heap[tap + ch * Co + co];
        }
      }
    }
    const out = conv2d(b, dy, f, p);
    free(b, f);
    if (single) return out;
    const heap = heapF32(b);
    const o = f32Index(b, out);
    const d = f32Index(b, dx!);
    const [qh, qw] = [a.size, c.size];
    for (let bi = 0; bi < B; bi++) {
      for (let i = 0; i < qh; i++) {
        let src = o + ((bi * qh + i) * qw) * C;
        let dst = d + ((bi * H + i * sh + rh) * W + rw) * C;
        for (let j = 0; j < qw; j++, src += C, dst += sw * C) heap.copyWithin(dst, src, src + C);
      }
    }
    free(b, out);
  }
  return dx!;
}
