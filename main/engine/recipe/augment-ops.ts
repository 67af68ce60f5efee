/**
 * Batched colour / blur / solarize ops on images in PLANAR layout [3,B,S,S] (channel first),
 * float in [0,1], with one parameter per image broadcast as a [1,B,1,1] tensor.
 *
 * Why planar: the colour ops need R, G and B separately. Slicing or concatenating the last
 * axis of NHWC is strided and measured 10–40× slower on the wasm backend than an
 * elementwise op; in planar layout a channel is a contiguous leading slice. Gathers are
 * avoided for the same reason (≈ 40 ms per 256×32×32×3 batch on wasm).
 * Only ops every tfjs backend has (wasm included) are used. Call these inside tf.tidy.
 */
import * as tf from '@tensorflow/tfjs';

/** [B,H,W,3] → [3,B,H,W]. */
export const toPlanar = (x: tf.Tensor4D): tf.Tensor4D => tf.transpose(x, [3, 0, 1, 2]);
/** [3,B,H,W] → [B,H,W,3]. */
export const fromPlanar = (x: tf.Tensor4D): tf.Tensor4D => tf.transpose(x, [1, 2, 3, 0]);

/** Per-image scalar [1,B,1,1]. */
export function perImage(values: ArrayLike<number>): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from(values), [1, values.length, 1, 1]);
}

export const clip01 = (x: tf.Tensor4D): tf.Tensor4D => tf.clipByValue(x, 0, 1);

function channels(x: tf.Tensor4D): [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D] {
  const [, B, H, W] = x.shape;
  const c = (i: number) => tf.slice(x, [i, 0, 0, 0], [1, B, H, W]);
  return [c(0), c(1), c(2)];
}

/**
 * max/min as a ± relu(a − b): on wasm, Maximum/Minimum run ~10× slower than Add/Relu
 * (and ~100× with broadcasting), while the result differs from the exact one by at most
 * an ulp, which nothing here depends on (branch choices use comparisons, not equality).
 */
const fmax = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.add(a, tf.relu(tf.sub(b, a)));
const fmin = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.sub(a, tf.relu(tf.sub(a, b)));

/** Exact per-image select: a where m = 1, b where m = 0 (m ∈ {0,1}; x·1 + y·0 is exact). */
function select(m: tf.Tensor4D, a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D {
  return tf.add(tf.mul(a, m), tf.mul(b, tf.sub(1, m)));
}

/** x + δ (additive, official code) or x · f (multiplicative, torchvision), then clip. */
export function adjustBrightness(x: tf.Tensor4D, v: tf.Tensor4D, mode: 'additive' | 'multiplicative'): tf.Tensor4D {
  return clip01(mode === 'additive' ? tf.add(x, v) : tf.mul(x, v));
}

/** f·(x − mean) + mean with the per-image, per-channel spatial mean (official adjust_contrast). */
export function adjustContrast(x: tf.Tensor4D, f: tf.Tensor4D): tf.Tensor4D {
  const m = tf.mean(x, [2, 3], true);
  return clip01(tf.add(tf.mul(f, tf.sub(x, m)), m));
}

/**
 * HSV saturation scaling s' = clip(s·f, 0, 1) without leaving RGB: with v = max and
 * d = max − min, s = d/v, so each channel becomes v − min(f, v/d)·(v − c). Exactly the
 * official rgb→hsv→rgb round trip, at the cost of one max and one min.
 */
export function adjustSaturation(x: tf.Tensor4D, f: tf.Tensor4D): tf.Tensor4D {
  const [r, g, b] = channels(x);
  const v = fmax(fmax(r, g), b);
  const d = tf.sub(v, fmin(fmin(r, g), b));
  const k = fmin(tf.relu(f), tf.div(v, tf.add(d, 1e-12)));
  // Per channel, not v − k·(v − x) on the stacked tensor: broadcasting [1,…] against
  // [3,…] along the leading axis takes wasm's slow generic path (measured 5× slower).
  const out = [r, g, b].map((c) => tf.sub(v, tf.mul(k, tf.sub(v, c))));
  return clip01(tf.concat(out, 0) as tf.Tensor4D);
}

/** x mod 6 for any sign, from floor (faster than tf.mod on wasm). */
const mod6 = (x: tf.Tensor): tf.Tensor => tf.sub(x, tf.mul(tf.floor(tf.mul(x, 1 / 6)), 6));

/**
 * Hue rotation h' = (h + δ) mod 1 via a branch-free batched RGB↔HSV round trip:
 * H6 = 6h from the max channel, then c_n = v − d·clamp(min(k, 4 − k), 0, 1) with
 * k = (n + H6') mod 6 for n = 5, 3, 1 (R, G, B). v and s are unchanged, as in the official
 * code.
 */
export function adjustHue(x: tf.Tensor4D, delta: tf.Tensor4D): tf.Tensor4D {
  const [r, g, b] = channels(x);
  const v = fmax(fmax(r, g), b);
  const d = tf.sub(v, fmin(fmin(r, g), b));
  const inv = tf.div(1, tf.add(d, 1e-12)); // gray pixels (d = 0): any hue, it is multiplied by d below
  const hr = tf.mul(tf.sub(g, b), inv);
  const hg = tf.add(tf.mul(tf.sub(b, r), inv), 2);
  const hb = tf.add(tf.mul(tf.sub(r, g), inv), 4);
  const rIsMax = tf.logicalAnd(tf.greaterEqual(r, g), tf.greaterEqual(r, b));
  const h6 = tf.where(rIsMax, hr, tf.where(tf.greaterEqual(g, b), hg, hb));
  // Wrap once here so each channel's phase needs no second modulo.
  const shifted = mod6(tf.add(h6, tf.mul(delta, 6)));
  const channel = (n: number) => {
    // Triangle wave clamp(min(k, 4 − k), 0, 1) = clamp(2 − |k − 2|, 0, 1), periodic in 6.
    const k = tf.add(shifted, n); // in [n, n + 6)
    const w = tf.add(tf.clipByValue(tf.sub(2, tf.abs(tf.sub(k, 2))), 0, 1), tf.clipByValue(tf.sub(2, tf.abs(tf.sub(k, 8))), 0, 1));
    return tf.sub(v, tf.mul(d, w));
  };
  return clip01(tf.concat([channel(5), channel(3), channel(1)], 0) as tf.Tensor4D);
}

/** Official grayscale (0.2989, 0.587, 0.114) on the images where mask[b] = 1. */
export function grayscaleWhere(x: tf.Tensor4D, mask: ArrayLike<number>): tf.Tensor4D {
  const [r, g, b] = channels(x);
  const gray = tf.addN([tf.mul(r, 0.2989), tf.mul(g, 0.587), tf.mul(b, 0.114)]);
  return select(perImage(mask), tf.concat([gray, gray, gray], 0) as tf.Tensor4D, x);
}

/** Solarize (x ≥ t → 1 − x) on the images where mask[b] = 1. */
export function solarizeWhere(x: tf.Tensor4D, mask: ArrayLike<number>, threshold: number): tf.Tensor4D {
  const sol = tf.where(tf.less(x, threshold), x, tf.sub(1, x)) as tf.Tensor4D;
  return select(perImage(mask), sol, x);
}

/** Normalised 1-D Gaussian taps for each σ; σ = 0 gives a delta (no blur). */
export function gaussianTaps(sigmas: ArrayLike<number>, radius: number): Float32Array {
  const k = 2 * radius + 1;
  const out = new Float32Array(sigmas.length * k);
  for (let i = 0; i < sigmas.length; i++) {
    const s = sigmas[i];
    if (!(s > 0)) {
      out[i * k + radius] = 1;
      continue;
    }
    let sum = 0;
    for (let t = -radius; t <= radius; t++) sum += out[i * k + t + radius] = Math.exp(-(t * t) / (2 * s * s));
    for (let t = 0; t < k; t++) out[i * k + t] /= sum;
  }
  return out;
}

/**
 * Separable Gaussian blur with a different σ per image, in two depthwise convolutions:
 * the batch is folded into channels ([3,B,S,S] → [1,S,S,3B]) so each image's channels get
 * that image's own kernel. Reflect padding (as torchvision) instead of the official zero
 * padding, which darkens the border when the kernel is 10% of a small image.
 */
export function gaussianBlurPerImage(x: tf.Tensor4D, sigmas: ArrayLike<number>, radius: number): tf.Tensor4D {
  const [C, B, H, W] = x.shape;
  if (radius < 1 || radius >= Math.min(H, W)) return x;
  const k = 2 * radius + 1;
  const taps = gaussianTaps(sigmas, radius);
  // Folded channel index is c·B + b; its taps are image b's.
  const filt = new Float32Array(k * C * B);
  for (let t = 0; t < k; t++) for (let c = 0; c < C; c++) for (let b = 0; b < B; b++) filt[t * C * B + c * B + b] = taps[b * k + t];
  const folded = tf.reshape(tf.transpose(x, [2, 3, 0, 1]), [1, H, W, C * B]) as tf.Tensor4D;
  const padded = tf.mirrorPad(folded, [[0, 0], [radius, radius], [radius, radius], [0, 0]], 'reflect');
  const fv = tf.tensor4d(filt, [k, 1, C * B, 1]);
  const fh = tf.tensor4d(filt, [1, k, C * B, 1]);
  const blurred = tf.depthwiseConv2d(tf.depthwiseConv2d(padded, fv, 1, 'valid'), fh, 1, 'valid');
  return tf.transpose(tf.reshape(blurred, [H, W, C, B]), [2, 3, 0, 1]) as tf.Tensor4D;
}

/** Kernel radius from the official rule: kernel ≈ fraction·S, radius = ⌊kernel/2⌋. */
export function blurRadius(imageSize: number, fraction: number): number {
  return Math.floor((imageSize * fraction) / 2);
}
