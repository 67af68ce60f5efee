import { api } from '../api/client';
import { loadSuggestions, useLabels } from '../state/labels-store';
import type { MapData } from '../state/map-store';

interface Props {
  data: MapData;
  onPick(index: number): void;
}

/** "Label these next": the most informative images (uncertainty × diversity) as a thumbnail grid;
 *  a click selects the image and flies to it, so a number key labels it. */
export function SuggestNext({ data, onPick }: Props) {
  const items = useLabels((s) => s.suggestions);
  const busy = useLabels((s) => s.suggesting);
  const { label } = data.sections;
  const names = data.header.labels;
  return (
    <div className="label-suggest" data-testid="label-suggest">
      <button type="button" className="btn small" onClick={() => void loadSuggestions()} disabled={busy} data-testid="suggest-run">
        {busy ? 'Scoring…' : items ? 'Suggest again' : 'Suggest images'}
      </button>
      {items && items.length === 0 && <p className="muted small">Nothing to suggest: every image is labelled.</p>}
      {items && items.length > 0 && (
        <div className="suggest-grid">
          {items.map((it) => {
            const i = data.indexOf.get(it.id);
            const l = i === undefined ? -1 : label[i];
            const done = l >= 0 ? names[l] : undefined;
            return (
              <button
                key={it.id} type="button" className={`suggest-cell ${done ? 'done' : ''}`} disabled={i === undefined}
                onClick={() => i !== undefined && onPick(i)} data-testid="suggest-item" data-id={it.id}
                title={`${it.path}\nscore ${it.score.toFixed(3)}${done ? `\nlabelled "${done.name}"` : ''}`}
              >
                <img src={api.thumbUrl(it.id, 'small')} alt="" loading="lazy" />
                {done && <span className="suggest-tag" style={{ background: done.color }} />}
              </button>
            );
          })}
        </div>
      )}
    </div>
  );
}
