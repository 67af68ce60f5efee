import { useCallback, useState, useSyncExternalStore } from 'react';
import type { ImageItem, ProjectInfo } from '../../preload/contract';
import { Icon } from '../components/Icon';
import { clearImageFilter, ImageFilterBar } from '../components/ImageFilterBar';
import { GridSelectionBar } from '../components/GridSelectionBar';
import { useGridLabelling } from '../labels/useGridLabelling';
import { SkippedPanel } from '../components/SkippedPanel';
import { ThumbGrid } from '../components/ThumbGrid';
import { formatBytes } from '../format';
import { useApp } from '../state/app-store';
import { imagePages } from '../state/image-pages';

const SIZE_KEY = 'byol.gridCell';

function initialCell(): number {
  const v = Number(localStorage.getItem(SIZE_KEY));
  return v >= 56 && v <= 240 ? v : 96;
}

/** The Images tab: the thumbnail grid, the skipped-files panel and a status bar with the zoom slider. */
export function ImagesTab({ project }: { project: ProjectInfo }) {
  const skippedOpen = useApp((s) => s.skippedOpen);
  const [hover, setHover] = useState<ImageItem | null>(null);
  const [cell, setCell] = useState(initialCell);
  const onOpen = useCallback((item: ImageItem, index: number) => useApp.setState({ preview: item, previewIndex: index }), []);
  useSyncExternalStore(imagePages.subscribe, imagePages.getVersion);
  useGridLabelling(project.dir);
  const noMatch = imagePages.filtered && imagePages.total === 0;
  const similar = imagePages.idList && imagePages.idSource?.kind === 'similar' ? imagePages.idSource : null;

  return (
    <section className="images-tab">
      {project.images > 0 && <ImageFilterBar projectDir={project.dir} projectTotal={project.images} />}
      <GridSelectionBar />
      <div className="project-body">
        {noMatch ? (
          <div className="grid-empty" data-testid="filter-empty">
            <Icon name="search" size={40} />
            <p>No images match these filters.</p>
            <button type="button" className="btn" onClick={clearImageFilter}>Show all images</button>
          </div>
        ) : project.images === 0 ? (
          <div className="grid-empty">
            <Icon name="image" size={40} />
            <p>No images in this project yet.</p>
            {project.skipped > 0 && <p className="muted">{project.skipped} files were skipped; see why in the Skipped panel.</p>}
          </div>
        ) : (
          <ThumbGrid total={project.images} cellSize={cell} onHover={setHover} onOpen={onOpen} />
        )}
        {skippedOpen && <SkippedPanel />}
      </div>
      <footer className="status-bar">
        <span className="status-info" data-testid="hover-info">
          {hover ? (
            <>
              <span className="status-path">{hover.path}</span>
              <span className="muted">
                {hover.width} × {hover.height} px · {formatBytes(hover.bytes)}
                {similar && similar.id !== hover.id && similar.similarity.has(hover.id) && ` · similarity ${similar.similarity.get(hover.id)!.toFixed(3)}`}
              </span>
            </>
          ) : (
            <span className="muted">Hover a thumbnail for its path and size · click to enlarge · S: similar images · Ctrl-click or Shift-click to select, then 1–9 to label</span>
          )}
        </span>
        <label className="zoom">
          <Icon name="image" size={14} />
          <input
            type="range"
            min={56}
            max={240}
            step={8}
            value={cell}
            aria-label="Thumbnail size"
            onChange={(e) => {
              const v = Number(e.target.value);
              setCell(v);
              localStorage.setItem(SIZE_KEY, String(v));
            }}
          />
          <Icon name="image" size={20} />
        </label>
      </footer>
    </section>
  );
}
