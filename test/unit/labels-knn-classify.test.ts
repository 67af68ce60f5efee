import { describe, expect, it } from 'vitest';
import { gaussianBlobs } from '../../main/analysis/cluster/blobs';
import { fewShotSplit, knnClassify } from '../../main/analysis/labels/knn-classify';

describe('fewShotSplit', () => {
  it('takes K per class, seeded, and returns the rest for testing', () => {
    const labels = Array.from({ length: 95 }, (_, i) => ['cat', 'dog', 'ant'][i % 3]);
    labels.push('rare', 'rare');
    const s = fewShotSplit(labels, 5, 1);
    expect(s.classes).toEqual(['ant', 'cat', 'dog', 'rare']);
    expect(s.train.length).toBe(5 * 3 + 2);
    expect(s.train.length + s.test.length).toBe(labels.length);
    for (let c = 0; c < 3; c++) expect(Array.from(s.train).filter((i) => s.y[i] === c)).toHaveLength(5);
    expect(new Set([...s.train, ...s.test]).size).toBe(labels.length);
    expect(Array.from(fewShotSplit(labels, 5, 1).train)).toEqual(Array.from(s.train));
    expect(Array.from(fewShotSplit(labels, 5, 2).train)).not.toEqual(Array.from(s.train));
    for (const i of s.train) expect(labels[i]).toBe(s.classes[s.y[i]]);
  });
});

describe('knnClassify', () => {
  it('classifies blobs from a few labels and never lets a labelled image vote for itself', () => {
    const n = 1500;
    const { data, labels } = gaussianBlobs({ n, dim: 24, clusters: 5, seed: 4, spread: 0.15 });
    const split = fewShotSplit(Array.from(labels, String), 4, 3);
    const y = Array.from(split.train, (i) => labels[i]);
    const r = knnClassify(data, n, 24, split.train, y, 5, { k: 5 });
    let ok = 0;
    for (const i of split.test) if (r.predicted[i] === labels[i]) ok++;
    expect(ok / split.test.length).toBeGreaterThan(0.97);
    // k = 1: a labelled image is predicted from its nearest *other* labelled image.
    const one = knnClassify(data, n, 24, [0, 1, 5], [0, 1, 0], 2, { k: 1 });
    expect(one.predicted[0]).toBe(0); // 0's nearest other label is 5, same blob
    expect(one.predicted[5]).toBe(0);
    expect(one.predicted[1]).toBe(0); // 1's only other labels are class 0
    expect(one.confidence[1]).toBeCloseTo(1);
  });

  it('temperature controls how peaked the confidence is', () => {
    const { data, labels } = gaussianBlobs({ n: 400, dim: 8, clusters: 2, seed: 5, spread: 0.4 });
    const train = Array.from({ length: 20 }, (_, i) => i);
    const y = train.map((i) => labels[i]);
    const sharp = knnClassify(data, 400, 8, train, y, 2, { k: 10, temperature: 0.02 });
    const soft = knnClassify(data, 400, 8, train, y, 2, { k: 10, temperature: 10 });
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(sharp.confidence)).toBeGreaterThan(mean(soft.confidence));
  });
});
