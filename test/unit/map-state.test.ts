import { describe, expect, it } from 'vitest';
import { dollyCamera, easeInOutCubic, flyToPoint, homeCamera, interpolateCamera, orbitCamera, type CameraState } from '../../renderer/map/camera';
import { focusOf } from '../../renderer/map/focus';
import { decodeId, encodeId, nearestPickedId } from '../../renderer/map/picking';
import { applySelection, buildStateBuffer, changedRange, HIDDEN, invertSelection, maskToIndices, SELECTED } from '../../renderer/map/state-flags';

const dist = (s: CameraState) => Math.hypot(s.position[0] - s.target[0], s.position[1] - s.target[1], s.position[2] - s.target[2]);

describe('selection state', () => {
  it('replaces, adds and subtracts', () => {
    const a = applySelection(null, [1, 3], 'replace', 6);
    expect(Array.from(a)).toEqual([0, 1, 0, 1, 0, 0]);
    const b = applySelection(a, [4], 'add', 6);
    expect(Array.from(b)).toEqual([0, 1, 0, 1, 1, 0]);
    expect(Array.from(a)).toEqual([0, 1, 0, 1, 0, 0]); // inputs are never mutated
    expect(Array.from(applySelection(b, [1, 2], 'subtract', 6))).toEqual([0, 0, 0, 1, 1, 0]);
    expect(Array.from(applySelection(b, [5], 'replace', 6))).toEqual([0, 0, 0, 0, 0, 1]);
  });

  it('lists, inverts (skipping hidden) and diffs masks', () => {
    const m = Uint8Array.of(1, 0, 0, 1, 0);
    expect(Array.from(maskToIndices(m))).toEqual([0, 3]);
    expect(Array.from(invertSelection(m, Uint8Array.of(0, 0, 1, 0, 0)))).toEqual([1, 4]);
    expect(changedRange(m, Uint8Array.of(1, 0, 1, 1, 1))).toEqual([2, 3]);
    expect(changedRange(m, m)).toBeNull();
  });

  it('packs selection and hidden bits into one byte per point', () => {
    const s = buildStateBuffer(Uint8Array.of(1, 0, 1), Uint8Array.of(0, 1, 1), 3);
    expect(Array.from(s)).toEqual([SELECTED, HIDDEN, SELECTED | HIDDEN]);
    expect(Array.from(buildStateBuffer(null, null, 2))).toEqual([0, 0]);
  });
});

describe('GPU pick ids', () => {
  it('round-trips index+1 through 24-bit RGB, with black meaning none', () => {
    for (const i of [0, 1, 255, 256, 65535, 65536, 999_999, 16_777_214]) {
      const [r, g, b] = encodeId(i);
      expect(Math.max(r, g, b)).toBeLessThan(256);
      expect(decodeId(r, g, b)).toBe(i);
    }
    expect(decodeId(0, 0, 0)).toBe(-1);
  });

  it('prefers the hit nearest the window centre', () => {
    const size = 5;
    const buf = new Uint8Array(size * size * 4);
    const put = (x: number, y: number, id: number) => buf.set([...encodeId(id), 255], (y * size + x) * 4);
    expect(nearestPickedId(buf, size)).toBe(-1);
    put(0, 0, 70_000);
    expect(nearestPickedId(buf, size)).toBe(70_000);
    put(3, 2, 12);
    expect(nearestPickedId(buf, size)).toBe(12);
  });
});

describe('camera maths', () => {
  const home = homeCamera([1, 2, 3], 10, 50);
  it('frames the whole cloud from outside it', () => {
    expect(home.target).toEqual([1, 2, 3]);
    expect(dist(home)).toBeGreaterThan(10);
  });

  it('orbits at a constant distance and dollies toward the target', () => {
    const o = orbitCamera(home, 0.4, -0.2);
    expect(dist(o)).toBeCloseTo(dist(home), 6);
    expect(o.position).not.toEqual(home.position);
    expect(dist(orbitCamera(o, -0.4, 0.2))).toBeCloseTo(dist(home), 6);
    expect(dist(dollyCamera(home, 0.5))).toBeCloseTo(dist(home) * 0.5, 6);
  });

  it('flies to a point keeping the view direction and capping the distance', () => {
    const f = flyToPoint(home, [5, 5, 5], 2);
    expect(f.target).toEqual([5, 5, 5]);
    expect(dist(f)).toBeCloseTo(2, 6);
    const dirA = home.position.map((v, i) => (v - home.target[i]) / dist(home));
    const dirB = f.position.map((v, i) => (v - f.target[i]) / 2);
    dirA.forEach((v, i) => expect(dirB[i]).toBeCloseTo(v, 6));
  });

  it('interpolates with an ease that starts and ends at rest', () => {
    const to = flyToPoint(home, [0, 0, 0], 3);
    expect(interpolateCamera(home, to, 0)).toEqual({ position: home.position, target: home.target });
    expect(interpolateCamera(home, to, 1).target).toEqual([0, 0, 0]);
    expect(easeInOutCubic(0.5)).toBeCloseTo(0.5, 9);
    expect(easeInOutCubic(0.05)).toBeLessThan(0.05);
  });

  it('finds the centre and spread of a selection', () => {
    const coords = Float32Array.of(0, 0, 0, 2, 0, 0, 100, 100, 100);
    const f = focusOf(coords, Uint8Array.of(1, 1, 0))!;
    expect(f.center).toEqual([1, 0, 0]);
    expect(f.radius).toBeCloseTo(1, 6);
    expect(focusOf(coords, new Uint8Array(3))).toBeNull();
  });
});
