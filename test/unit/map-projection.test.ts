import * as THREE from 'three';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../renderer/map/demo-data';
import { computeBounds, nearestPoints, pointInPolygon, pointsInPolygon, pointsInRect, projectToScreen } from '../../renderer/map/projection';
import { selectInShape } from '../../renderer/map/select-async';

function randomCoords(n: number, seed: number): Float32Array {
  const rnd = mulberry32(seed);
  return Float32Array.from({ length: n * 3 }, () => (rnd() - 0.5) * 20);
}

function camera(w: number, h: number): THREE.PerspectiveCamera {
  const cam = new THREE.PerspectiveCamera(50, w / h, 0.1, 100);
  cam.position.set(6, 5, 22);
  cam.lookAt(0, 0, 0);
  cam.updateMatrixWorld();
  return cam;
}

describe('screen-space projection', () => {
  it('agrees with three.js Vector3.project for every point in front of the camera', () => {
    const [w, h] = [800, 600];
    const cam = camera(w, h);
    const vp = new THREE.Matrix4().multiplyMatrices(cam.projectionMatrix, cam.matrixWorldInverse);
    const coords = randomCoords(2000, 1);
    const xy = projectToScreen(coords, vp.elements, w, h);
    let checked = 0;
    for (let i = 0; i < 2000; i++) {
      const v = new THREE.Vector3(coords[i * 3], coords[i * 3 + 1], coords[i * 3 + 2]).project(cam);
      if (Math.abs(v.z) > 1) {
        expect(Number.isNaN(xy[i * 2])).toBe(true);
        continue;
      }
      expect(xy[i * 2]).toBeCloseTo(((v.x + 1) / 2) * w, 2);
      expect(xy[i * 2 + 1]).toBeCloseTo(((1 - v.y) / 2) * h, 2);
      checked++;
    }
    expect(checked).toBeGreaterThan(1500);
  });

  it('gives NaN for points behind the camera', () => {
    const cam = camera(100, 100);
    const vp = new THREE.Matrix4().multiplyMatrices(cam.projectionMatrix, cam.matrixWorldInverse);
    const xy = projectToScreen(Float32Array.of(12, 10, 44, 0, 0, 0), vp.elements, 100, 100);
    expect(Number.isNaN(xy[0])).toBe(true);
    expect(xy[2]).toBeCloseTo(50, 3);
    expect(xy[3]).toBeCloseTo(50, 3);
  });
});

describe('lasso and box selection', () => {
  const rnd = mulberry32(4);
  const n = 20000;
  const xy = Float32Array.from({ length: n * 2 }, () => rnd() * 1000);
  xy[0] = NaN; xy[1] = NaN;
  // A concave star: the even-odd rule and the bounding-box prefilter both matter.
  const star: number[] = [];
  for (let k = 0; k < 10; k++) {
    const r = k % 2 ? 120 : 380, a = (k * Math.PI) / 5;
    star.push(500 + r * Math.cos(a), 500 + r * Math.sin(a));
  }

  it('matches a brute-force point-in-polygon over every point', () => {
    const hits = pointsInPolygon(xy, star);
    const ref: number[] = [];
    for (let i = 0; i < n; i++) if (pointInPolygon(xy[i * 2], xy[i * 2 + 1], star)) ref.push(i);
    expect(Array.from(hits)).toEqual(ref);
    expect(hits.length).toBeGreaterThan(1000);
    expect(hits.length).toBeLessThan(n / 2);
    expect(pointInPolygon(500, 500, star)).toBe(true);
    expect(pointInPolygon(500 + 300 * Math.cos(Math.PI / 5), 500 + 300 * Math.sin(Math.PI / 5), star)).toBe(false); // inside a notch
  });

  it('skips hidden points and degenerate polygons', () => {
    const skip = new Uint8Array(n);
    for (let i = 0; i < n; i += 2) skip[i] = 1;
    const hits = pointsInPolygon(xy, star, skip);
    expect(hits.length).toBeGreaterThan(0);
    expect(Array.from(hits).every((i) => i % 2 === 1)).toBe(true);
    expect(pointsInPolygon(xy, [0, 0, 10, 10]).length).toBe(0);
  });

  it('selects the points of a box given by any two corners', () => {
    const a = pointsInRect(xy, 700, 300, 200, 100);
    const ref: number[] = [];
    for (let i = 0; i < n; i++) if (xy[i * 2] >= 200 && xy[i * 2] <= 700 && xy[i * 2 + 1] >= 100 && xy[i * 2 + 1] <= 300) ref.push(i);
    expect(Array.from(a)).toEqual(ref);
  });
});

describe('bounds and nearest points', () => {
  it('bounds every point', () => {
    const coords = randomCoords(500, 2);
    const { center, radius } = computeBounds(coords);
    for (let i = 0; i < 500; i++) {
      expect(Math.hypot(coords[i * 3] - center[0], coords[i * 3 + 1] - center[1], coords[i * 3 + 2] - center[2])).toBeLessThanOrEqual(radius + 1e-4);
    }
  });

  it('returns the k nearest within the distance, nearest first, like a full sort', () => {
    const coords = randomCoords(3000, 5);
    const p = [1, -2, 0.5];
    const skip = new Uint8Array(3000);
    skip[17] = 1;
    const got = nearestPoints(coords, p, 50, 6, skip);
    const d = (i: number) => Math.hypot(coords[i * 3] - p[0], coords[i * 3 + 1] - p[1], coords[i * 3 + 2] - p[2]);
    const ref = Array.from({ length: 3000 }, (_, i) => i).filter((i) => !skip[i] && d(i) <= 6).sort((a, b) => d(a) - d(b)).slice(0, 50);
    expect(Array.from(got)).toEqual(ref);
    expect(nearestPoints(coords, p, 50, 0.01).length).toBeLessThan(2);
  });
});

describe('chunked selection', () => {
  it('matches project + pointsInPolygon/pointsInRect across chunk boundaries, and skips hidden points', async () => {
    const [w, h] = [640, 480];
    const cam = camera(w, h);
    const vp = new THREE.Matrix4().multiplyMatrices(cam.projectionMatrix, cam.matrixWorldInverse).elements;
    const coords = randomCoords(10007, 8);
    const skip = new Uint8Array(10007);
    for (let i = 0; i < skip.length; i += 7) skip[i] = 1;
    const poly = [100, 80, 520, 120, 400, 420, 320, 200, 150, 400];
    const xy = projectToScreen(coords, vp, w, h);
    const got = await selectInShape(coords, vp, w, h, { kind: 'polygon', points: poly }, skip, 1000);
    expect(Array.from(got)).toEqual(Array.from(pointsInPolygon(xy, poly, skip)));
    expect(got.length).toBeGreaterThan(200);
    const box = await selectInShape(coords, vp, w, h, { kind: 'box', x0: 500, y0: 50, x1: 200, y1: 300 }, null, 999);
    expect(Array.from(box)).toEqual(Array.from(pointsInRect(xy, 200, 50, 500, 300)));
  });
});
