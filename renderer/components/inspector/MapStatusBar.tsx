import type { MapMeta } from '../../../preload/contract';
import type { MapHeader } from '../../../preload/map-bundle';
import { formatCount, formatDuration } from '../../format';
import { COLOR_MODE_NAMES, COLOR_MODES } from '../../map/bundle-legend';
import type { ColorMode } from '../../map/colors';
import { buildMap, type MapBuild } from '../../state/map-store';
import { Icon } from '../Icon';
import { MapBuildProgress } from './MapBuildProgress';

interface Props {
  meta: MapMeta | null;
  header: MapHeader;
  build: MapBuild | null;
  error: string | null;
  colorMode: ColorMode;
  onColorMode(m: ColorMode): void;
  /** Present when some legend class is hidden. */
  onShowAll?: () => void;
}

/** Above the map: what is shown, the colour mode, and Rebuild (or the running build). */
export function MapStatusBar(p: Props) {
  const layout = p.header.layout === 'umap' ? 'UMAP' : p.header.layout === 'pca' ? 'PCA preview' : '';
  const built = p.meta?.seconds != null && !p.build ? ` · built in ${formatDuration(p.meta.seconds)}` : '';
  return (
    <div className="map-statusbar" data-testid="map-statusbar">
      <span className="map-summary" data-testid="map-summary">
        <strong>{formatCount(p.header.n)}</strong> points · {layout}{built}
      </span>
      <label className="map-color-select">
        Colour by
        <select data-testid="map-color-mode" value={p.colorMode} onChange={(e) => p.onColorMode(e.target.value as ColorMode)} title="Colour mode (C cycles)">
          {COLOR_MODES.map((m) => <option key={m} value={m}>{COLOR_MODE_NAMES[m]}</option>)}
        </select>
      </label>
      {p.onShowAll && <button type="button" className="btn small" onClick={p.onShowAll}>Show all classes</button>}
      <span className="map-spacer" />
      {p.error && <span className="map-bar-error" role="alert" data-testid="map-error" title={p.error}><Icon name="alert" size={14} />{p.error}</span>}
      {p.build ? (
        <MapBuildProgress build={p.build} />
      ) : (
        <button type="button" className="btn small" data-testid="map-rebuild" onClick={() => void buildMap()} title="Recompute the kNN graph and the 3D layout">
            <Icon name="refresh" size={14} />
          Rebuild
        </button>
      )}
    </div>
  );
}
