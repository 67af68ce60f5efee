import { useCallback, useState, useSyncExternalStore, type DragEvent } from 'react';
import type { ImageItem, ProjectInfo } from '../../preload/contract';
import { Icon } from '../components/Icon';
import { clearImageFilter, ImageFilterBar } from '../components/ImageFilterBar';
import { GridSelectionBar } from '../components/GridSelectionBar';
import { useGridLabelling } from '../labels/useGridLabelling';
import { SkippedPanel } from '../components/SkippedPanel';
import { ThumbGrid } from '../components/ThumbGrid';
import { formatBytes } from '../format';
import { showToast, useApp } from '../state/app-store';
import { searchByImage } from '../state/grid-lists';
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
  const [dropOver, setDropOver] = useState(false);
  // Files, onto a project with images: a picture to search by.
  const takesDrop = (e: DragEvent) => e.dataTransfer.types.includes('Files') && project.images > 0;
  const onOpen = useCallback((item: ImageItem, index: number) => useApp.setState({ preview: item, previewIndex: index }), []);
  useSyncExternalStore(imagePages.subscribe, imagePages.getVersion);
  useGridLabelling(project.dir);
  const noMatch = imagePages.filtered && imagePages.total === 0;
  const hoverSimilarity = hover ? imagePages.similarityOf(hover.id) : undefined;

  return (
    <section
      className={`images-tab${dropOver ? ' drop-over' : ''}`}
      onDragOver={(e) => {
        if (!takesDrop(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setDropOver(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDropOver(false);
      }}
      onDrop={(e) => {
        if (!takesDrop(e)) return;
        e.preventDefault();
        setDropOver(false);
        const file = e.dataTransfer.files[0];
        if (file && (file.type.startsWith('image/') || /\.(bmp|tiff?|avif)$/i.test(file.name))) void searchByImage(file);
        else showToast('info', 'Drop a picture here to find the images most like it. To open another folder, use Open… in the header.');
      }}
    >
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
                {hoverSimilarity !== undefined && ` · similarity ${hoverSimilarity.toFixed(3)}`}
              </span>
            </>
          ) : (
            <span className="muted">Hover a thumbnail for its path and size · click to enlarge · S: similar images (or drop a picture here) · Ctrl-click or Shift-click to select, then 1–9 to label</span>
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
