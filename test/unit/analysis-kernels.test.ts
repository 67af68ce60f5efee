import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../main/analysis/eigen';
import { pca } from '../../main/analysis/pca';
import { Rng } from '../../main/analysis/rng';
import { instantiateKernels, sharedMemory } from '../../main/analysis/simd-kernels';
import { sgdKernel } from '../../main/analysis/umap-kernel';

describe('SIMD kernels', () => {
  const mem = sharedMemory(1 << 20);
  const k = instantiateKernels(mem);
  const f32 = new Float32Array(mem.buffer);
  const i32 = new Int32Array(mem.buffer);
  const rng = new Rng(7);
  for (let i = 0; i < 20000; i++) f32[i] = rng.normal();

  it('dot and squared distance match plain loops', () => {
    const len = 72;
    let dot = 0;
    let l2 = 0;
    for (let j = 0; j < len; j++) {
      dot += f32[j] * f32[1000 + j];
      l2 += (f32[j] - f32[1000 + j]) ** 2;
    }
    expect(k.dot(0, 4000, len)).toBeCloseTo(dot, 4);
    expect(k.l2sq(0, 4000, len)).toBeCloseTo(l2, 3);
  });

  it('dotRows4 is a matrix product and l2To gathers rows by index', () => {
    const len = 16;
    // x: 5 rows at 0, w: 8 rows at float 200, out at float 400
    k.dotRows4(0, 5, 800, 8, len, 1600);
    for (let i = 0; i < 5; i++)
      for (let c = 0; c < 8; c++) {
        let s = 0;
        for (let j = 0; j < len; j++) s += f32[i * len + j] * f32[200 + c * len + j];
        expect(f32[400 + i * 8 + c]).toBeCloseTo(s, 4);
      }
    i32.set([3, 0, 7], 600);
    k.l2To(0, 0, len * 4, 2400, 3, 2800, len);
    [3, 0, 7].forEach((row, t) => {
      let s = 0;
      for (let j = 0; j < len; j++) s += (f32[j] - f32[row * len + j]) ** 2;
      expect(f32[700 + t]).toBeCloseTo(s, 3);
    });
  });

  it('the fast power used by the UMAP kernel is accurate to 1e-4', () => {
    const sk = sgdKernel(sharedMemory(65536));
    for (const x of [1e-6, 0.003, 0.5, 1, 2, 37.5, 1e4])
      for (const b of [0.5, 0.895, 1.2]) expect(Math.abs(sk.powf(x, b) / Math.pow(x, b) - 1)).toBeLessThan(1e-4);
  });
});

describe('linear algebra', () => {
  it('Jacobi eigen-decomposition satisfies A v = λ v, largest first', () => {
    const a = Float64Array.from([4, 1, 2, 0.5, 1, 3, 0, 1, 2, 0, 5, 0.2, 0.5, 1, 0.2, 1]);
    const { values, vectors } = symmetricEigen(a, 4);
    for (let r = 1; r < 4; r++) expect(values[r]).toBeLessThanOrEqual(values[r - 1]);
    for (let r = 0; r < 4; r++)
      for (let i = 0; i < 4; i++) {
        let av = 0;
        for (let j = 0; j < 4; j++) av += a[i * 4 + j] * vectors[r * 4 + j];
        expect(av).toBeCloseTo(values[r] * vectors[r * 4 + i], 8);
      }
  });

  it('PCA recovers planted directions of large variance in order', () => {
    const n = 3000;
    const d = 40;
    const rng = new Rng(3);
    const dirs = [0, 1, 2].map(() => {
      const v = Float64Array.from({ length: d }, () => rng.normal());
      const norm = Math.hypot(...v);
      return v.map((x) => x / norm);
    });
    // Make them orthonormal so the expected components are exactly these.
    for (let a = 1; a < 3; a++)
      for (let b = 0; b < a; b++) {
        const dot = dirs[a].reduce((s, x, j) => s + x * dirs[b][j], 0);
        dirs[a] = dirs[a].map((x, j) => x - dot * dirs[b][j]);
        const norm = Math.hypot(...dirs[a]);
        dirs[a] = dirs[a].map((x) => x / norm);
      }
    const data = new Float32Array(n * d);
    const scales = [10, 5, 2.5];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) data[i * d + j] = 0.3 * rng.normal() + 4;
      for (let c = 0; c < 3; c++) {
        const z = rng.normal() * scales[c];
        for (let j = 0; j < d; j++) data[i * d + j] += z * dirs[c][j];
      }
    }
    const { basis, coords } = pca(data, n, d, 3, { seed: 1 });
    for (let c = 0; c < 3; c++) {
      let cos = 0;
      for (let j = 0; j < d; j++) cos += basis.components[c * d + j] * dirs[c][j];
      expect(Math.abs(cos)).toBeGreaterThan(0.99);
      expect(Math.sqrt(basis.variances[c])).toBeGreaterThan(scales[c] * 0.9);
    }
    // Coordinates are centred projections: their variance is the component variance.
    let mean = 0;
    let v = 0;
    for (let i = 0; i < n; i++) mean += coords[i * 3] / n;
    for (let i = 0; i < n; i++) v += (coords[i * 3] - mean) ** 2 / n;
    expect(Math.abs(mean)).toBeLessThan(0.5);
    expect(Math.sqrt(v)).toBeCloseTo(Math.sqrt(basis.variances[0]), 0);
  });
});
