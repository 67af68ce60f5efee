/**
 * BYOL's two-view augmentation as batched tensor ops on the training backend.
 *
 * Pipeline per view (official byol/utils/augmentations.py order): random resized crop +
 * horizontal flip (one cropAndResize: flipped images get swapped x1/x2) → colour jitter
 * (p = 0.8; brightness, contrast, saturation, hue in a random order per image) →
 * grayscale (p = 0.2) → Gaussian blur → solarize → clip → ImageNet normalisation.
 *
 * Random order, batched: the jitter runs as 4 slots. In slot t every image applies the op
 * order[b][t]; the batch goes through each of the four ops once per slot, with identity
 * parameters (δ = 0, f = 1) for images whose op at slot t is a different one (or that are
 * not jittered). Identity ops are no-ops on [0,1] data (up to float rounding), so each
 * image sees exactly its own sequence. Op kinds no image uses at a slot are skipped.
 * (Gathering each op's images instead was slower: a gather of the batch costs more on
 * wasm than the whole hue op.) The colour work runs in planar layout, see augment-ops.ts.
 *
 * All random parameters come from the seeded Rng in JS (augment-params.ts), so the same
 * seed gives the same views on every backend.
 */
import * as tf from '@tensorflow/tfjs';
import { blurEnabled, type AugmentConfig } from './augment-config';
import {
  adjustBrightness, adjustContrast, adjustHue, adjustSaturation, blurRadius, clip01, fromPlanar,
  gaussianBlurPerImage, grayscaleWhere, perImage, solarizeWhere, toPlanar,
} from './augment-ops';
import { OP_BRIGHTNESS, OP_CONTRAST, OP_HUE, OP_SATURATION, sampleViewParams, type ViewParams } from './augment-params';
import type { Rng } from './rng';

/** A batch of RGB8 images laid out [B,H,W,3], as the pixel cache returns them. */
export interface PixelBatch {
  data: Uint8Array;
  batch: number;
  height: number;
  width: number;
}

/** uint8 pixels → float32 [B,H,W,3] in [0,1] (scaled in JS: one pass, no int32 tensor). */
export function pixelsToTensor(p: PixelBatch): tf.Tensor4D {
  const n = p.batch * p.height * p.width * 3;
  if (p.data.length !== n) throw new Error(`PixelBatch holds ${p.data.length} bytes, expected ${n} for ${p.batch}×${p.height}×${p.width}×3`);
  const f = new Float32Array(n);
  for (let i = 0; i < n; i++) f[i] = p.data[i] / 255;
  return tf.tensor4d(f, [p.batch, p.height, p.width, 3]);
}

/** Identity value of each jitter op's parameter. */
function identityOf(op: number, mode: AugmentConfig['brightnessMode']): number {
  if (op === OP_BRIGHTNESS) return mode === 'additive' ? 0 : 1;
  return op === OP_HUE ? 0 : 1;
}

/** Per-image parameters of `op` at `slot` (identity for images not using it there), or null if none does. */
function slotParams(p: ViewParams, slot: number, op: number, mode: AugmentConfig['brightnessMode']): Float32Array | null {
  const src = [p.brightness, p.contrast, p.saturation, p.hue][op];
  const id = identityOf(op, mode);
  const out = new Float32Array(p.batch).fill(id);
  let used = false;
  for (let b = 0; b < p.batch; b++) {
    if (p.jitter[b] && p.order[4 * b + slot] === op && src[b] !== id) {
      out[b] = src[b];
      used = true;
    }
  }
  return used ? out : null;
}

function colorJitter(x: tf.Tensor4D, p: ViewParams, mode: AugmentConfig['brightnessMode']): tf.Tensor4D {
  const ops: ((xs: tf.Tensor4D, v: tf.Tensor4D) => tf.Tensor4D)[] = [];
  ops[OP_BRIGHTNESS] = (xs, v) => adjustBrightness(xs, v, mode);
  ops[OP_CONTRAST] = adjustContrast;
  ops[OP_SATURATION] = adjustSaturation;
  ops[OP_HUE] = adjustHue;
  let out = x;
  for (let slot = 0; slot < 4; slot++) {
    for (const op of [OP_BRIGHTNESS, OP_CONTRAST, OP_SATURATION, OP_HUE]) {
      const values = slotParams(p, slot, op, mode);
      if (values) out = ops[op](out, perImage(values));
    }
  }
  return out;
}

const any = (a: Uint8Array) => a.some((v) => v !== 0);

/**
 * Applies one view's parameters to float images [B,H,W,3] in [0,1] → [B,S,S,3].
 * `normalize: false` returns the [0,1] image (for previews and tests).
 */
export function applyView(
  images: tf.Tensor4D,
  p: ViewParams,
  outSize: number,
  cfg: AugmentConfig,
  opts: { normalize?: boolean; solarizeThreshold?: number } = {},
): tf.Tensor4D {
  if (images.shape[0] !== p.batch) throw new Error(`applyView: ${images.shape[0]} images but params for ${p.batch}`);
  return tf.tidy(() => {
    const boxInd = tf.tensor1d(Int32Array.from({ length: p.batch }, (_, i) => i), 'int32');
    const boxes = tf.tensor2d(p.boxes, [p.batch, 4]);
    const crops = tf.image.cropAndResize(images, boxes, boxInd, [outSize, outSize], 'bilinear') as tf.Tensor4D;
    let x = toPlanar(crops);
    if (any(p.jitter)) x = colorJitter(x, p, cfg.brightnessMode);
    if (any(p.gray)) x = grayscaleWhere(x, p.gray);
    x = clip01(x);
    if (p.blurSigma.some((s) => s > 0)) x = gaussianBlurPerImage(x, p.blurSigma, blurRadius(outSize, cfg.blurKernelFraction));
    if (any(p.solarize)) x = solarizeWhere(x, p.solarize, opts.solarizeThreshold ?? 0.5);
    x = clip01(x);
    if (opts.normalize !== false) {
      const invStd = cfg.std.map((s) => 1 / s);
      x = tf.mul(tf.sub(x, tf.tensor4d(cfg.mean, [3, 1, 1, 1])), tf.tensor4d(invStd, [3, 1, 1, 1]));
    }
    return fromPlanar(x);
  });
}

export interface AugmentedPair {
  view1: tf.Tensor4D;
  view2: tf.Tensor4D;
  params1: ViewParams;
  params2: ViewParams;
}

/**
 * Two augmented views of a uint8 batch: [B,Hs,Ws,3] → two float32 [B,S,S,3] tensors
 * (normalised unless `normalize: false`). The caller disposes view1/view2.
 */
export function augmentPair(
  pixels: PixelBatch,
  rng: Rng,
  cfg: AugmentConfig,
  outSize: number,
  opts: { normalize?: boolean } = {},
): AugmentedPair {
  const blur = blurEnabled(cfg, outSize);
  const sample = (view: AugmentConfig['view1']) =>
    sampleViewParams(rng, pixels.batch, pixels.height, pixels.width, view, { blur, brightnessMode: cfg.brightnessMode });
  const params1 = sample(cfg.view1);
  const params2 = sample(cfg.view2);
  const src = pixelsToTensor(pixels);
  let view1: tf.Tensor4D | undefined;
  try {
    view1 = applyView(src, params1, outSize, cfg, { ...opts, solarizeThreshold: cfg.view1.solarizeThreshold });
    const view2 = applyView(src, params2, outSize, cfg, { ...opts, solarizeThreshold: cfg.view2.solarizeThreshold });
    return { view1, view2, params1, params2 };
  } catch (e) {
    view1?.dispose();
    throw e;
  } finally {
    src.dispose();
  }
}
