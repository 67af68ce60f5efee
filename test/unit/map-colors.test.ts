import { describe, expect, it } from 'vitest';
import {
  buildClassIndex, buildColorBuffer, buildHiddenMask, countClasses, hexToRgb, legendPalette, NONE_RGB, type LegendEntry, type MapColors,
} from '../../renderer/map/colors';
import { makeClusters, mulberry32 } from '../../renderer/map/demo-data';

const legend = (hexes: string[]): LegendEntry[] => hexes.map((color, i) => ({ name: `c${i}`, color, count: 0, visible: true }));

describe('map colour buffers', () => {
  it('parses hex colours', () => {
    expect(hexToRgb('#ff8000')).toEqual([1, 128 / 255, 0]);
    expect(Array.from(legendPalette(legend(['#000000', '#ffffff'])))).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('colours each point by its class and greys points outside the legend', () => {
    const colors: MapColors = { mode: 'cluster', categories: Int32Array.of(0, 1, -1, 5, 1), legend: legend(['#ff0000', '#00ff80']) };
    const buf = buildColorBuffer(colors, 5);
    expect(buf).toBeInstanceOf(Uint8Array);
    expect(Array.from(buf.subarray(0, 6))).toEqual([255, 0, 0, 0, 255, 128]);
    const grey = NONE_RGB.map((c) => Math.round(c * 255));
    expect(Array.from(buf.subarray(6, 9))).toEqual(grey);
    expect(Array.from(buf.subarray(9, 12))).toEqual(grey);
    expect(Array.from(buf.subarray(12, 15))).toEqual([0, 255, 128]);
  });

  it('accepts Uint16 categories and writes into a given buffer in place', () => {
    const out = new Uint8Array(6).fill(7);
    const res = buildColorBuffer({ mode: 'label', categories: Uint16Array.of(1, 0), legend: legend(['#010203', '#040506']) }, 2, undefined, out);
    expect(res).toBe(out);
    expect(Array.from(out)).toEqual([4, 5, 6, 1, 2, 3]);
  });

  it('maps continuous values through a monotone-brightness ramp', () => {
    const values = Float32Array.of(0, 0.5, 1, NaN);
    const buf = buildColorBuffer({ mode: 'confidence', values, legend: [] }, 4);
    const lum = (i: number) => buf[i * 3] * 0.3 + buf[i * 3 + 1] * 0.59 + buf[i * 3 + 2] * 0.11;
    expect(lum(0)).toBeLessThan(lum(1));
    expect(lum(1)).toBeLessThan(lum(2));
    expect(Array.from(buf.subarray(9, 12))).toEqual(NONE_RGB.map((c) => Math.round(c * 255))); // NaN (no prediction) → grey
  });

  it('bins continuous values into legend slots and counts them', () => {
    const colors: MapColors = { mode: 'outlier', values: Float32Array.of(0, 0.19, 0.2, 0.99, 1, NaN), legend: legend(Array(5).fill('#000000')) };
    const idx = buildClassIndex(colors, 6);
    expect(Array.from(idx)).toEqual([0, 0, 1, 4, 4, -1]);
    expect(Array.from(countClasses(idx, 5))).toEqual([2, 1, 0, 0, 2]);
  });

  it('counts clusters of a seeded synthetic map exactly like a plain loop', () => {
    const d = makeClusters(5000, 6, 3);
    const idx = buildClassIndex({ mode: 'cluster', categories: d.categories, legend: legend(Array(6).fill('#000000')) }, 5000);
    const counts = countClasses(idx, 6);
    const ref = new Array(6).fill(0);
    d.categories.forEach((c) => ref[c]++);
    expect(Array.from(counts)).toEqual(ref);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(5000);
  });

  it('hides exactly the points whose class is toggled off', () => {
    const rnd = mulberry32(9);
    const cats = Int32Array.from({ length: 1000 }, () => Math.floor(rnd() * 5) - 1);
    const visible = [true, false, true, false];
    const hidden = buildHiddenMask(buildClassIndex({ mode: 'cluster', categories: cats, legend: legend(Array(4).fill('#000000')) }, 1000), visible);
    for (let i = 0; i < cats.length; i++) expect(hidden[i]).toBe(cats[i] === 1 || cats[i] === 3 ? 1 : 0);
  });
});
