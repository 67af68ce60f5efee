import { useMemo, useRef, useState } from 'react';
import { useElementSize } from '../../hooks/useElementSize';
import { extentOf, formatTick, niceTicks, padExtent, thin, type Extent } from './scale';

export interface Series {
  name: string;
  color: string;
  /** One value per x; NaN leaves a gap in the line (or is skipped, with `connect`). */
  values: readonly number[];
  /** Sparse measurements: join the finite values across NaNs and mark each one. */
  connect?: boolean;
}

export interface Guide {
  y: number;
  label: string;
  color: string;
  /** Tint the region beyond the line: a danger zone such as "below the collapse threshold". */
  shade?: 'below' | 'above';
}

interface Props {
  title: string;
  x: readonly number[];
  series: readonly Series[];
  /** Fixed y range (health metrics have meaningful bounds); otherwise fitted to the data. */
  yDomain?: Extent;
  /** Horizontal reference lines: a collapse threshold, the healthy value. */
  guides?: readonly Guide[];
  height?: number;
  xLabel?: string;
  /** x values are counts (steps): no fractional ticks. */
  integerX?: boolean;
  format?: (v: number) => string;
  empty?: string;
  testId?: string;
}

const M = { top: 10, right: 14, bottom: 22, left: 44 };
const MAX_POINTS = 600;
const NO_GUIDES: readonly Guide[] = [];

/** A dependency-free SVG line chart that fills its container's width; hover shows values at the nearest x. */
export function LineChart({ title, x, series, yDomain, guides = NO_GUIDES, height = 180, xLabel = 'step', integerX = true, format = formatTick, empty = 'No data yet', testId }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const { width } = useElementSize(box);
  const [hover, setHover] = useState<number | null>(null);
  const w = Math.max(0, width - M.left - M.right);
  const h = height - M.top - M.bottom;

  const geo = useMemo(() => {
    const xs = extentOf([x]);
    const ys = yDomain ?? (() => {
      const e = extentOf([...series.map((s) => s.values), guides.map((g) => g.y)]);
      return e && padExtent(e);
    })();
    if (!xs || !ys || w <= 0) return null;
    const xSpan = xs.max - xs.min || 1;
    const px = (v: number): number => ((v - xs.min) / xSpan) * w;
    const py = (v: number): number => h - ((Math.min(ys.max, Math.max(ys.min, v)) - ys.min) / (ys.max - ys.min)) * h;
    const idx = thin(x.map((_, i) => i), MAX_POINTS);
    const paths = series.map((s) => {
      let d = '';
      let pen = false;
      const marks: [number, number][] = [];
      // Sparse series are drawn from all their points: thinning could drop every measurement.
      for (const i of s.connect ? x.map((_, k) => k) : idx) {
        const v = s.values[i];
        if (!Number.isFinite(v)) {
          if (!s.connect) pen = false;
          continue;
        }
        d += `${pen ? 'L' : 'M'}${px(x[i]).toFixed(1)},${py(v).toFixed(1)}`;
        if (s.connect && marks.length < MAX_POINTS) marks.push([px(x[i]), py(v)]);
        pen = true;
      }
      // The latest measurement still holds until the next one: a dashed run to the newest x.
      const lastMark = marks[marks.length - 1];
      const endX = px(x[x.length - 1]);
      const hold = s.connect && lastMark && endX > lastMark[0] + 1 ? `M${lastMark[0].toFixed(1)},${lastMark[1].toFixed(1)}H${endX.toFixed(1)}` : '';
      return { d, marks, hold };
    });
    return { xs, ys, px, py, paths, xTicks: niceTicks(xs, Math.max(2, Math.floor(w / 90)), integerX ? 1 : 0), yTicks: niceTicks(ys, Math.max(2, Math.floor(h / 40))) };
  }, [x, series, yDomain, guides, w, h, integerX]);

  const onMove = (e: React.MouseEvent<SVGRectElement>): void => {
    if (!geo || x.length === 0) return;
    const r = e.currentTarget.getBoundingClientRect();
    const target = geo.xs.min + ((e.clientX - r.left) / Math.max(1, r.width)) * (geo.xs.max - geo.xs.min);
    let best = 0;
    for (let i = 1; i < x.length; i++) if (Math.abs(x[i] - target) < Math.abs(x[best] - target)) best = i;
    setHover(best);
  };

  const last = x.length - 1;
  const shown = hover ?? last;
  /** The value to print for a series at `shown`: sparse series report their latest measurement. */
  const valueAt = (s: Series): number => {
    if (shown < 0) return NaN;
    if (!s.connect) return s.values[shown];
    for (let i = shown; i >= 0; i--) if (Number.isFinite(s.values[i])) return s.values[i];
    return NaN;
  };
  return (
    <figure className="chart" data-testid={testId} data-points={x.length}>
      <figcaption className="chart-head">
        <span className="chart-title">{title}</span>
        <span className="chart-legend">
          {series.map((s) => (
            <span key={s.name} className="chart-key">
              <i style={{ background: s.color }} />
              {s.name}
              {Number.isFinite(valueAt(s)) && <b>{format(valueAt(s))}</b>}
            </span>
          ))}
          {hover !== null && <span className="chart-at">{`${xLabel} ${formatTick(x[hover])}`}</span>}
        </span>
      </figcaption>
      <div ref={box} className="chart-box" style={{ height }}>
        {!geo ? (
          <div className="chart-empty">{empty}</div>
        ) : (
          <svg width={width} height={height} role="img" aria-label={title}>
            <g transform={`translate(${M.left},${M.top})`}>
              {geo.yTicks.map((t) => (
                <g key={`y${t}`} className="tick">
                  <line x1={0} x2={w} y1={geo.py(t)} y2={geo.py(t)} />
                  <text x={-8} y={geo.py(t)} dy="0.32em" textAnchor="end">
                    {formatTick(t)}
                  </text>
                </g>
              ))}
              {geo.xTicks.map((t) => (
                <text key={`x${t}`} className="tick" x={geo.px(t)} y={h + 16} textAnchor="middle">
                  {formatTick(t)}
                </text>
              ))}
              {guides.map((g) => (
                <g key={g.label} className="guide">
                  {g.shade && (
                    <rect x={0} width={w} y={g.shade === 'above' ? 0 : geo.py(g.y)} height={g.shade === 'above' ? geo.py(g.y) : h - geo.py(g.y)} fill={g.color} opacity={0.12} />
                  )}
                  <line x1={0} x2={w} y1={geo.py(g.y)} y2={geo.py(g.y)} stroke={g.color} />
                  <text x={w - 4} y={geo.py(g.y) - 4} textAnchor="end" fill={g.color}>
                    {g.label}
                  </text>
                </g>
              ))}
              {geo.paths.map(({ d, marks, hold }, i) => (
                <g key={series[i].name}>
                  {hold && <path className="series hold" d={hold} stroke={series[i].color} />}
                  <path className="series" d={d} stroke={series[i].color} data-series={series[i].name} />
                  {marks.map(([cx, cy]) => (
                    <circle key={`${cx},${cy}`} className="mark" cx={cx} cy={cy} r={2.5} fill={series[i].color} />
                  ))}
                </g>
              ))}
              {series.map((s) =>
                shown >= 0 && Number.isFinite(s.values[shown]) ? <circle key={s.name} className="dot" cx={geo.px(x[shown])} cy={geo.py(s.values[shown])} r={3.5} fill={s.color} /> : null,
              )}
              {hover !== null && <line className="cursor" x1={geo.px(x[hover])} x2={geo.px(x[hover])} y1={0} y2={h} />}
              <rect width={w} height={h} fill="transparent" onMouseMove={onMove} onMouseLeave={() => setHover(null)} />
            </g>
          </svg>
        )}
      </div>
    </figure>
  );
}
