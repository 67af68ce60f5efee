import { useCallback, useEffect, useState } from 'react';
import type { SkippedItem } from '../../preload/contract';
import { api } from '../api/client';
import { formatCount, splitPath } from '../format';
import { attempt } from '../state/actions';
import { useApp } from '../state/app-store';
import { Icon } from './Icon';

const PAGE = 500;

/** A side panel listing the files the ingest could not use, and why. */
export function SkippedPanel() {
  const version = useApp((s) => s.imagesVersion);
  const [items, setItems] = useState<SkippedItem[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(async (offset: number) => {
    setLoading(true);
    const r = await attempt(() => api.call('images.skipped', { offset, limit: PAGE }));
    setLoading(false);
    if (!r) return;
    setTotal(r.total);
    setItems((prev) => (offset === 0 ? r.items : [...prev, ...r.items]));
  }, []);

  useEffect(() => {
    void load(0);
  }, [load, version]);

  const close = () => useApp.setState({ skippedOpen: false });
  return (
    <aside className="side-panel" aria-label="Skipped files" data-testid="skipped-panel">
      <header>
        <h2>
          Skipped files <span className="badge">{total === null ? '…' : formatCount(total)}</span>
        </h2>
        <button className="icon-btn" onClick={close} aria-label="Close" title="Close (Esc)">
          <Icon name="close" />
        </button>
      </header>
      <p className="muted small">Files in the folder that could not be read as images. Fix or remove them, then rescan.</p>
      {total === 0 && <p className="empty">Every file was read. Nothing was skipped.</p>}
      <ul className="skipped-list">
        {items.map((it) => {
          const { dir, name } = splitPath(it.path);
          return (
            <li key={it.path} data-testid="skipped-item">
              <span className="skipped-name" title={it.path}>
                {name}
              </span>
              <span className="skipped-dir" title={it.path}>
                <bdi>{dir}</bdi>
              </span>
              <span className="skipped-reason">{it.reason}</span>
            </li>
          );
        })}
      </ul>
      {total !== null && items.length < total && (
        <button className="btn" onClick={() => void load(items.length)} disabled={loading}>
          {loading ? 'Loading…' : `Show more (${formatCount(total - items.length)} left)`}
        </button>
      )}
    </aside>
  );
}
