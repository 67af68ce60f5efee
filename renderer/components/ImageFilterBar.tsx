import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { ImageFacets, ImageFilter } from '../../preload/contract';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { formatCount } from '../format';
import { typingIn } from '../hooks/useShortcuts';
import { showToast, useApp } from '../state/app-store';
import { clearGridSelection } from '../state/grid-selection';
import { searchByImage } from '../state/grid-lists';
import { imagePages, type ImageQuerySource } from '../state/image-pages';
import { useLabels } from '../state/labels-store';
import { Icon } from './Icon';

/** Typing waits this long before asking the store, so each keystroke does not start a query. */
const TEXT_DEBOUNCE_MS = 200;
/** The label select's value for "no label" (a class may be named anything but the empty string). */
const UNLABELLED = '\u0000none';

/** The confidence filter's steps: below these, a propagated class is worth a look. */
const CONFIDENCE_STEPS = [0.9, 0.7, 0.5] as const;

const labelValue = (l: ImageFilter['label']): string => (l === undefined ? '' : l === null ? UNLABELLED : l);
const labelFrom = (v: string): ImageFilter['label'] => (v === '' ? undefined : v === UNLABELLED ? null : v);

/** Changes part of the grid's filter; unset fields (undefined, false) are dropped. */
function applyFilter(patch: Partial<ImageFilter>, dir: string): void {
  const next: ImageFilter = { ...imagePages.filter, ...patch };
  for (const k of Object.keys(next) as (keyof ImageFilter)[]) if (next[k] === undefined || next[k] === false) delete next[k];
  // A selection made under the old filter could hold images the new one hides: start afresh.
  clearGridSelection();
  imagePages.setFilter(next, dir);
}

/** Clears every filter of the grid. */
export function clearImageFilter(): void {
  clearGridSelection();
  imagePages.setFilter({});
}

/** The few-shot classifier's answer for a searched picture, or why there is none. */
function QueryPrediction({ source }: { source: ImageQuerySource }) {
  const p = source.prediction;
  if (!p) {
    return (
      <span className="query-prediction muted" data-testid="query-prediction" data-class="" title={source.predictionNote ?? undefined}>
        No prediction
      </span>
    );
  }
  const all = p.classes.map((c, i) => `${c}: ${(100 * p.probs[i]).toFixed(1)}%`).join('\n');
  return (
    <span className="query-prediction" data-testid="query-prediction" data-class={p.classes[0]} title={`The few-shot classifier's probabilities:\n${all}`}>
      Classifier: <b>{p.classes[0]}</b> {Math.round(100 * p.probs[0])}%
    </span>
  );
}

/**
 * Narrows the Images grid: a path search (/ focuses it), a folder, a class or no label, and
 * duplicates only. The choices come with their counts from the store; the line ends with how
 * many images match.
 */
export function ImageFilterBar({ projectDir, projectTotal }: { projectDir: string; projectTotal: number }) {
  useSyncExternalStore(imagePages.subscribe, imagePages.getVersion);
  const imagesVersion = useApp((s) => s.imagesVersion);
  const [facets, setFacets] = useState<ImageFacets | null>(null);
  // Class counts move with every label edit; the facets' counts follow them.
  const classes = useLabels((s) => s.classes);
  const f = imagePages.filter;
  const [text, setText] = useState(f.text ?? '');
  const search = useRef<HTMLInputElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const imageSearch = useApp((s) => s.imageSearch);

  // Another project starts unfiltered.
  useEffect(() => {
    if (imagePages.filterDir !== projectDir) {
      if (imagePages.filtered) imagePages.setFilter({}, projectDir);
      else imagePages.filterDir = projectDir;
      setText('');
    }
  }, [projectDir]);

  useEffect(() => {
    let live = true;
    api.call('images.facets', {}).then(
      (r) => live && setFacets(r),
      (err: unknown) => live && showToast('error', `Could not load the filters: ${errorMessage(err)}`),
    );
    return () => {
      live = false;
    };
  }, [imagesVersion, projectDir, classes]);

  useEffect(() => {
    if ((imagePages.filter.text ?? '') === text) return;
    const t = setTimeout(() => applyFilter({ text: text || undefined }, projectDir), TEXT_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [text, projectDir]);

  // "/" jumps to the search box, as on most sites with a search.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || typingIn(e.target) || useApp.getState().helpOpen || useApp.getState().preview) return;
      e.preventDefault();
      search.current?.focus();
      search.current?.select();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const update = (patch: Partial<ImageFilter>) => applyFilter(patch, projectDir);
  // The box follows a filter changed elsewhere (the empty grid's Clear button, the map's "Show in grid").
  const filterVersion = imagePages.filterVersion;
  // (Only ever to empty: syncing a typed text back could drop a keystroke made meanwhile.)
  useEffect(() => {
    if (!imagePages.filtered || imagePages.idList) setText('');
  }, [filterVersion]);

  const filtered = imagePages.filtered;
  const source = imagePages.idSource;
  const shown = imagePages.total;
  return (
    <div className="image-filters" data-testid="image-filters">
      <label className="filter-search">
        <Icon name="search" size={15} />
        <input
          ref={search}
          type="search"
          value={text}
          placeholder="Search paths"
          aria-label="Search image paths"
          spellCheck={false}
          data-testid="filter-text"
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && text) {
              e.preventDefault();
              e.stopPropagation();
              setText('');
            } else if (e.key === 'Escape') e.currentTarget.blur();
          }}
        />
        <kbd>/</kbd>
      </label>
      <select value={f.folder ?? ''} onChange={(e) => update({ folder: e.target.value === '' ? undefined : e.target.value })} aria-label="Folder" data-testid="filter-folder">
        <option value="">All folders</option>
        {facets?.folders.map((o) => (
          <option key={o.name} value={o.name}>{`${o.name} (${formatCount(o.count)})`}</option>
        ))}
      </select>
      <select value={labelValue(f.label)} onChange={(e) => update({ label: labelFrom(e.target.value) })} aria-label="Label" data-testid="filter-label">
        <option value="">Any label</option>
        <option value={UNLABELLED}>{`No label (${formatCount(facets?.unlabelled ?? 0)})`}</option>
        {facets?.labels.map((o) => (
          <option key={o.name} value={o.name}>{`${o.name} (${formatCount(o.count)})`}</option>
        ))}
      </select>
      {/* After a propagation: review what it predicted for the unlabelled images, least certain first to find. */}
      {(facets?.predicted.length || f.predicted !== undefined || f.maxConfidence !== undefined) && (
        <>
          <select value={f.predicted ?? ''} onChange={(e) => update({ predicted: e.target.value === '' ? undefined : e.target.value })} aria-label="Predicted class" data-testid="filter-predicted">
            <option value="">Any prediction</option>
            {facets?.predicted.map((o) => (
              <option key={o.name} value={o.name}>{`predicted ${o.name} (${formatCount(o.count)})`}</option>
            ))}
          </select>
          <select value={f.maxConfidence ?? ''} onChange={(e) => update({ maxConfidence: e.target.value === '' ? undefined : Number(e.target.value) })} aria-label="Prediction confidence" data-testid="filter-confidence">
            <option value="">Any confidence</option>
            {CONFIDENCE_STEPS.map((c) => (
              <option key={c} value={c}>{`Confidence below ${Math.round(c * 100)}%`}</option>
            ))}
          </select>
        </>
      )}
      <button
        type="button"
        className={`btn small toggle ${f.duplicates ? 'active' : ''}`}
        aria-pressed={!!f.duplicates}
        disabled={!f.duplicates && facets?.duplicates === 0}
        title="Only images with an exact duplicate"
        onClick={() => update({ duplicates: !f.duplicates })}
        data-testid="filter-duplicates"
      >
        <Icon name="copy" size={14} />
        Duplicates{facets ? ` (${formatCount(facets.duplicates)})` : ''}
      </button>
      <button
        type="button" className="btn small" onClick={() => fileInput.current?.click()} disabled={imageSearch !== null}
        title="Find the images most like a picture from anywhere (or drop one on the grid)" data-testid="search-by-image"
      >
        <Icon name="upload" size={14} />
        {imageSearch === null ? 'Search by image' : `Embedding ${imageSearch}…`}
      </button>
      <input
        ref={fileInput} type="file" accept="image/*,.bmp,.tif,.tiff,.avif" hidden data-testid="search-by-image-file"
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (file) void searchByImage(file);
        }}
      />
      {source && (
        <span
          className="filter-chip" data-testid="filter-ids" data-kind={source.kind}
          title={source.kind === 'map' ? 'The images selected on the map; any filter replaces them' : `The images most like ${source.name}, most similar first; any filter replaces them`}
        >
          {source.kind === 'map' ? (
            <>
              <Icon name="cube" size={14} />
              Map selection
            </>
          ) : (
            <>
              <img className="chip-thumb" src={source.kind === 'image' ? source.thumb : api.thumbUrl(source.id, 'small')} alt="" />
              {source.kind === 'image' ? 'Like' : 'Similar to'} <span className="chip-name">{source.name}</span>
            </>
          )}
          <button type="button" onClick={clearImageFilter} aria-label="Show all images">
            <Icon name="close" size={12} />
          </button>
        </span>
      )}
      {source?.kind === 'image' && <QueryPrediction source={source} />}
      <span className="filter-count" data-testid="filter-count" data-value={filtered ? (shown ?? '') : projectTotal}>
        {filtered ? (shown === null ? 'Counting…' : `${formatCount(shown)} of ${formatCount(projectTotal)} images`) : `${formatCount(projectTotal)} images`}
      </span>
      {filtered && (
        <button type="button" className="btn small" onClick={clearImageFilter} data-testid="filter-clear">
          <Icon name="close" size={14} />
          Clear
        </button>
      )}
    </div>
  );
}
