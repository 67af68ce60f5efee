import type { DuplicateGroup } from '../../preload/contract-labels';
import { Icon } from '../components/Icon';
import { selectOnMap } from './map-focus';
import { Thumb } from './parts';
import { markImages } from './review-actions';

type Mark = DuplicateGroup['marks'][number];
const MARKS: { mark: Exclude<Mark, null>; short: string; label: string }[] = [
  { mark: 'keep', short: '✓', label: 'Keep' },
  { mark: 'remove', short: '✕', label: 'Remove' },
  { mark: 'not_duplicate', short: '≠', label: 'Not a duplicate' },
];
const MAX_GROUPS = 100;

const fileName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** Duplicate groups as rows of thumbnails, each image with keep / remove / not-duplicate marks. */
export function DuplicateGroups({ groups, kind }: { groups: DuplicateGroup[]; kind: 'exact' | 'near' }) {
  if (groups.length === 0) return <p className="review-empty">{kind === 'exact' ? 'No exact duplicates.' : 'No near-duplicates at this threshold.'}</p>;
  return (
    <ol className="dup-groups" data-testid={`dup-groups-${kind}`}>
      {groups.slice(0, MAX_GROUPS).map((g) => (
        <li key={g.ids.join(',')} className="dup-group" data-testid="dup-group" data-ids={g.ids.join(',')}>
          <div className="dup-group-head">
            <button type="button" className="review-link" onClick={() => selectOnMap(g.ids)} aria-label={`Select these ${g.ids.length} images on the map`}>
              {g.ids.length} images
            </button>
            <span className="dup-group-actions">
              <button type="button" className="review-link" data-testid="dup-keep-first" onClick={() => void markImages(g.ids.slice(0, 1), 'keep').then(() => markImages(g.ids.slice(1), 'remove'))}>
                Keep first
              </button>
              <button type="button" className="review-link" onClick={() => void markImages(g.ids, 'not_duplicate')}>Not duplicates</button>
              {g.marks.some((m) => m !== null) && (
                <button type="button" className="review-link" onClick={() => void markImages(g.ids, null)}>Clear</button>
              )}
            </span>
          </div>
          <div className="dup-items">
            {g.ids.map((id, i) => (
              <figure key={id} className={`dup-item ${g.marks[i] ?? ''}`} data-testid="dup-item" data-id={id} data-mark={g.marks[i] ?? ''}>
                <Thumb id={id} title={g.paths[i]} />
                <figcaption className="path" title={g.paths[i]}>{fileName(g.paths[i])}</figcaption>
                <div className="dup-marks" role="group" aria-label={`Mark ${g.paths[i]}`}>
                  {MARKS.map((m) => (
                    <button
                      key={m.mark}
                      type="button"
                      className={`dup-mark ${m.mark} ${g.marks[i] === m.mark ? 'on' : ''}`}
                      aria-pressed={g.marks[i] === m.mark}
                      title={m.label}
                      aria-label={m.label}
                      data-testid={`dup-mark-${m.mark}`}
                      onClick={() => void markImages([id], g.marks[i] === m.mark ? null : m.mark)}
                    >
                      {m.short}
                    </button>
                  ))}
                </div>
              </figure>
            ))}
          </div>
        </li>
      ))}
      {groups.length > MAX_GROUPS && (
        <li className="review-hint">
          <Icon name="info" size={14} /> Showing the first {MAX_GROUPS} of {groups.length} groups.
        </li>
      )}
    </ol>
  );
}
