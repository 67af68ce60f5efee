import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { errorMessage } from '../../api/errors';
import { formatBytes, formatCount } from '../../format';
import { showSimilar, SIMILAR_COUNT } from '../../state/grid-lists';
import type { MapData } from '../../state/map-store';
import { Icon } from '../Icon';

interface Props {
  data: MapData;
  index: number;
  images: Map<number, { path: string; width: number; height: number; bytes: number; mtimeMs: number }> | null;
  /** A neighbour was clicked: fly to it and inspect it. */
  onGo(index: number): void;
  onFly(): void;
  onClose(): void;
}

type Neighbors = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ok'; items: { id: number; distance: number }[] };

/** The clicked image large, its path and metadata, and its 12 nearest neighbours in embedding space. */
export function Inspector({ data, index, images, onGo, onFly, onClose }: Props) {
  const { header, sections: s } = data;
  const id = s.ids[index];
  const [nb, setNb] = useState<Neighbors>({ state: 'loading' });
  // Tiny sources (CIFAR is 32 px) look better as crisp pixels than as a blur.
  const [tiny, setTiny] = useState(false);
  useEffect(() => {
    let live = true;
    setNb({ state: 'loading' });
    api.call('map.neighbors', { id, count: 12 }).then(
      (r) => live && setNb({ state: 'ok', items: r.neighbors }),
      (e) => live && setNb({ state: 'error', message: errorMessage(e) }),
    );
    return () => { live = false; };
  }, [id]);

  const item = images?.get(id);
  const label = (k: number) => (k >= 0 ? header.labels[k]?.name : undefined);
  const pct = (v: number) => (Number.isFinite(v) ? `${Math.round(v * 100)}%` : undefined);
  const rows: [string, string | undefined][] = [
    ['Folder', header.folders[s.folder[index]] || (s.folder[index] >= 0 ? '(top folder)' : undefined)],
    ['Size', item ? `${item.width} × ${item.height} px · ${formatBytes(item.bytes)}` : undefined],
    ['Modified', item ? new Date(item.mtimeMs).toLocaleString() : undefined],
    ['Cluster', s.cluster[index] >= 0 ? header.clusters[s.cluster[index]] : undefined],
    ['Label', label(s.label[index])],
    ['Predicted', label(s.predicted[index]) ? `${label(s.predicted[index])} (${pct(s.confidence[index]) ?? '?'})` : undefined],
    ['Outlier score', pct(s.outlier[index])],
    ['Duplicate group', s.duplicate[index] >= 0 ? `#${s.duplicate[index]}` : undefined],
  ];

  return (
    <aside className="inspector" data-testid="inspector" data-id={id} aria-label="Image inspector">
      <header className="inspector-head">
        <h3>Image #{id}</h3>
        <span className="map-spacer" />
        <button type="button" className="btn small" onClick={onFly} title="Fly to this image (F flies to the hovered point)">Fly to</button>
        <button type="button" className="icon-btn" onClick={onClose} title="Close (Esc)" aria-label="Close the inspector">
          <Icon name="close" size={16} />
        </button>
      </header>
      <img
        className={`inspector-image ${tiny ? 'pixelated' : ''}`} src={api.thumbUrl(id, 'large')}
        onLoad={(e) => setTiny(e.currentTarget.naturalWidth < 128)} alt={item?.path ?? `image ${id}`} data-testid="inspector-image" />
      <p className="inspector-path" title={item?.path} data-testid="inspector-path">{item ? item.path : images ? 'Loading the path…' : ''}</p>
      <dl className="inspector-meta">
        {rows.filter(([, v]) => v !== undefined).map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <div className="inspector-subhead">
        <h4>Nearest neighbours</h4>
        <button
          type="button" className="btn small" data-testid="inspector-similar"
          title={`The ${formatCount(SIMILAR_COUNT)} most similar images in the Images tab, most similar first`}
          onClick={() => void showSimilar(id, item?.path ?? `image ${id}`)}
        >
          <Icon name="grid" size={14} />
          More in grid
        </button>
      </div>
      {nb.state === 'loading' && <p className="muted">Loading…</p>}
      {nb.state === 'error' && <p className="inspector-error" role="alert">{nb.message}</p>}
      {nb.state === 'ok' && (
        <div className="inspector-neighbors" data-testid="inspector-neighbors">
          {nb.items.map((x) => {
            const j = data.indexOf.get(x.id);
            return (
              <button
                key={x.id} type="button" className="neighbor" data-testid="inspector-neighbor" data-id={x.id}
                disabled={j === undefined} title={`#${x.id} · cosine distance ${x.distance.toFixed(3)}: click to fly to it`}
                onClick={() => j !== undefined && onGo(j)}
              >
                <img src={api.thumbUrl(x.id, 'small')} alt="" loading="lazy" />
              </button>
            );
          })}
        </div>
      )}
    </aside>
  );
}
