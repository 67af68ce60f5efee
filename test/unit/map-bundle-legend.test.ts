import { describe, expect, it } from 'vitest';
import { decodeMapBundle, encodeMapBundle, type MapSections } from '../../preload/map-bundle';
import { bundleColors, COLOR_MODES, hiddenKey } from '../../renderer/map/bundle-legend';
import { buildColorBuffer, NONE_RGB } from '../../renderer/map/colors';

// A bundle as the backend sends it today: folders known, clusters/labels/predictions not yet.
function bundle(n: number, withPredictions: boolean) {
  const s: MapSections = {
    ids: Int32Array.from({ length: n }, (_, i) => 100 + i),
    coords: new Float32Array(n * 3),
    folder: Int32Array.from({ length: n }, (_, i) => i % 3),
    cluster: new Int32Array(n).fill(-1),
    label: new Int32Array(n).fill(-1),
    predicted: withPredictions ? Int32Array.from({ length: n }, (_, i) => i % 2) : new Int32Array(n).fill(-1),
    confidence: withPredictions ? Float32Array.from({ length: n }, (_, i) => (i === 0 ? NaN : i / n)) : new Float32Array(n).fill(NaN),
    outlier: Float32Array.from({ length: n }, (_, i) => i / n),
    duplicate: Int32Array.from({ length: n }, (_, i) => (i < 4 ? 0 : -1)),
  };
  const labels = [{ name: 'cat', color: '#ff0000' }, { name: 'dog', color: 'not-a-colour' }];
  // Through the real encoder and decoder, as the renderer receives it.
  return decodeMapBundle(encodeMapBundle({ n, layout: 'umap', runId: 'r', folders: ['a', 'b', 'c'], clusters: [], labels }, s).slice().buffer);
}

describe('bundle colours and legends', () => {
  it('counts folders and hides persisted classes', () => {
    const { header, sections } = bundle(30, false);
    const { colors, note } = bundleColors(header, sections, 'folder', new Set([hiddenKey('folder', 'b')]));
    expect(note).toBeNull();
    expect(colors.legend.map((e) => [e.name, e.count, e.visible])).toEqual([['a', 10, true], ['b', 10, false], ['c', 10, true]]);
  });

  it('says what to do for every mode without data, and draws those points grey', () => {
    const { header, sections } = bundle(30, false);
    const grey = NONE_RGB.map((c) => Math.round(c * 255));
    for (const mode of ['cluster', 'label', 'predicted', 'confidence'] as const) {
      const { colors, note } = bundleColors(header, sections, mode, new Set());
      expect(colors.legend).toEqual([]);
      expect(note).toMatch(/yet — /);
      expect(Array.from(buildColorBuffer(colors, 30).subarray(0, 3))).toEqual(grey);
    }
    expect(bundleColors(header, sections, 'cluster', new Set()).note).toMatch(/run clustering/);
  });

  it('bins continuous values, uses label colours, and splits duplicates from unique images', () => {
    const { header, sections } = bundle(30, true);
    const conf = bundleColors(header, sections, 'confidence', new Set());
    expect(conf.colors.legend).toHaveLength(5);
    expect(conf.colors.legend.reduce((a, e) => a + e.count, 0)).toBe(29); // the NaN one is in no bin
    const pred = bundleColors(header, sections, 'predicted', new Set());
    expect(pred.colors.legend.map((e) => [e.name, e.count])).toEqual([['cat', 15], ['dog', 15]]);
    expect(pred.colors.legend[0].color).toBe('#ff0000');
    expect(pred.colors.legend[1].color).toMatch(/^#[0-9a-f]{6}$/); // an invalid colour falls back to the palette
    const dup = bundleColors(header, sections, 'duplicate', new Set());
    expect(dup.colors.legend.map((e) => e.count)).toEqual([4, 26]);
    expect(COLOR_MODES).toHaveLength(7);
  });
});
