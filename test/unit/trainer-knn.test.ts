import { beforeAll, describe, expect, it } from 'vitest';
import { indexLabels, knnLeaveOneOut } from '../../main/engine/eval/knn';
import { Rng } from '../../main/engine/recipe/rng';
import { selectBackend } from '../../main/engine/trainer/backend';

/** Straightforward O(n²) reference: cosine, drop self, k best, exp(sim/T) votes. */
function naiveKnn(x: Float32Array, n: number, d: number, labels: Int32Array, k: number, T: number): number {
  const norm = (i: number) => Math.sqrt(x.subarray(i * d, (i + 1) * d).reduce((a, v) => a + v * v, 0));
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const sims: [number, number][] = [];
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let dot = 0;
      for (let c = 0; c < d; c++) dot += x[i * d + c] * x[j * d + c];
      sims.push([dot / (norm(i) * norm(j)), j]);
    }
    sims.sort((a, b) => b[0] - a[0]);
    const votes = new Map<number, number>();
    for (const [s, j] of sims.slice(0, k)) votes.set(labels[j], (votes.get(labels[j]) ?? 0) + Math.exp(s / T));
    let best = -1;
    let bestV = -Infinity;
    for (const [c, v] of [...votes].sort((a, b) => a[0] - b[0])) if (v > bestV) [best, bestV] = [c, v];
    if (best === labels[i]) correct++;
  }
  return correct / n;
}

function clusters(rng: Rng, n: number, d: number, classes: number, noise: number) {
  const centres = Array.from({ length: classes }, () => Array.from({ length: d }, () => rng.normal()));
  const labels = Int32Array.from({ length: n }, (_, i) => i % classes);
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) x[i * d + c] = centres[labels[i]][c] + noise * rng.normal();
  return { x, labels };
}

describe('weighted kNN, leave-one-out', () => {
  beforeAll(() => selectBackend('wasm'));

  it('matches a naive reference on noisy clusters, across block sizes', () => {
    const { x, labels } = clusters(new Rng(1), 150, 12, 5, 1.3);
    const ref = naiveKnn(x, 150, 12, labels, 20, 0.1);
    expect(ref).toBeGreaterThan(0.3);
    expect(ref).toBeLessThan(1);
    for (const blockRows of [7, 64, 512]) expect(knnLeaveOneOut(x, 150, 12, labels, { blockRows }).top1).toBeCloseTo(ref, 10);
    expect(knnLeaveOneOut(x, 150, 12, labels, { k: 5, temperature: 0.5 }).top1).toBeCloseTo(naiveKnn(x, 150, 12, labels, 5, 0.5), 10);
  });

  it('separated clusters score 1, random features score near chance', () => {
    const tight = clusters(new Rng(2), 100, 8, 4, 0.01);
    expect(knnLeaveOneOut(tight.x, 100, 8, tight.labels)).toMatchObject({ top1: 1, images: 100, classes: 4, k: 20, temperature: 0.1 });
    const r = new Rng(3);
    const noise = Float32Array.from({ length: 400 * 16 }, () => r.normal());
    const labels = Int32Array.from({ length: 400 }, (_, i) => i % 4);
    const acc = knnLeaveOneOut(noise, 400, 16, labels).top1;
    expect(acc).toBeGreaterThan(0.1);
    expect(acc).toBeLessThan(0.4);
  });

  it('never lets an image vote for itself', () => {
    // Each class has one point: with self-votes every image would be right; without, none can be.
    const x = Float32Array.from([1, 0, 0, 1, -1, 0]);
    expect(knnLeaveOneOut(x, 3, 2, Int32Array.from([0, 1, 2]), { k: 1 }).top1).toBe(0);
  });

  it('indexes folder names as sorted classes', () => {
    expect(indexLabels(['ship', 'cat', 'ship', ''])).toEqual({ labels: Int32Array.from([2, 1, 2, 0]), classNames: ['', 'cat', 'ship'] });
  });
});
