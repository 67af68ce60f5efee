import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultAugmentConfig } from '../../main/engine/recipe/augment-config';
import { applyView, pixelsToTensor, type PixelBatch } from '../../main/engine/recipe/augment';
import { adjustHue, adjustSaturation, fromPlanar, gaussianBlurPerImage, gaussianTaps, toPlanar } from '../../main/engine/recipe/augment-ops';
import { identityViewParams } from '../../main/engine/recipe/augment-params';
import { Rng } from '../../main/engine/recipe/rng';

function randomPixels(seed: number, batch: number, h: number, w: number): PixelBatch {
  const r = new Rng(seed);
  const data = new Uint8Array(batch * h * w * 3);
  for (let i = 0; i < data.length; i++) data[i] = r.int(0, 255);
  return { data, batch, height: h, width: w };
}

/** Independent per-pixel HSV reference (Python colorsys algorithm). */
function rgbToHsv(r: number, g: number, b: number): [number, number, number] {
  const mx = Math.max(r, g, b);
  const mn = Math.min(r, g, b);
  if (mx === mn) return [0, 0, mx];
  const s = (mx - mn) / mx;
  const rc = (mx - r) / (mx - mn), gc = (mx - g) / (mx - mn), bc = (mx - b) / (mx - mn);
  let h = r === mx ? bc - gc : g === mx ? 2 + rc - bc : 4 + gc - rc;
  h = (((h / 6) % 1) + 1) % 1;
  return [h, s, mx];
}
function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  if (s === 0) return [v, v, v];
  const i = Math.floor(h * 6) % 6;
  const f = h * 6 - Math.floor(h * 6);
  const p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
  return ([[v, t, p], [q, v, p], [p, v, t], [p, q, v], [t, p, v], [v, p, q]] as [number, number, number][])[i];
}
function mapPixels(x: Float32Array, fn: (r: number, g: number, b: number) => [number, number, number]): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i += 3) out.set(fn(x[i], x[i + 1], x[i + 2]), i);
  return out;
}
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Runs a planar-layout op on NHWC data; per-image params become [1,B,1,1]. */
function onNhwc(x: tf.Tensor4D, params: number[] | null, op: (p: tf.Tensor4D, v: tf.Tensor4D) => tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => fromPlanar(op(toPlanar(x), tf.tensor4d(params ?? [0], [1, params?.length ?? 1, 1, 1]))));
}

describe('individual augmentations', () => {
  const cfg = defaultAugmentConfig();
  const px = randomPixels(7, 2, 12, 12);

  function view(mutate: (p: ReturnType<typeof identityViewParams>) => void): Float32Array {
    const p = identityViewParams(2, 12, 12);
    mutate(p);
    const src = pixelsToTensor(px);
    const out = applyView(src, p, 12, cfg, { normalize: false });
    const d = Float32Array.from(out.dataSync());
    tf.dispose([src, out]);
    return d;
  }
  const source = Float32Array.from(px.data, (v) => v / 255);

  it('identity parameters at the source size reproduce the image', () => {
    expect(maxAbsDiff(view(() => {}), source)).toBeLessThan(1e-6);
  });

  it('flip mirrors exactly the flagged image', () => {
    const flipped = view((p) => {
      const [y1, x1, y2, x2] = p.boxes.subarray(0, 4);
      p.boxes.set([y1, x2, y2, x1], 0);
      p.flip[0] = 1;
    });
    const per = 12 * 12 * 3;
    for (let y = 0; y < 12; y++) {
      for (let x = 0; x < 12; x++) {
        for (let c = 0; c < 3; c++) {
          expect(flipped[(y * 12 + x) * 3 + c]).toBeCloseTo(source[(y * 12 + (11 - x)) * 3 + c], 6);
        }
      }
    }
    expect(maxAbsDiff(flipped.subarray(per), source.subarray(per))).toBeLessThan(1e-6);
  });

  it('grayscale makes the three channels equal to the luma of the flagged image', () => {
    const g = view((p) => (p.gray[1] = 1));
    const per = 12 * 12 * 3;
    for (let i = per; i < 2 * per; i += 3) {
      const luma = 0.2989 * source[i] + 0.587 * source[i + 1] + 0.114 * source[i + 2];
      expect(g[i]).toBeCloseTo(luma, 5);
      expect(g[i + 1]).toBe(g[i]);
      expect(g[i + 2]).toBe(g[i]);
    }
    expect(maxAbsDiff(g.subarray(0, per), source.subarray(0, per))).toBeLessThan(1e-6);
  });

  it('solarize inverts exactly the values at or above the threshold', () => {
    const s = view((p) => (p.solarize[0] = 1));
    const per = 12 * 12 * 3;
    let inverted = 0;
    for (let i = 0; i < per; i++) {
      const want = source[i] < 0.5 ? source[i] : 1 - source[i];
      if (source[i] >= 0.5) inverted++;
      expect(s[i]).toBeCloseTo(want, 6);
    }
    expect(inverted).toBeGreaterThan(50);
  });

  it('hue rotation matches a per-pixel HSV reference (and red + 1/3 → green)', () => {
    const x = tf.tensor4d(source, [2, 12, 12, 3]);
    const deltas = [0.07, -0.1];
    const out = onNhwc(x, deltas, adjustHue);
    const per = 12 * 12 * 3;
    const ref = new Float32Array(2 * per);
    for (let b = 0; b < 2; b++) {
      ref.set(mapPixels(source.subarray(b * per, (b + 1) * per), (r, g, bb) => {
        const [h, s, v] = rgbToHsv(r, g, bb);
        return hsvToRgb((((h + deltas[b]) % 1) + 1) % 1, s, v);
      }), b * per);
    }
    expect(maxAbsDiff(out.dataSync(), ref)).toBeLessThan(1e-4);
    // Ties between channels and gray pixels follow the reference too.
    const ties = [0.5, 0.5, 0.2, 0.3, 0.3, 0.3, 0.2, 0.6, 0.6, 0.9, 0.1, 0.9];
    const tieX = tf.tensor4d(ties, [1, 1, 4, 3]);
    const tieOut = onNhwc(tieX, [0.25], adjustHue);
    const tieRef = mapPixels(Float32Array.from(ties), (r, g, bb) => {
      const [h, s, v] = rgbToHsv(r, g, bb);
      return hsvToRgb((h + 0.25) % 1, s, v);
    });
    expect(maxAbsDiff(tieOut.dataSync(), tieRef)).toBeLessThan(1e-5);
    tf.dispose([tieX, tieOut]);
    const red = tf.tensor4d([1, 0, 0, 0.5, 0.2, 0.2], [1, 1, 2, 3]);
    const green = onNhwc(red, [1 / 3], adjustHue);
    expect(maxAbsDiff(green.dataSync(), [0, 1, 0, 0.2, 0.5, 0.2])).toBeLessThan(1e-5);
    tf.dispose([x, out, red, green]);
  });

  it('saturation matches a per-pixel HSV reference with s clipped to [0, 1]', () => {
    const x = tf.tensor4d(source, [2, 12, 12, 3]);
    const f = [1.2, 3.0];
    const out = onNhwc(x, f, adjustSaturation);
    const per = 12 * 12 * 3;
    const ref = new Float32Array(2 * per);
    for (let b = 0; b < 2; b++) {
      ref.set(mapPixels(source.subarray(b * per, (b + 1) * per), (r, g, bb) => {
        const [h, s, v] = rgbToHsv(r, g, bb);
        return hsvToRgb(h, Math.min(1, s * f[b]), v);
      }), b * per);
    }
    expect(maxAbsDiff(out.dataSync(), ref)).toBeLessThan(1e-5);
    tf.dispose([x, out]);
  });

  it('applies each image’s jitter ops in that image’s own order', () => {
    // One image per order, same magnitudes: the batched slots must match applying the
    // ops one by one in each image's order; different orders must give different images.
    const set = (p: ReturnType<typeof identityViewParams>, order0: number[], order1: number[]) => {
      for (const b of [0, 1]) {
        p.jitter[b] = 1;
        p.brightness[b] = 0.3;
        p.contrast[b] = 1.4;
        p.saturation[b] = 0.8;
        p.hue[b] = 0.1;
      }
      p.order.set([...order0, ...order1]);
    };
    const orderA = [0, 1, 2, 3];
    const orderB = [3, 2, 1, 0];
    const mixed = view((p) => set(p, orderA, orderB));
    const allA = view((p) => set(p, orderA, orderA));
    const allB = view((p) => set(p, orderB, orderB));
    const per = 12 * 12 * 3;
    expect(maxAbsDiff(mixed.subarray(0, per), allA.subarray(0, per))).toBeLessThan(1e-6);
    expect(maxAbsDiff(mixed.subarray(per), allB.subarray(per))).toBeLessThan(1e-6);
    expect(maxAbsDiff(allA.subarray(per), allB.subarray(per))).toBeGreaterThan(0.05);
    // Independent reference for order A on image 0: brightness, contrast, saturation, hue.
    const img = source.subarray(0, per);
    let ref: Float32Array = img.map((v) => Math.min(1, Math.max(0, v + 0.3)));
    const mean = [0, 1, 2].map((c) => ref.filter((_, i) => i % 3 === c).reduce((a, b) => a + b, 0) / 144);
    ref = ref.map((v, i) => Math.min(1, Math.max(0, 1.4 * (v - mean[i % 3]) + mean[i % 3])));
    ref = mapPixels(ref, (r, g, b) => { const [h, s, v] = rgbToHsv(r, g, b); return hsvToRgb(h, Math.min(1, s * 0.8), v); });
    ref = mapPixels(ref, (r, g, b) => { const [h, s, v] = rgbToHsv(r, g, b); return hsvToRgb((h + 0.1) % 1, s, v); });
    expect(maxAbsDiff(mixed.subarray(0, per), ref)).toBeLessThan(1e-4);
  });

  it('blurs each image with its own sigma (reflect padding), leaving sigma 0 untouched', () => {
    const x = tf.tensor4d(source, [2, 12, 12, 3]);
    const out = onNhwc(x, null, (xp) => gaussianBlurPerImage(xp, [1.5, 0], 2));
    const d = out.dataSync();
    const per = 12 * 12 * 3;
    expect(maxAbsDiff(d.subarray(per), source.subarray(per))).toBeLessThan(1e-6);
    const taps = gaussianTaps([1.5], 2);
    const refl = (i: number) => (i < 0 ? -i : i > 11 ? 22 - i : i);
    const at = (y: number, xx: number, c: number) => source[(refl(y) * 12 + refl(xx)) * 3 + c];
    for (const [y, xx, c] of [[0, 0, 0], [5, 7, 1], [11, 3, 2], [6, 11, 0]]) {
      let want = 0;
      for (let i = -2; i <= 2; i++) for (let j = -2; j <= 2; j++) want += taps[i + 2] * taps[j + 2] * at(y + i, xx + j, c);
      expect(d[(y * 12 + xx) * 3 + c]).toBeCloseTo(want, 5);
    }
    tf.dispose([x, out]);
  });
});
