import { formatDuration } from '../../format';
import { cancelBuild, type MapBuild } from '../../state/map-store';
import { ProgressBar } from '../ProgressBar';

/** The running map job: its stage, a progress bar from job.progress, and Cancel. */
export function MapBuildProgress({ build }: { build: MapBuild }) {
  const p = build.progress;
  const stage = build.layout === 'umap' ? 'UMAP layout (live)' : build.layout === 'pca' ? 'PCA preview shown' : 'Starting';
  return (
    <div className="map-build" data-testid="map-build-progress">
      <div className="map-build-text">
        <strong>Building the map</strong>
        <span className="muted">{p?.message || stage}</span>
        {p?.etaSeconds != null && <span className="muted">· {formatDuration(p.etaSeconds)} left</span>}
      </div>
      <ProgressBar done={p?.done ?? 0} total={p?.total ?? 0} indeterminate={!p || p.total <= 1} />
      <button type="button" className="btn small" onClick={() => void cancelBuild()} disabled={!build.jobId}>Cancel</button>
    </div>
  );
}
