import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Result } from '../../preload/contract';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { crumbs } from '../format';
import { startIngest } from '../state/actions';
import { useApp } from '../state/app-store';
import { Icon } from './Icon';
import { Modal } from './Modal';

type Listing = Result<'fs.list'>;

/**
 * Serve mode's folder chooser: a browser cannot see the server's disk, so this browses it
 * through fs.list, starting at the home folder. Click or Enter opens a folder, Backspace goes
 * up, Ctrl/Cmd+Enter (or the button) uses the folder shown.
 */
export function FolderPicker() {
  const home = useApp((s) => s.info?.home);
  const hint = useApp((s) => s.dropHint);
  const [listing, setListing] = useState<Listing | null>(null);
  const [sel, setSel] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const seq = useRef(0);
  // Counts edits of the path box, so a listing that lands late does not overwrite what the user typed.
  const edits = useRef(0);
  const listRef = useRef<HTMLUListElement>(null);

  const go = useCallback(async (dir?: string, selectName?: string) => {
    const mine = ++seq.current;
    const editsAtStart = edits.current;
    setLoading(true);
    try {
      const r = await api.call('fs.list', dir ? { dir } : {});
      if (mine !== seq.current) return;
      setListing(r);
      if (edits.current === editsAtStart) setTyped(r.dir);
      setError(null);
      setSel(Math.max(0, selectName ? r.entries.findIndex((e) => e.name === selectName) : 0));
      listRef.current?.focus();
    } catch (err) {
      if (mine === seq.current) setError(errorMessage(err));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void go();
  }, [go]);

  useEffect(() => {
    listRef.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [sel, listing]);

  const entries = listing?.entries ?? [];
  const openEntry = (i: number): void => {
    const e = entries[i];
    if (listing && e) void go(joinPath(listing.dir, e.name));
  };
  const goUp = (): void => {
    if (listing?.parent) void go(listing.parent, baseName(listing.dir));
  };
  const chooseCurrent = (): void => {
    if (listing) void startIngest(listing.dir);
  };
  const close = (): void => useApp.setState({ pickerOpen: false, dropHint: null });

  const onListKey = (e: KeyboardEvent): void => {
    const last = entries.length - 1;
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) chooseCurrent();
    else if (e.key === 'ArrowDown') setSel((s) => Math.min(last, s + 1));
    else if (e.key === 'ArrowUp') setSel((s) => Math.max(0, s - 1));
    else if (e.key === 'Home') setSel(0);
    else if (e.key === 'End') setSel(Math.max(0, last));
    else if (e.key === 'Enter' || e.key === 'ArrowRight') openEntry(sel);
    else if (e.key === 'Backspace' || e.key === 'ArrowLeft') goUp();
    else if (e.key.length === 1 && /\S/.test(e.key) && !e.ctrlKey && !e.metaKey && !e.altKey) {
      // Type-ahead: jump to the next folder starting with that letter.
      const k = e.key.toLowerCase();
      const order = entries.map((_, i) => (sel + 1 + i) % entries.length);
      const hit = order.find((i) => entries[i].name.toLowerCase().startsWith(k));
      if (hit !== undefined) setSel(hit);
    } else return;
    e.preventDefault();
  };

  const footer = (
    <>
      <span className="picker-count muted">{listing ? `${entries.length} ${entries.length === 1 ? 'folder' : 'folders'} inside` : ' '}</span>
      <button className="btn" onClick={close}>
        Cancel
      </button>
      <button className="btn primary" onClick={chooseCurrent} disabled={!listing} data-testid="picker-use">
        Use this folder
      </button>
    </>
  );

  return (
    <Modal title="Choose an image folder" onClose={close} footer={footer} className="picker" testId="folder-picker">
      {hint && <p className="picker-hint">{hint}</p>}
      <div className="picker-bar">
        <button className="icon-btn" onClick={goUp} disabled={!listing?.parent} title="Parent folder (Backspace)" aria-label="Parent folder">
          <Icon name="up" />
        </button>
        <button className="icon-btn" onClick={() => void go(home)} title="Home folder" aria-label="Home folder">
          <Icon name="home" />
        </button>
        <nav className="crumbs" aria-label="Path">
          {listing &&
            crumbs(listing.dir).map((c, i, all) => (
              <span key={c.path} className="crumb">
                <button className={i === all.length - 1 ? 'current' : ''} onClick={() => void go(c.path)}>
                  {c.label}
                </button>
                {i < all.length - 1 && i > 0 && <Icon name="chevron" size={14} />}
              </span>
            ))}
        </nav>
      </div>
      <input
        className="path-input"
        value={typed}
        spellCheck={false}
        aria-label="Folder path"
        onChange={(e) => {
          edits.current++;
          setTyped(e.target.value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') void go(typed.trim() || undefined);
          e.stopPropagation();
        }}
      />
      {error && <p className="picker-error">{error}</p>}
      <ul ref={listRef} className={`picker-list ${loading ? 'loading' : ''}`} role="listbox" aria-label="Folders" tabIndex={0} onKeyDown={onListKey}>
        {entries.map((e, i) => (
          <li key={e.name} role="option" aria-selected={i === sel} className={i === sel ? 'selected' : ''} onMouseEnter={() => setSel(i)} onClick={() => openEntry(i)} data-testid="picker-entry">
            <Icon name="folder" />
            <span className="name">{e.name}</span>
            <Icon name="chevron" size={16} className="go" />
          </li>
        ))}
        {listing && entries.length === 0 && !loading && <li className="empty">No folders inside. Use this folder, or go up.</li>}
      </ul>
    </Modal>
  );
}

function joinPath(dir: string, name: string): string {
  const sep = /^[A-Za-z]:/.test(dir) ? '\\' : '/';
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

function baseName(p: string): string {
  return p.split(/[\\/]/).filter(Boolean).pop() ?? '';
}
