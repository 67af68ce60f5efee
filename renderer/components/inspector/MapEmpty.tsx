import { buildMap, type MapBuild } from '../../state/map-store';
import { setTab } from '../ProjectTabs';
import { Icon } from '../Icon';
import { MapBuildProgress } from './MapBuildProgress';

interface Props {
  loading: boolean;
  build: MapBuild | null;
  error: string | null;
}

/** No map yet: what the map is, a Build button, and the backend's reason when it cannot build. */
export function MapEmpty({ loading, build, error }: Props) {
  const needsTraining = !!error && /no embeddings/i.test(error);
  return (
    <div className="map-empty" data-testid="map-empty">
      <Icon name="cube" size={44} />
      <h2>3D map</h2>
      <p className="muted">
        Every image’s embedding, projected to 3D (kNN graph + UMAP): clusters you can orbit, lasso, colour and inspect.
      </p>
      {loading ? (
        <p className="muted">Loading…</p>
      ) : build ? (
        <MapBuildProgress build={build} />
      ) : (
        <div className="map-empty-actions">
          <button type="button" className="btn primary" data-testid="map-build" onClick={() => void buildMap()}>
            <Icon name="cube" size={16} />
            Build map
          </button>
          {needsTraining && (
            <button type="button" className="btn" onClick={() => setTab('train')}>
              <Icon name="activity" size={16} />
              Go to training
            </button>
          )}
        </div>
      )}
      {error && (
        <p className="map-empty-error" role="alert" data-testid="map-error">
          <Icon name="alert" size={16} />
          {error}
        </p>
      )}
    </div>
  );
}
