import { describe, expect, it } from 'vitest';
import { alignToPrevious, sharedRows } from '../../main/analysis/align';
import { Rng } from '../../main/analysis/rng';

function randomLayout(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n * 3 }, () => rng.next() * 10);
}

/** x ↦ s·R·x + t with R a rotation about a tilted axis (optionally mirrored in z). */
function transform(src: Float32Array, s: number, t: number[], mirror: boolean): Float32Array {
  const [a, b] = [0.9, -0.4];
  const rz = [Math.cos(a), -Math.sin(a), 0, Math.sin(a), Math.cos(a), 0, 0, 0, 1];
  const rx = [1, 0, 0, 0, Math.cos(b), -Math.sin(b), 0, Math.sin(b), Math.cos(b)];
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length / 3; i++) {
    const v = [src[i * 3], src[i * 3 + 1], src[i * 3 + 2] * (mirror ? -1 : 1)];
    const w = [0, 1, 2].map((r) => rz[r * 3] * v[0] + rz[r * 3 + 1] * v[1] + rz[r * 3 + 2] * v[2]);
    for (let r = 0; r < 3; r++) out[i * 3 + r] = s * (rx[r * 3] * w[0] + rx[r * 3 + 1] * w[1] + rx[r * 3 + 2] * w[2]) + t[r];
  }
  return out;
}

describe('Procrustes alignment', () => {
  const prev = randomLayout(400, 1);

  it('undoes rotation, scale and translation exactly', () => {
    const next = transform(prev, 3.2, [5, -7, 1], false);
    const r = alignToPrevious(prev, next);
    expect(r.rmsd).toBeLessThan(1e-4);
    expect(r.scale).toBeCloseTo(1 / 3.2, 5);
    for (let i = 0; i < prev.length; i++) expect(Math.abs(r.coords[i] - prev[i])).toBeLessThan(1e-3);
  });

  it('undoes a mirror image unless told to keep handedness', () => {
    const next = transform(prev, 0.5, [0, 0, 3], true);
    expect(alignToPrevious(prev, next).rmsd).toBeLessThan(1e-4);
    const proper = alignToPrevious(prev, next, undefined, { allowReflection: false });
    expect(proper.rmsd).toBeGreaterThan(1);
    let det = 0;
    const m = proper.rotation;
    det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
    expect(det).toBeCloseTo(1, 6);
  });

  it('fits on shared ids only and moves the new points with them', () => {
    // The new layout drops 100 old points, adds 50 new ones, and lists ids in another order.
    const prevIds = Array.from({ length: 400 }, (_, i) => `img-${i}`);
    const keep = Array.from({ length: 300 }, (_, i) => 399 - i);
    const extra = randomLayout(50, 9);
    const base = new Float32Array((300 + 50) * 3);
    keep.forEach((i, r) => base.set(prev.subarray(i * 3, i * 3 + 3), r * 3));
    base.set(extra, 300 * 3);
    const newIds = [...keep.map((i) => prevIds[i]), ...Array.from({ length: 50 }, (_, i) => `new-${i}`)];
    const next = transform(base, 2, [1, 2, 3], false);
    const pairs = sharedRows(prevIds, newIds);
    expect(pairs.prev.length).toBe(300);
    const r = alignToPrevious(prev, next, pairs);
    expect(r.rmsd).toBeLessThan(1e-4);
    // The 50 new points land where the untransformed layout had them.
    for (let i = 300 * 3; i < 350 * 3; i++) expect(Math.abs(r.coords[i] - base[i])).toBeLessThan(1e-3);
  });

  it('reduces the jump between two noisy layouts of the same points', () => {
    const rng = new Rng(4);
    const noisy = transform(prev, 1.5, [20, 0, 0], false).map((x) => x + rng.normal() * 0.2);
    const before = Math.sqrt(prev.reduce((s, x, i) => s + (x - noisy[i]) ** 2, 0) / 400);
    const r = alignToPrevious(prev, noisy);
    expect(r.rmsd).toBeLessThan(before / 10);
    expect(r.rmsd).toBeLessThan(0.3);
  });
});
