import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { ImageItem } from '../../preload/contract';
import { useElementSize } from '../hooks/useElementSize';
import { useApp } from '../state/app-store';
import { extendGridSelection, toggleGridImage, useGridSelection } from '../state/grid-selection';
import { showSimilar } from '../state/grid-lists';
import { imagePages, PAGE_SIZE } from '../state/image-pages';
import { ThumbCell } from './ThumbCell';

const PAD = 20;
const GAP = 8;
/** Rows rendered beyond the viewport on each side, so fast scrolls rarely show blanks. */
const OVERSCAN_ROWS = 3;

const onSelect = (item: ImageItem, index: number, how: 'toggle' | 'extend') => {
  if (how === 'extend') void extendGridSelection(index);
  else toggleGridImage(item.id, index);
};

interface Props {
  total: number;
  cellSize: number;
  onHover(item: ImageItem | null): void;
  onOpen(item: ImageItem, index: number): void;
}

/**
 * A virtualized grid: only the rows in (and just around) the viewport exist in the DOM, and
 * their images are fetched a page at a time, so 100k images scroll like 100.
 */
export const ThumbGrid = memo(function ThumbGrid({ total: projectTotal, cellSize, onHover, onOpen }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const { width, height } = useElementSize(ref);
  const [scrollTop, setScrollTop] = useState(0);
  const imagesVersion = useApp((s) => s.imagesVersion);
  useSyncExternalStore(imagePages.subscribe, imagePages.getVersion);
  const selection = useGridSelection((s) => s.ids);
  const selecting = selection.size > 0;

  useEffect(() => {
    imagePages.reset();
  }, [imagesVersion]);

  const total = imagePages.total ?? (imagePages.filtered ? 0 : projectTotal);
  // A new filter shows a new list: start it at the top.
  const filterVersion = imagePages.filterVersion;
  useEffect(() => {
    if (ref.current) ref.current.scrollTop = 0;
    setScrollTop(0);
  }, [filterVersion]);
  const inner = Math.max(0, width - 2 * PAD);
  const cols = Math.max(1, Math.floor((inner + GAP) / (cellSize + GAP)));
  const cell = cols > 0 ? Math.floor((inner - (cols - 1) * GAP) / cols) : cellSize;
  const rowH = cell + GAP;
  const rows = Math.ceil(total / cols);
  const firstRow = Math.max(0, Math.floor((scrollTop - PAD) / rowH) - OVERSCAN_ROWS);
  const lastRow = Math.min(rows - 1, Math.ceil((scrollTop + height - PAD) / rowH) + OVERSCAN_ROWS);

  // When the column count or cell size changes (panel opened, zoom, resize), keep the image
  // that was at the top of the view there, instead of keeping a pixel offset that now shows
  // different images.
  const layout = useRef({ cols, rowH, anchor: 0 });
  useLayoutEffect(() => {
    const l = layout.current;
    if (l.cols === cols && l.rowH === rowH) {
      l.anchor = Math.max(0, Math.floor((scrollTop - PAD + GAP) / rowH)) * cols;
      return;
    }
    layout.current = { cols, rowH, anchor: l.anchor };
    const el = ref.current;
    if (!el || l.anchor === 0) return;
    el.scrollTop = Math.floor(l.anchor / cols) * rowH;
    setScrollTop(el.scrollTop);
  }, [cols, rowH, scrollTop]);

  const first = firstRow * cols;
  const last = Math.min(total - 1, (lastRow + 1) * cols - 1);
  useEffect(() => {
    if (total === 0 || width === 0) return;
    // Also ask for the page just past the viewport, so a steady scroll finds it ready.
    imagePages.ensure(first, Math.min(total - 1, last + Math.min(PAGE_SIZE / 2, last - first + 1)));
  }, [first, last, total, width, imagesVersion]);

  // Keyboard: arrows, Home/End and Page Up/Down move the focus between cells (scrolling as
  // needed); Space selects the focused image (Shift+Space: a range), Enter opens it. The cell to focus may not
  // exist until the scroll renders it, so the focus lands after the next render.
  const pendingFocus = useRef<number | null>(null);
  useEffect(() => {
    const i = pendingFocus.current;
    if (i === null) return;
    const b = ref.current?.querySelector<HTMLElement>(`button.cell[data-index="${i}"]`);
    if (!b) return;
    pendingFocus.current = null;
    b.focus({ preventScroll: true });
  });
  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>) => {
    const el = ref.current;
    const target = e.target as HTMLElement;
    const idx = Number(target.dataset.index);
    if (!el || !target.classList.contains('cell') || !Number.isInteger(idx) || e.ctrlKey || e.metaKey || e.altKey) return;
    if ((e.key === 's' || e.key === 'S') && !e.shiftKey) {
      e.preventDefault();
      const item = imagePages.get(idx);
      if (item) void showSimilar(item.id, item.path);
      return;
    }
    if (e.key === ' ' || e.key === 'Enter') {
      // Enter opens the image even while selecting, where a click would toggle it.
      e.preventDefault();
      const item = imagePages.get(idx);
      if (item && e.key === 'Enter') onOpen(item, idx);
      else if (item) onSelect(item, idx, e.shiftKey ? 'extend' : 'toggle');
      return;
    }
    const pageRows = Math.max(1, Math.floor(el.clientHeight / rowH));
    const step: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -cols, ArrowDown: cols, PageUp: -cols * pageRows, PageDown: cols * pageRows };
    const next = e.key === 'Home' ? 0 : e.key === 'End' ? total - 1 : step[e.key] === undefined ? null : idx + step[e.key];
    if (next === null) return;
    e.preventDefault();
    const i = Math.min(Math.max(0, next), total - 1);
    const top = PAD + Math.floor(i / cols) * rowH;
    if (top < el.scrollTop) el.scrollTop = top - PAD;
    else if (top + cell > el.scrollTop + el.clientHeight) el.scrollTop = top + cell + PAD - el.clientHeight;
    pendingFocus.current = i;
    setScrollTop(el.scrollTop);
    ref.current?.querySelector<HTMLElement>(`button.cell[data-index="${i}"]`)?.focus({ preventScroll: true });
  };

  // Scroll position is read once per frame; React only re-renders when the row range moves.
  const frame = useRef(0);
  const onScroll = useCallback(() => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      if (ref.current) setScrollTop(ref.current.scrollTop);
    });
  }, []);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  const cells = useMemo(() => {
    const similarity = imagePages.search?.similarity ?? null;
    const out = [];
    for (let i = first; i <= last; i++) {
      const r = Math.floor(i / cols);
      const c = i % cols;
      const item = imagePages.get(i);
      // Keyed by id too, so a cell never keeps the loaded/failed state of a previous image.
      out.push(
        <ThumbCell
          key={`${i}:${item?.id ?? ''}`} index={i} item={item} left={PAD + c * (cell + GAP)} top={PAD + r * rowH} size={cell}
          selected={!!item && selection.has(item.id)} selecting={selecting} onHover={onHover} onOpen={onOpen} onSelect={onSelect}
          similarity={item && similarity ? similarity.get(item.id) : undefined}
        />,
      );
    }
    return out;
    // imagePages.getVersion() changes whenever a page lands; it is read here on purpose.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [first, last, cols, cell, rowH, onHover, onOpen, selection, selecting, imagePages.getVersion()]);

  return (
    <div ref={ref} className="grid-scroll" onScroll={onScroll} onKeyDown={onKeyDown} onMouseLeave={() => onHover(null)} data-testid="thumb-grid" data-rendered={last - first + 1} data-total={total}>
      <div className="grid-inner" style={{ height: rows * rowH + 2 * PAD - GAP }}>
        {cells}
      </div>
    </div>
  );
});
