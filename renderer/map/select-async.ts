import { pointInPolygon, projectToScreen } from './projection';

export type ScreenShape = { kind: 'polygon'; points: ArrayLike<number> } | { kind: 'box'; x0: number; y0: number; x1: number; y1: number };

const yieldToEventLoop = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/**
 * Points whose screen projection falls inside the shape, computed in chunks that yield to the
 * event loop between them, so closing a lasso over a million points never freezes the page.
 * Same maths as projectToScreen + pointsInPolygon/pointsInRect, in ascending index order.
 */
export async function selectInShape(
  coords: Float32Array, viewProj: ArrayLike<number>, width: number, height: number, shape: ScreenShape,
  skip?: Uint8Array | null, chunk = 131072,
): Promise<Int32Array> {
  const n = coords.length / 3;
  let x0: number, y0: number, x1: number, y1: number;
  if (shape.kind === 'box') {
    [x0, x1] = [Math.min(shape.x0, shape.x1), Math.max(shape.x0, shape.x1)];
    [y0, y1] = [Math.min(shape.y0, shape.y1), Math.max(shape.y0, shape.y1)];
  } else {
    const p = shape.points;
    if (p.length < 6) return new Int32Array(0);
    x0 = y0 = Infinity; x1 = y1 = -Infinity;
    for (let i = 0; i < p.length; i += 2) {
      x0 = Math.min(x0, p[i]); x1 = Math.max(x1, p[i]); y0 = Math.min(y0, p[i + 1]); y1 = Math.max(y1, p[i + 1]);
    }
  }
  const hits = new Int32Array(n);
  const xy = new Float32Array(Math.min(chunk, n) * 2);
  let m = 0;
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk);
    const view = projectToScreen(coords.subarray(start * 3, end * 3), viewProj, width, height, xy.subarray(0, (end - start) * 2));
    for (let j = 0; j < end - start; j++) {
      const x = view[j * 2], y = view[j * 2 + 1];
      if (!(x >= x0 && x <= x1 && y >= y0 && y <= y1)) continue;
      const i = start + j;
      if (skip && skip[i]) continue;
      if (shape.kind === 'box' || pointInPolygon(x, y, shape.points)) hits[m++] = i;
    }
    if (end < n) await yieldToEventLoop();
  }
  return hits.slice(0, m);
}
