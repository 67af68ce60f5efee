import { useTrain } from '../../state/train-store';
import './live-map-badge.css';

/**
 * "live · epoch N" over the map while a training run keeps re-projecting it, so the user
 * knows the layout will still move and which epoch's embeddings it shows.
 */
export function LiveMapBadge() {
  const epoch = useTrain((s) => s.liveMapEpoch);
  const paused = useTrain((s) => s.phase === 'paused');
  if (epoch === null) return null;
  return (
    <div className="live-map-badge" data-testid="live-map-badge" role="status" title="Training is running: the map is re-projected every few epochs and updates in place.">
      <span className={paused ? 'live-map-dot paused' : 'live-map-dot'} />
      live · epoch {epoch}
    </div>
  );
}
