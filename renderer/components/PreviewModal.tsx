import type { ImageItem } from '../../preload/contract';
import { api } from '../api/client';
import { formatBytes, splitPath } from '../format';
import { Modal } from './Modal';

/** Small originals (CIFAR is 32 px) are scaled up by a whole factor and drawn pixelated, so
 *  the preview shows the real pixels rather than a blur. */
const PREVIEW_PX = 384;

/** The large thumbnail of one image with its file details. */
export function PreviewModal({ item, onClose }: { item: ImageItem; onClose(): void }) {
  const { dir, name } = splitPath(item.path);
  const longest = Math.max(item.width, item.height, 1);
  const scale = longest < PREVIEW_PX / 2 ? Math.floor(PREVIEW_PX / longest) : 1;
  return (
    <Modal title={name} onClose={onClose} className="preview" testId="preview">
      <div className="preview-img">
        <img
          src={api.thumbUrl(item.id, 'large')}
          alt={name}
          className={scale > 1 ? 'pixelated' : undefined}
          style={scale > 1 ? { width: item.width * scale, height: item.height * scale } : undefined}
        />
      </div>
      <dl className="preview-meta">
        <dt>Folder</dt>
        <dd title={dir}>{dir}</dd>
        <dt>Size</dt>
        <dd>
          {item.width} × {item.height} px · {formatBytes(item.bytes)}
        </dd>
        <dt>Modified</dt>
        <dd>{new Date(item.mtimeMs).toLocaleString()}</dd>
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
