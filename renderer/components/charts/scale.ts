/** Pure helpers for the line charts: data extents and "nice" axis ticks, so labels read 0.5, 1, 1.5 rather than 0.4873. */

export interface Extent {
  min: number;
  max: number;
}

/** Min and max of the finite values across series; null when there are none. */
export function extentOf(series: readonly (readonly number[])[]): Extent | null {
  let min = Infinity;
  let max = -Infinity;
  for (const s of series) {
    for (const v of s) {
      if (!Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return min <= max ? { min, max } : null;
}

/** Widens a flat or tiny extent so a constant series still draws as a visible line mid-chart. */
export function padExtent(e: Extent, fraction = 0.08): Extent {
  const span = e.max - e.min;
  const pad = span > 1e-12 ? span * fraction : Math.max(Math.abs(e.max) * 0.1, 1e-3);
  return { min: e.min - pad, max: e.max + pad };
}

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const n = raw / mag;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10) * mag;
}

/** About `count` round tick values inside [min, max]; `minStep` 1 keeps step counts whole. */
export function niceTicks(e: Extent, count = 4, minStep = 0): number[] {
  const span = e.max - e.min;
  if (!(span > 0)) return [e.min];
  let step = Math.max(niceStep(span, count), minStep);
  // Whole-number axes: 2.5 becomes 2, so step counts never get fractional ticks.
  if (minStep >= 1 && !Number.isInteger(step)) step = step === 2.5 ? 2 : Math.ceil(step);
  const out: number[] = [];
  for (let v = Math.ceil(e.min / step) * step; v <= e.max + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/** Short tick labels: 3 significant digits, k/M suffixes for step counts. */
export function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`;
  if (a === 0) return '0';
  if (a < 1e-3) return v.toExponential(0);
  return `${+v.toPrecision(3)}`;
}

/**
 * Keeps at most `max` points by taking every k-th one (always keeping the last), so a
 * long run's chart stays a few hundred SVG vertices however many steps it logged.
 */
export function thin<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return points.slice();
  const k = Math.ceil(points.length / max);
  const out: T[] = [];
  for (let i = 0; i < points.length; i += k) out.push(points[i]);
  if (out[out.length - 1] !== points[points.length - 1]) out.push(points[points.length - 1]);
  return out;
}
