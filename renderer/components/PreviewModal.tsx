import { useEffect, useSyncExternalStore } from 'react';
import type { ImageItem } from '../../preload/contract';
import { api } from '../api/client';
import { formatBytes, formatCount, splitPath } from '../format';
import { labelKeyAction } from '../labels/label-keys';
import { useApp } from '../state/app-store';
import { imagePages } from '../state/image-pages';
import { assignIds, undoLabel, useLabels } from '../state/labels-store';
import { showSimilar } from '../state/grid-lists';
import { Icon } from './Icon';
import { Modal } from './Modal';

/** Small originals (CIFAR is 32 px) are scaled up by a whole factor and drawn pixelated, so
 *  the preview shows the real pixels rather than a blur. */
const PREVIEW_PX = 384;

/** Shows grid image `index` (clamped to the list), loading its page if needed. */
function showIndex(index: number): void {
  const total = imagePages.total;
  if (total === null || total === 0) return void useApp.setState({ preview: null, previewIndex: null });
  const i = Math.min(Math.max(0, index), total - 1);
  imagePages.ensure(Math.max(0, i - 1), Math.min(total - 1, i + 1));
  const item = imagePages.get(i);
  useApp.setState(item ? { previewIndex: i, preview: item } : { previewIndex: i });
}

/** Set while a label edit from the preview is on its way: keys wait, so a quick second key
 *  cannot land on the image just labelled before the list has moved on. */
let labelling = false;

/** Labels the image shown with class `n` (null clears), then moves on to the next one. */
async function labelShown(item: ImageItem, index: number, n: number | null): Promise<void> {
  labelling = true;
  try {
    if (!(await assignIds([item.id], n, false))) return;
    // Under a label filter the image leaves the list and the next one takes its place.
    const next = imagePages.filter.label !== undefined ? index : index + 1;
    await imagePages.refresh();
    showIndex(next);
  } finally {
    labelling = false;
  }
}

/**
 * The large thumbnail of one image with its file details. Opened from the grid, ← and → browse
 * the grid's images (with its filters) and 1–9 label the image shown and move to the next.
 */
export function PreviewModal({ item: opened, onClose }: { item: ImageItem; onClose(): void }) {
  useSyncExternalStore(imagePages.subscribe, imagePages.getVersion);
  const index = useApp((s) => s.previewIndex);
  const classes = useLabels((s) => s.classes);
  // The grid's copy is the fresh one (its label changes as the user labels).
  const item = (index !== null ? imagePages.get(index) : undefined) ?? opened;
  const total = imagePages.total;

  useEffect(() => {
    if (index === null) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || useApp.getState().helpOpen) return;
      if (labelling) return void e.preventDefault();
      if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
        e.preventDefault();
        showIndex(index + (e.key === 'ArrowLeft' ? -1 : 1));
        return;
      }
      if ((e.key === 's' || e.key === 'S') && !e.shiftKey && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        void showSimilar(item.id, item.path);
        return;
      }
      const a = e.repeat ? null : labelKeyAction(e);
      if (!a) return;
      e.preventDefault();
      if (a.kind === 'assign') void labelShown(item, index, a.n);
      else if (a.kind === 'clear') void labelShown(item, index, null);
      else void undoLabel(a.kind === 'redo', false).then((ok) => ok && void imagePages.refresh());
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [index, item]);

  const { dir, name } = splitPath(item.path);
  const longest = Math.max(item.width, item.height, 1);
  const scale = longest < PREVIEW_PX / 2 ? Math.floor(PREVIEW_PX / longest) : 1;
  const labelClass = classes.find((k) => k.name === item.label);
  const browsing = index !== null && total !== null;
  const similarity = imagePages.similarityOf(item.id);
  const footer = browsing ? (
    <div className="preview-foot">
      <button type="button" className="btn small" onClick={() => showIndex(index - 1)} disabled={index === 0} data-testid="preview-prev" title="Previous image (←)">
        ←
      </button>
      <span className="preview-pos" data-testid="preview-pos">
        {formatCount(index + 1)} of {formatCount(total)}
      </span>
      <button type="button" className="btn small" onClick={() => showIndex(index + 1)} disabled={index >= total - 1} data-testid="preview-next" title="Next image (→)">
        →
      </button>
      <button type="button" className="btn small" onClick={() => void showSimilar(item.id, item.path)} data-testid="preview-similar" title="Show this image and the images most like it in the grid (S)">
        <Icon name="search" size={14} />
        Similar images
      </button>
      <span className="preview-hint muted">
        {classes.length > 0 ? (
          <>
            <kbd>1</kbd>–<kbd>{Math.min(9, classes.length)}</kbd> label and go to the next · <kbd>0</kbd> clear
          </>
        ) : (
          'Create classes on the Map tab or by selecting images, then label here with 1–9'
        )}
      </span>
    </div>
  ) : undefined;

  return (
    <Modal title={name} onClose={onClose} className="preview" testId="preview" footer={footer}>
      <div className="preview-img">
        <img
          key={item.id}
          src={api.thumbUrl(item.id, 'large')}
          alt={name}
          className={scale > 1 ? 'pixelated' : undefined}
          style={scale > 1 ? { width: item.width * scale, height: item.height * scale } : undefined}
        />
      </div>
      <dl className="preview-meta">
        <dt>Label</dt>
        <dd data-testid="preview-label">
          {item.label === null ? (
            <span className="muted">
              none{item.predicted !== null && ` (predicted ${item.predicted}, ${Math.round(100 * (item.confidence ?? 0))}%)`}
            </span>
          ) : (
            <>
              {labelClass && <span className="swatch" style={{ background: labelClass.color }} />}
              {item.label}
            </>
          )}
        </dd>
        <dt>Folder</dt>
        <dd title={dir}>{dir}</dd>
        <dt>Size</dt>
        <dd>
          {item.width} × {item.height} px · {formatBytes(item.bytes)}
        </dd>
        <dt>Modified</dt>
        <dd>{new Date(item.mtimeMs).toLocaleString()}</dd>
        {similarity !== undefined && (
          <>
            <dt>Similarity</dt>
            <dd data-testid="preview-similarity">{similarity.toFixed(3)} to {imagePages.search!.name}</dd>
          </>
        )}
        {item.duplicateGroup !== null && (
          <>
            <dt>Duplicates</dt>
            <dd>Group {item.duplicateGroup}: the same pixels appear in another file.</dd>
          </>
        )}
      </dl>
    </Modal>
  );
}
