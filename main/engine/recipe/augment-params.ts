/**
 * Per-image augmentation parameters, drawn in JS from the seeded Rng (cheap: a few dozen
 * numbers per image) and then applied as batched tensor ops by augment.ts. Keeping the
 * draw separate makes the randomness exactly reproducible on every backend and lets tests
 * pin parameters (e.g. "flip only").
 */
import type { ViewAugment } from './augment-config';
import type { Rng } from './rng';

/** Jitter op indices, in the official code's numbering. */
export const OP_BRIGHTNESS = 0;
export const OP_CONTRAST = 1;
export const OP_SATURATION = 2;
export const OP_HUE = 3;

/** One view's parameters for a batch of B images; typed arrays of length B (boxes 4B, order 4B). */
export interface ViewParams {
  batch: number;
  /** Normalized crop boxes [y1, x1, y2, x2] per image for tf.image.cropAndResize; x1 > x2 means flipped. */
  boxes: Float32Array;
  flip: Uint8Array;
  /** 1 when the colour jitter is applied to the image. */
  jitter: Uint8Array;
  /** Brightness delta (additive mode) or factor (multiplicative mode). */
  brightness: Float32Array;
  contrast: Float32Array;
  saturation: Float32Array;
  hue: Float32Array;
  /** order[4*b + slot] = which op image b applies at that slot. */
  order: Uint8Array;
  gray: Uint8Array;
  /** Blur σ per image; 0 = not blurred. */
  blurSigma: Float32Array;
  solarize: Uint8Array;
}

/** Pixel rectangle of a random resized crop: top, left, height, width. */
export interface CropRect {
  top: number;
  left: number;
  height: number;
  width: number;
}

/**
 * torchvision RandomResizedCrop.get_params: up to 10 tries at a random area/aspect, then a
 * center crop clamped to the aspect range.
 */
export function sampleCrop(rng: Rng, h: number, w: number, cfg: ViewAugment): CropRect {
  const area = h * w;
  const logMin = Math.log(cfg.cropRatioMin);
  const logMax = Math.log(cfg.cropRatioMax);
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * rng.uniform(cfg.cropScaleMin, cfg.cropScaleMax);
    const ratio = Math.exp(rng.uniform(logMin, logMax));
    const cw = Math.round(Math.sqrt(targetArea * ratio));
    const ch = Math.round(Math.sqrt(targetArea / ratio));
    if (cw > 0 && cw <= w && ch > 0 && ch <= h) {
      return { top: rng.int(0, h - ch), left: rng.int(0, w - cw), height: ch, width: cw };
    }
  }
  const inRatio = w / h;
  let cw = w;
  let ch = h;
  if (inRatio < cfg.cropRatioMin) ch = Math.round(cw / cfg.cropRatioMin);
  else if (inRatio > cfg.cropRatioMax) cw = Math.round(ch * cfg.cropRatioMax);
  return { top: Math.floor((h - ch) / 2), left: Math.floor((w - cw) / 2), height: ch, width: cw };
}

/**
 * Writes the cropAndResize box for a pixel rect. Align-corners mapping (first/last output
 * pixel on the first/last crop pixel centre) keeps every sample inside the image, so
 * cropAndResize never fills with its extrapolation value. Flipping swaps x1/x2, which
 * cropAndResize turns into a mirrored crop (checked on cpu and wasm).
 */
export function writeBox(out: Float32Array, b: number, r: CropRect, h: number, w: number, flip: boolean): void {
  const sy = h > 1 ? 1 / (h - 1) : 0;
  const sx = w > 1 ? 1 / (w - 1) : 0;
  const x1 = r.left * sx;
  const x2 = (r.left + r.width - 1) * sx;
  out[4 * b] = r.top * sy;
  out[4 * b + 1] = flip ? x2 : x1;
  out[4 * b + 2] = (r.top + r.height - 1) * sy;
  out[4 * b + 3] = flip ? x1 : x2;
}

function emptyParams(batch: number): ViewParams {
  return {
    batch,
    boxes: new Float32Array(4 * batch),
    flip: new Uint8Array(batch),
    jitter: new Uint8Array(batch),
    brightness: new Float32Array(batch),
    contrast: new Float32Array(batch).fill(1),
    saturation: new Float32Array(batch).fill(1),
    hue: new Float32Array(batch),
    order: new Uint8Array(4 * batch),
    gray: new Uint8Array(batch),
    blurSigma: new Float32Array(batch),
    solarize: new Uint8Array(batch),
  };
}

/**
 * Draws one view's parameters for B images of h×w. The draw sequence per image is fixed
 * (every value is drawn whether or not it is used), so one seed gives one batch.
 */
export function sampleViewParams(
  rng: Rng,
  batch: number,
  h: number,
  w: number,
  cfg: ViewAugment,
  opts: { blur: boolean; brightnessMode: 'additive' | 'multiplicative' },
): ViewParams {
  const p = emptyParams(batch);
  const perm = [0, 1, 2, 3];
  for (let b = 0; b < batch; b++) {
    const flip = rng.bernoulli(cfg.flipProb);
    writeBox(p.boxes, b, sampleCrop(rng, h, w, cfg), h, w, flip);
    p.flip[b] = flip ? 1 : 0;

    const jitter = rng.bernoulli(cfg.colorJitterProb);
    const bDraw = rng.uniform(-cfg.brightness, cfg.brightness);
    const cDraw = rng.uniform(1 - cfg.contrast, 1 + cfg.contrast);
    const sDraw = rng.uniform(1 - cfg.saturation, 1 + cfg.saturation);
    const hDraw = rng.uniform(-cfg.hue, cfg.hue);
    perm[0] = 0; perm[1] = 1; perm[2] = 2; perm[3] = 3;
    if (cfg.jitterShuffle) rng.shuffle(perm);
    p.order.set(perm, 4 * b);
    if (jitter) {
      p.jitter[b] = 1;
      p.brightness[b] = opts.brightnessMode === 'additive' ? bDraw : Math.max(0, 1 + bDraw);
      p.contrast[b] = cDraw;
      p.saturation[b] = sDraw;
      p.hue[b] = hDraw;
    } else if (opts.brightnessMode === 'multiplicative') {
      p.brightness[b] = 1;
    }

    p.gray[b] = rng.bernoulli(cfg.grayscaleProb) ? 1 : 0;
    const blur = rng.bernoulli(cfg.blurProb);
    const sigma = rng.uniform(cfg.blurSigmaMin, cfg.blurSigmaMax);
    p.blurSigma[b] = opts.blur && blur ? sigma : 0;
    p.solarize[b] = rng.bernoulli(cfg.solarizeProb) ? 1 : 0;
  }
  return p;
}

/** Parameters that leave every image untouched except for a full-image resize (tests, eval). */
export function identityViewParams(batch: number, h: number, w: number, brightnessMode: 'additive' | 'multiplicative' = 'additive'): ViewParams {
  const p = emptyParams(batch);
  for (let b = 0; b < batch; b++) {
    writeBox(p.boxes, b, { top: 0, left: 0, height: h, width: w }, h, w, false);
    p.order.set([0, 1, 2, 3], 4 * b);
    if (brightnessMode === 'multiplicative') p.brightness[b] = 1;
  }
  return p;
}
