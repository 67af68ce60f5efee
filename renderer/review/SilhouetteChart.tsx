import type { ChooseK } from '../state/review-store';

interface Props {
  scores: ChooseK;
  chosen: number;
  /** Picking a bar sets k for the next run. */
  onPick(k: number): void;
}

/** Silhouette per candidate k as a row of bars, the chosen k highlighted. Each bar is a
 *  button, so Tab walks the candidates and Enter picks one for the next run. */
export function SilhouetteChart({ scores, chosen, onPick }: Props) {
  if (scores.length === 0) return null;
  const max = Math.max(...scores.map((s) => s.silhouette), 1e-6);
  const min = Math.min(0, ...scores.map((s) => s.silhouette));
  const span = max - min || 1;
  return (
    <figure className="silhouette" data-testid="silhouette-chart">
      <figcaption>
        Silhouette per k <span className="muted">(higher is better; k = {chosen} was chosen)</span>
      </figcaption>
      <div className="silhouette-bars" role="group" aria-label="Silhouette score per k">
        {scores.map((s) => (
          <button
            key={s.k}
            type="button"
            className={`silhouette-bar ${s.k === chosen ? 'chosen' : ''}`}
            title={`k = ${s.k}: silhouette ${s.silhouette.toFixed(3)}`}
            aria-label={`k ${s.k}, silhouette ${s.silhouette.toFixed(3)}${s.k === chosen ? ', chosen' : ''}`}
            data-k={s.k}
            onClick={() => onPick(s.k)}
          >
            <span style={{ height: `${Math.max(3, (100 * (s.silhouette - min)) / span)}%` }} />
          </button>
        ))}
      </div>
      <div className="silhouette-axis" aria-hidden="true">
        <span>k={scores[0].k}</span>
        <span>best {max.toFixed(3)}</span>
        <span>k={scores[scores.length - 1].k}</span>
      </div>
    </figure>
  );
}
