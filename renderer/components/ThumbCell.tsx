import { memo, useCallback, useEffect, useState } from 'react';
import type { ImageItem } from '../../preload/contract';
import { api } from '../api/client';
import { formatBytes, splitPath } from '../format';

/** Small thumbnails are 64 px; past this cell size they would look soft, so use the large ones. */
const LARGE_FROM = 136;

/** How long a cell must stay mounted before it asks for its image (see ThumbImage). */
const REQUEST_DELAY_MS = 70;

/**
 * Cells that fly past in a fast scroll never request their image: the src is set only once
 * the cell has stayed mounted a moment, and an unfinished request is dropped on unmount.
 * Without this a fling queued hundreds of requests (6 connections per host) and the rows
 * the user stopped on waited seconds behind them.
 */
function ThumbImage({ src, onLoad, onError }: { src: string; onLoad(): void; onError(): void }) {
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    const t = setTimeout(() => setArmed(true), REQUEST_DELAY_MS);
    return () => clearTimeout(t);
  }, []);
  const cancelOnUnmount = useCallback((img: HTMLImageElement | null) => {
    if (!img) return;
    return () => {
      if (!img.complete) img.removeAttribute('src');
    };
  }, []);
  if (!armed) return null;
  return <img ref={cancelOnUnmount} src={src} alt="" decoding="async" draggable={false} onLoad={onLoad} onError={onError} />;
}

interface Props {
  item: ImageItem | undefined;
  index: number;
  left: number;
  top: number;
  size: number;
  selected: boolean;
  onHover(item: ImageItem | null): void;
  onOpen(item: ImageItem, index: number): void;
  /** Ctrl/Cmd-click, the tick, or any click while a selection exists: toggle; Shift-click: extend. */
  onSelect(item: ImageItem, index: number, how: 'toggle' | 'extend'): void;
  /** Whether any image is selected: a plain click then selects instead of opening. */
  selecting: boolean;
  /** Cosine similarity to the image the grid's list was found for ("Similar images"). */
  similarity?: number;
}

/** One grid cell: a shimmering placeholder until its page arrives, then the small thumbnail. */
export const ThumbCell = memo(function ThumbCell({ item, index, left, top, size, selected, selecting, similarity, onHover, onOpen, onSelect }: Props) {
  const [state, setState] = useState<'loading' | 'loaded' | 'failed'>('loading');
  const style = { transform: `translate(${left}px, ${top}px)`, width: size, height: size };
  if (!item) return <div className="cell placeholder" style={style} aria-hidden="true" />;
  const title = `${item.path}\n${item.width} × ${item.height} px · ${formatBytes(item.bytes)}${item.label === null ? '' : `\nlabel: ${item.label}`}${item.label === null && item.predicted !== null ? `\npredicted: ${item.predicted} (${Math.round(100 * (item.confidence ?? 0))}%)` : ''}`;
  return (
    <button
      className={`cell ${state}${selected ? ' selected' : ''}`}
      aria-pressed={selecting ? selected : undefined}
      style={style}
      title={title}
      aria-label={`${splitPath(item.path).name}, ${item.width} by ${item.height}`}
      data-index={index}
      data-id={item.id}
      onMouseEnter={() => onHover(item)}
      onMouseLeave={() => onHover(null)}
      onFocus={() => onHover(item)}
      onClick={(e) => {
        if (e.shiftKey) onSelect(item, index, 'extend');
        else if (e.ctrlKey || e.metaKey || selecting) onSelect(item, index, 'toggle');
        else onOpen(item, index);
      }}
    >
      {state === 'failed' ? (
        <span className="cell-failed">no thumbnail</span>
      ) : (
        <ThumbImage src={api.thumbUrl(item.id, size > LARGE_FROM ? 'large' : 'small')} onLoad={() => setState('loaded')} onError={() => setState('failed')} />
      )}
      {similarity !== undefined && size >= 72 && (
        <span className="sim-badge" data-testid="cell-similarity" data-value={similarity} title="Cosine similarity of the embeddings">
          {similarity.toFixed(2)}
        </span>
      )}
      {item.duplicateGroup !== null && <span className="dup-badge" title="Has a duplicate in this folder">dup</span>}
      {/* Not a nested button (invalid inside one): the cell's own keys and Ctrl+A cover the keyboard. */}
      <span
        className="cell-tick"
        aria-hidden="true"
        data-testid="cell-tick"
        onClick={(e) => {
          e.stopPropagation();
          onSelect(item, index, e.shiftKey ? 'extend' : 'toggle');
        }}
      >
        <svg viewBox="0 0 24 24" width="14" height="14" fill="none" stroke="currentColor" strokeWidth="3" strokeLinecap="round" strokeLinejoin="round"><path d="M5 12.5l4.5 4.5L19 7.5" /></svg>
      </span>
      {item.label !== null && size >= 72 && <span className="label-badge" data-testid="cell-label">{item.label}</span>}
      {item.label === null && item.predicted !== null && size >= 72 && (
        <span className="label-badge predicted" data-testid="cell-predicted" title="Predicted by propagation; label it to confirm">
          {item.predicted} {Math.round(100 * (item.confidence ?? 0))}%
        </span>
      )}
    </button>
  );
});
