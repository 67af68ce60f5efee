import { useMemo } from 'react';
import { api } from '../../api/client';
import { formatCount } from '../../format';
import { maskToIndices } from '../../map/state-flags';
import type { MapData } from '../../state/map-store';

/** Thumbnails are capped: a strip of thousands of <img> would stall the page for no gain. */
const SHOWN = 120;

interface Props {
  data: MapData;
  selection: Uint8Array;
  onOpen(index: number): void;
  onFly(): void;
  onClear(): void;
  /** Opens the selected images in the Images grid, to see them large and label them there. */
  onShowInGrid(): void;
}

/** The selection count and a strip of the selected thumbnails ("+N more" past the cap). */
export function SelectionStrip({ data, selection, onOpen, onFly, onClear, onShowInGrid }: Props) {
  const indices = useMemo(() => maskToIndices(selection), [selection]);
  if (indices.length === 0) return null;
  const shown = indices.subarray(0, SHOWN);
  return (
    <div className="selection-strip" data-testid="selection-strip">
      <div className="selection-head">
        <strong data-testid="selection-count" data-value={indices.length}>
          {formatCount(indices.length)} selected
        </strong>
        <button type="button" className="btn small" onClick={onFly} title="Fly to the selection (F)">Fly to</button>
        <button type="button" className="btn small" onClick={onShowInGrid} title="See the selected images in the Images grid" data-testid="selection-grid">Show in grid</button>
        <button type="button" className="btn small" onClick={onClear} title="Clear the selection (Esc)">Clear</button>
      </div>
      <div className="selection-thumbs">
        {Array.from(shown, (i) => (
          <button key={i} type="button" className="selection-thumb" data-id={data.sections.ids[i]} title={`#${data.sections.ids[i]}`} onClick={() => onOpen(i)}>
            <img src={api.thumbUrl(data.sections.ids[i], 'small')} alt="" loading="lazy" width={48} height={48} />
          </button>
        ))}
        {indices.length > SHOWN && <span className="selection-more" data-testid="selection-more">+{formatCount(indices.length - SHOWN)} more</span>}
      </div>
    </div>
  );
}
