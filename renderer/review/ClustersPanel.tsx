import { useEffect } from 'react';
import { plural } from '../format';
import { useApp } from '../state/app-store';
import { useMap } from '../state/map-store';
import { ChooseK, useReview } from '../state/review-store';
import type { SidebarContext } from '../screens/MapSidebar';
import '../styles/review.css';
import { ReviewFocus } from './focus-context';
import { ClusterCard } from './ClusterCard';
import { bundleClusterIndex } from './map-focus';
import { ErrorNote, JobLine } from './parts';
import { cancelJob, loadClusters, openReview, runClustering, setClusterOptions } from './review-actions';
import { SilhouetteChart } from './SilhouetteChart';

/** Clusters of the embeddings: k-means (automatic or chosen k) or HDBSCAN, listed with counts and thumbnails. */
export function ClustersPanel({ ctx }: { ctx?: SidebarContext }) {
  const dir = useApp((s) => s.project?.dir ?? null);
  const r = useReview();
  useMap((s) => s.data); // re-render when the bundle (and so the galleries' members) changes

  useEffect(() => {
    if (!dir) return;
    openReview(dir);
    void loadClusters();
  }, [dir]);

  const run = r.clusterRun;
  const scores = run?.method === 'kmeans' ? ChooseK.safeParse((run.scores as { chooseK?: unknown } | null)?.chooseK) : null;
  const chooseK = scores?.success ? scores.data : [];
  const total = r.clusters.reduce((s, c) => s + c.count, 0);
  const ids = r.clusters.map((c) => c.cluster);
  const running = r.clusterJob !== null;

  return (
    <ReviewFocus.Provider value={ctx ?? null}>
      <div className="review-panel" data-testid="clusters-panel">
        <form
          className="review-controls"
          onSubmit={(e) => {
            e.preventDefault();
            void runClustering();
          }}
        >
          <div className="review-seg" role="radiogroup" aria-label="Clustering method">
            {(['kmeans', 'hdbscan'] as const).map((m) => (
              <button
                key={m} type="button" role="radio" aria-checked={r.method === m} className={r.method === m ? 'on' : ''}
                data-testid={`cluster-method-${m}`} onClick={() => setClusterOptions({ method: m })}
              >
                {m === 'kmeans' ? 'k-means' : 'HDBSCAN'}
              </button>
            ))}
          </div>
          {r.method === 'kmeans' && (
            <label className="review-field">
              <span>k</span>
              <input
                type="number" min={2} max={500} placeholder="auto" value={r.k ?? ''} data-testid="cluster-k"
                aria-label="Number of clusters (empty chooses automatically)"
                onChange={(e) => {
                  const v = Math.round(Number(e.target.value));
                  setClusterOptions({ k: e.target.value === '' || !Number.isFinite(v) ? null : Math.min(500, Math.max(2, v)) });
                }}
              />
            </label>
          )}
          <button type="submit" className="btn primary small" disabled={running || !dir} data-testid="cluster-run" title={run ? 'Run clustering again with these settings' : 'Run clustering'}>
            Run
          </button>
        </form>
        <p className="review-hint">
          {r.method === 'kmeans'
            ? r.k === null ? 'k is chosen automatically by the silhouette score.' : `k-means with k = ${r.k}. Clear k to choose automatically.`
            : 'HDBSCAN finds the number of clusters itself and leaves sparse images as noise.'}
        </p>

        {r.clusterJob && <JobLine job={r.clusterJob} label="Clustering" onCancel={() => void cancelJob('clusterJob')} testId="cluster-progress" />}
        <ErrorNote message={r.clusterError} testId="cluster-error" />
        {r.clusterNote && <p className="review-ok" role="status" data-testid="cluster-note">{r.clusterNote}</p>}

        {run && (
          <div className="review-summary" data-testid="cluster-summary" data-k={run.k} data-total={total}>
            <strong>{plural(run.k, 'cluster')}</strong>
            <span className="muted">
              {run.method === 'kmeans' ? 'k-means' : 'HDBSCAN'} · {plural(total, 'image')}
            </span>
          </div>
        )}
        {chooseK.length > 0 && run && (
          <SilhouetteChart scores={chooseK} chosen={run.k} onPick={(k) => setClusterOptions({ method: 'kmeans', k })} />
        )}

        {!run && !running && !r.clusterError && (
          <p className="review-empty">No clusters yet. Run clustering to group similar images.</p>
        )}
        <ul className="cluster-list" data-testid="cluster-list">
          {r.clusters.map((c) => (
            <ClusterCard key={`${run?.id}:${c.cluster}`} cluster={c.cluster} name={c.name} count={c.count} bundleIndex={bundleClusterIndex(ids, c.cluster)} />
          ))}
        </ul>
      </div>
    </ReviewFocus.Provider>
  );
}
