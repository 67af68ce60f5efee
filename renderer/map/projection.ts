/** Pure screen-space math for lasso/box selection and sprite choice. */

/**
 * Projects n*3 world coordinates to n*2 screen pixels (origin top-left, y down) with a
 * column-major view-projection matrix. Points behind the camera or outside the depth range
 * get NaN so no polygon test can include them.
 */
export function projectToScreen(coords: Float32Array, m: ArrayLike<number>, width: number, height: number, out = new Float32Array((coords.length / 3) * 2)): Float32Array {
  const n = coords.length / 3;
  for (let i = 0; i < n; i++) {
    const x = coords[i * 3], y = coords[i * 3 + 1], z = coords[i * 3 + 2];
    const cw = m[3] * x + m[7] * y + m[11] * z + m[15];
    const cz = m[2] * x + m[6] * y + m[10] * z + m[14];
    if (!(cw > 0) || cz < -cw || cz > cw) {
      out[i * 2] = NaN; out[i * 2 + 1] = NaN;
      continue;
    }
    const cx = m[0] * x + m[4] * y + m[8] * z + m[12];
    const cy = m[1] * x + m[5] * y + m[9] * z + m[13];
    out[i * 2] = ((cx / cw + 1) / 2) * width;
    out[i * 2 + 1] = ((1 - cy / cw) / 2) * height;
  }
  return out;
}

/** Even-odd point-in-polygon test; `poly` is flat [x0, y0, x1, y1, ...]. */
export function pointInPolygon(x: number, y: number, poly: ArrayLike<number>): boolean {
  let inside = false;
  const m = poly.length / 2;
  for (let i = 0, j = m - 1; i < m; j = i++) {
    const xi = poly[i * 2], yi = poly[i * 2 + 1], xj = poly[j * 2], yj = poly[j * 2 + 1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Indices of screen points inside the polygon, skipping points whose `skip` byte is set (hidden). */
export function pointsInPolygon(screenXY: Float32Array, poly: ArrayLike<number>, skip?: Uint8Array | null): Int32Array {
  if (poly.length < 6) return new Int32Array(0);
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < poly.length; i += 2) {
    x0 = Math.min(x0, poly[i]); x1 = Math.max(x1, poly[i]);
    y0 = Math.min(y0, poly[i + 1]); y1 = Math.max(y1, poly[i + 1]);
  }
  const n = screenXY.length / 2;
  const hits = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const x = screenXY[i * 2], y = screenXY[i * 2 + 1];
    // The bounding box rejects most points (and every NaN) before the edge loop.
    if (!(x >= x0 && x <= x1 && y >= y0 && y <= y1)) continue;
    if (skip && skip[i]) continue;
    if (pointInPolygon(x, y, poly)) hits[m++] = i;
  }
  return hits.slice(0, m);
}

/** Indices of screen points inside the axis-aligned box spanned by two corners. */
export function pointsInRect(screenXY: Float32Array, ax: number, ay: number, bx: number, by: number, skip?: Uint8Array | null): Int32Array {
  const x0 = Math.min(ax, bx), x1 = Math.max(ax, bx), y0 = Math.min(ay, by), y1 = Math.max(ay, by);
  const n = screenXY.length / 2;
  const hits = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const x = screenXY[i * 2], y = screenXY[i * 2 + 1];
    if (x >= x0 && x <= x1 && y >= y0 && y <= y1 && !(skip && skip[i])) hits[m++] = i;
  }
  return hits.slice(0, m);
}

/** Centre and radius of the coordinates' bounding sphere (box-based, good enough for framing). */
export function computeBounds(coords: Float32Array): { center: [number, number, number]; radius: number } {
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < coords.length; i += 3) {
    for (let d = 0; d < 3; d++) {
      const v = coords[i + d];
      if (v < lo[d]) lo[d] = v;
      if (v > hi[d]) hi[d] = v;
    }
  }
  if (coords.length === 0) return { center: [0, 0, 0], radius: 1 };
  const center: [number, number, number] = [(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, (lo[2] + hi[2]) / 2];
  const radius = Math.max(1e-6, Math.hypot(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]) / 2);
  return { center, radius };
}

/**
 * The up-to-`k` visible points nearest to `p` within `maxDist`, nearest first. O(n) with a
 * bounded insertion list; called when the camera settles, never per frame.
 */
export function nearestPoints(coords: Float32Array, p: ArrayLike<number>, k: number, maxDist: number, skip?: Uint8Array | null): Int32Array {
  const idx: number[] = [], dist: number[] = [];
  const max2 = maxDist * maxDist;
  for (let i = 0; i < coords.length / 3; i++) {
    if (skip && skip[i]) continue;
    const dx = coords[i * 3] - p[0], dy = coords[i * 3 + 1] - p[1], dz = coords[i * 3 + 2] - p[2];
    const d = dx * dx + dy * dy + dz * dz;
    if (d > max2 || (idx.length === k && d >= dist[k - 1])) continue;
    let j = idx.length === k ? k - 1 : idx.length;
    while (j > 0 && dist[j - 1] > d) { idx[j] = idx[j - 1]; dist[j] = dist[j - 1]; j--; }
    idx[j] = i; dist[j] = d;
  }
  return Int32Array.from(idx);
}
