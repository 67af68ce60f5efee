import { describe, expect, it } from 'vitest';
import { gaussianBlobs } from '../../main/analysis/cluster/blobs';
import { suggestNext, uncertainty } from '../../main/analysis/labels/suggest';

describe('uncertainty', () => {
  it('is 0 for a certain prediction and 1 for a uniform one, by margin and entropy', () => {
    const p = Float32Array.from([1, 0, 0, 1 / 3, 1 / 3, 1 / 3, 0.6, 0.3, 0.1]);
    const m = uncertainty(p, 3, 'margin');
    const e = uncertainty(p, 3, 'entropy');
    expect(m[0]).toBeCloseTo(0);
    expect(m[1]).toBeCloseTo(1);
    expect(m[2]).toBeCloseTo(0.7);
    expect(e[0]).toBeCloseTo(0);
    expect(e[1]).toBeCloseTo(1);
    expect(e[2]).toBeGreaterThan(0.5);
    expect(e[2]).toBeLessThan(1);
  });
});

describe('suggestNext', () => {
  it('prefers uncertain images, spreads picks over clusters and avoids labelled regions', () => {
    const n = 600;
    const d = 16;
    const { data, labels } = gaussianBlobs({ n, dim: d, clusters: 4, seed: 1, spread: 0.05 });
    // Clusters 0 and 1 are confusing (uniform predictions), 2 and 3 are confident.
    const probs = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      const unsure = labels[i] <= 1;
      probs[i * 2] = unsure ? 0.5 : 0.95;
      probs[i * 2 + 1] = unsure ? 0.5 : 0.05;
    }
    const r = suggestNext(probs, 2, data, d, [], 4);
    expect(r.ids).toHaveLength(4);
    const picked = Array.from(r.ids, (i) => labels[i]);
    // The confused clusters first; then diversity outweighs a second pick next to an earlier one.
    expect(new Set(picked.slice(0, 2))).toEqual(new Set([0, 1]));
    expect(picked[2]).toBeGreaterThanOrEqual(2);
    // Uncertainty alone (a pool of the 2 most uncertain) keeps every pick in the confused clusters.
    const narrow = suggestNext(probs, 2, data, d, [], 2, { poolSize: 300 });
    for (const id of narrow.ids) expect(labels[id]).toBeLessThanOrEqual(1);
    for (let t = 1; t < 4; t++) expect(r.scores[t]).toBeLessThanOrEqual(r.scores[t - 1] + 1e-6);
    // With cluster 0 already labelled, the first pick comes from cluster 1, and no labelled id comes back.
    const labelled = Array.from(labels.keys()).filter((i) => labels[i] === 0).slice(0, 5);
    const r2 = suggestNext(probs, 2, data, d, labelled, 3);
    expect(labels[r2.ids[0]]).toBe(1);
    for (const id of r2.ids) expect(labelled).not.toContain(id);
    expect(new Set(r2.ids).size).toBe(3);
  });
});
