import { useState, type FormEvent } from 'react';
import { CATEGORY_HEX } from '../map/colors';
import { plural } from '../format';
import { nameCluster } from './review-actions';
import { clusterMembers, selectOnMap } from './map-focus';
import { Thumb } from './parts';

/** Thumbnails per cluster: two rows of six, the last tile saying how many more. */
const GALLERY = 12;

interface Props {
  cluster: number;
  name: string | null;
  count: number;
  /** The cluster's row in the map bundle (its colour there); -1 for HDBSCAN noise. */
  bundleIndex: number;
}

/** One cluster: swatch, name and count (click selects it on the map), a thumbnail gallery, and naming. */
export function ClusterCard({ cluster, name, count, bundleIndex }: Props) {
  const [naming, setNaming] = useState(false);
  const [text, setText] = useState(name ?? '');
  const [busy, setBusy] = useState(false);
  const noise = cluster < 0;
  const title = noise ? 'Noise (no cluster)' : (name ?? `Cluster ${cluster + 1}`);
  const color = noise ? '#5d6578' : CATEGORY_HEX[bundleIndex % CATEGORY_HEX.length];
  const members = sampleMembers(clusterMembers(bundleIndex), count > GALLERY ? GALLERY - 1 : GALLERY);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim() || busy) return;
    setBusy(true);
    const ok = await nameCluster(cluster, text);
    setBusy(false);
    if (ok) setNaming(false);
  };

  return (
    <li className="cluster-card" data-testid="cluster-row" data-cluster={cluster} data-count={count}>
      <button
        type="button"
        className="cluster-head"
        data-testid="cluster-select"
        aria-label={`Select the ${plural(count, 'image')} of ${title} on the map`}
        onClick={() => selectOnMap(clusterMembers(bundleIndex), 'cluster')}
      >
        <span className="cluster-swatch" style={{ background: color }} aria-hidden="true" />
        <span className="cluster-name">{title}</span>
        <span className="badge" data-testid="cluster-count">{count.toLocaleString('en-US')}</span>
      </button>
      {members.length > 0 ? (
        <div className="review-thumbs" data-testid="cluster-gallery">
          {members.map((id) => <Thumb key={id} id={id} title={`Image ${id} of ${title}`} />)}
          {count > members.length && <span className="review-more">+{(count - members.length).toLocaleString('en-US')}</span>}
        </div>
      ) : (
        <p className="muted small">Thumbnails appear once the map shows this run.</p>
      )}
      {!noise && (naming ? (
        <form className="cluster-name-form" onSubmit={(e) => void submit(e)}>
          <input
            autoFocus
            value={text}
            maxLength={200}
            placeholder="Label name"
            aria-label={`Name for ${title}`}
            data-testid="cluster-name-input"
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.stopPropagation();
                setNaming(false);
              }
            }}
          />
          <button type="submit" className="btn primary small" disabled={!text.trim() || busy} data-testid="cluster-name-save">
            {busy ? 'Labelling…' : 'Label all'}
          </button>
        </form>
      ) : (
        <button type="button" className="review-link" data-testid="cluster-name" onClick={() => setNaming(true)}>
          {name ? 'Rename and relabel' : 'Name this cluster'}
        </button>
      ))}
    </li>
  );
}

/** Evenly spaced members, so the gallery is not just the first folder in map order. */
function sampleMembers(ids: number[], n: number): number[] {
  if (ids.length <= n) return ids;
  return Array.from({ length: n }, (_, j) => ids[Math.floor((j * ids.length) / n)]);
}
