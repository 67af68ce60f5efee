import { useEffect, useState } from 'react';
import { useApp } from '../state/app-store';
import { useReview, type MapFilter } from '../state/review-store';
import type { SidebarContext } from '../screens/MapSidebar';
import '../styles/review.css';
import { ReviewFocus } from './focus-context';
import { DuplicateGroups } from './DuplicateGroups';
import { ErrorNote, Section, Thumb } from './parts';
import { applyFilter, loadDuplicates, loadOutliers, openReview } from './review-actions';

const FILTERS: { id: MapFilter; label: string }[] = [
  { id: 'none', label: 'Everything' },
  { id: 'duplicates', label: 'Duplicates' },
  { id: 'outliers', label: 'Outliers' },
];

/** Calls `apply` once the value has rested for `ms`: a slider moves freely, the search runs when it stops. */
function useSettled<T>(value: T, ms: number, apply: (v: T) => void): void {
  useEffect(() => {
    const t = setTimeout(() => apply(value), ms);
    return () => clearTimeout(t);
  }, [value, ms, apply]);
}

/** Duplicates (exact and near) and outliers to review, with a map filter for each. */
export function ReviewPanel({ ctx }: { ctx?: SidebarContext }) {
  const dir = useApp((s) => s.project?.dir ?? null);
  const r = useReview();
  const [threshold, setThreshold] = useState(r.nearThreshold);
  const [k, setK] = useState(r.outlierK);
  const [limit, setLimit] = useState(r.outlierLimit);

  useEffect(() => {
    if (!dir) return;
    openReview(dir);
    const s = useReview.getState();
    if (!s.exact && !s.dupLoading) void loadDuplicates();
    if (!s.outliers && !s.outlierLoading) void loadOutliers();
  }, [dir]);
  useSettled(threshold, 350, applyThreshold);
  useSettled(`${k}:${limit}`, 350, applyOutlierParams);

  const dupIds = new Set([...(r.exact ?? []), ...(r.near ?? [])].flatMap((g) => g.ids));
  return (
    <ReviewFocus.Provider value={ctx ?? null}>
      <div className="review-panel" data-testid="review-panel">
        <div className="review-filter">
          <span className="review-label" id="review-filter-label">Map shows</span>
          <div className="review-seg" role="radiogroup" aria-labelledby="review-filter-label">
            {FILTERS.map((f) => (
              <button
                key={f.id} type="button" role="radio" aria-checked={r.filter === f.id} className={r.filter === f.id ? 'on' : ''}
                data-testid={`review-filter-${f.id}`} onClick={() => applyFilter(f.id)}
              >
                {f.label}
              </button>
            ))}
          </div>
        </div>
        {r.filter !== 'none' && (
          <p className="review-hint" role="status" data-testid="review-filter-note">
            {r.filter === 'duplicates'
              ? `${dupIds.size} duplicate images selected; the map colours exact duplicates.`
              : `The ${r.outliers?.length ?? 0} top outliers are selected; the map colours every image by outlier score.`}
          </p>
        )}

        <Section title="Exact duplicates" aside={<span className="badge" data-testid="dup-exact-count">{r.exact?.length ?? '…'}</span>} testId="dup-exact">
          <p className="review-hint">Same file contents (ingest hash). Mark each copy: ✓ keep, ✕ remove, ≠ not a duplicate.</p>
          {r.exact && <DuplicateGroups groups={r.exact} kind="exact" />}
        </Section>

        <Section title="Near-duplicates" aside={<span className="badge" data-testid="dup-near-count">{r.dupLoading ? '…' : (r.near?.length ?? '–')}</span>} testId="dup-near">
          <label className="review-slider">
            <span>Cosine similarity ≥ <strong data-testid="dup-threshold">{threshold.toFixed(3)}</strong></span>
            <input
              type="range" min={0.8} max={1} step={0.005} value={threshold} data-testid="dup-threshold-slider"
              aria-label="Near-duplicate cosine similarity threshold"
              onChange={(e) => setThreshold(Number(e.target.value))}
            />
          </label>
          <ErrorNote message={r.dupError} testId="dup-error" />
          {r.near && <DuplicateGroups groups={r.near} kind="near" />}
        </Section>

        <Section title="Outliers" aside={r.outlierLoading ? <span className="review-spinner" aria-label="Loading" /> : undefined} testId="outliers">
          <div className="review-controls">
            <label className="review-field">
              <span>k</span>
              <input type="number" min={1} max={100} value={k} data-testid="outlier-k" aria-label="Neighbours for the outlier score"
                onChange={(e) => setK(clampInt(e.target.value, 1, 100, k))} />
            </label>
            <label className="review-field">
              <span>Show</span>
              <input type="number" min={1} max={500} value={limit} data-testid="outlier-limit" aria-label="How many outliers to show"
                onChange={(e) => setLimit(clampInt(e.target.value, 1, 500, limit))} />
            </label>
          </div>
          <p className="review-hint">Score: mean cosine distance to the {k} nearest neighbours; the most unusual first.</p>
          <ErrorNote message={r.outlierError} testId="outlier-error" />
          {r.outliers && (
            <ol className="outlier-grid" data-testid="outlier-list">
              {r.outliers.map((o, i) => (
                <li key={o.id} data-testid="outlier-item" data-id={o.id}>
                  <Thumb id={o.id} title={`${o.path} (score ${o.score.toFixed(3)})`} badge={<span className="outlier-score">{o.score.toFixed(2)}</span>} />
                  <span className="outlier-rank" aria-hidden="true">{i + 1}</span>
                </li>
              ))}
            </ol>
          )}
        </Section>
      </div>
    </ReviewFocus.Provider>
  );
}

function clampInt(text: string, lo: number, hi: number, fallback: number): number {
  const v = Math.round(Number(text));
  return text === '' || !Number.isFinite(v) ? fallback : Math.min(hi, Math.max(lo, v));
}

function applyThreshold(t: number): void {
  const s = useReview.getState();
  if (Math.abs(t - s.nearThreshold) > 1e-9) void loadDuplicates(t);
}

function applyOutlierParams(key: string): void {
  const [k, limit] = key.split(':').map(Number);
  const s = useReview.getState();
  if (k !== s.outlierK || limit !== s.outlierLimit) void loadOutliers(k, limit);
}
