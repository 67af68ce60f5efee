import { useState } from 'react';
import { errorMessage } from '../api/errors';
import { formatCount } from '../format';
import { labelGridSelection } from '../labels/useGridLabelling';
import { showToast, useApp } from '../state/app-store';
import { clearGridSelection, selectAllGridImages, useGridSelection } from '../state/grid-selection';
import { selectOnMap } from '../state/map-store';
import { imagePages } from '../state/image-pages';
import { createClass, useLabels } from '../state/labels-store';
import { Icon } from './Icon';

/** The grid's selection, selected on the map; the Map tab opens on it. */
async function showSelectionOnMap(): Promise<void> {
  const dir = useApp.getState().project?.dir;
  const ids = useGridSelection.getState().ids;
  if (!dir) return;
  try {
    const r = await selectOnMap(dir, ids);
    if (!r) return void showToast('error', 'There is no map yet: build it on the Map tab first.');
    if (r.onMap < ids.size) showToast('info', `${formatCount(ids.size - r.onMap)} of the ${formatCount(ids.size)} selected images are not on the map (added since it was built): rebuild it to include them.`);
    if (r.onMap > 0) useApp.setState({ tab: 'map' });
  } catch (e) {
    showToast('error', `Could not show the images on the map: ${errorMessage(e)}`);
  }
}

/**
 * Shown while images are selected in the grid: how many, a button per class (its key too),
 * a new class made and applied in one go, and clearing their labels.
 */
export function GridSelectionBar() {
  const count = useGridSelection((s) => s.ids.size);
  const classes = useLabels((s) => s.classes);
  const [name, setName] = useState('');
  if (count === 0) return null;
  const addAndLabel = async () => {
    const k = await createClass(name.trim());
    if (!k) return;
    setName('');
    const n = useLabels.getState().classes.findIndex((c) => c.id === k.id) + 1;
    if (n > 0) await labelGridSelection(n);
  };
  const shown = imagePages.total;
  return (
    <div className="grid-selection" data-testid="grid-selection" data-count={count} role="toolbar" aria-label="Selected images">
      <span className="grid-selection-count">
        <strong>{formatCount(count)}</strong> selected
      </span>
      <div className="grid-selection-classes">
        {classes.map((k, i) => (
          <button key={k.id} type="button" className="class-chip" onClick={() => void labelGridSelection(i + 1)} title={`Label the selection "${k.name}"`} data-testid="grid-label-class">
            <span className="swatch" style={{ background: k.color }} />
            {i < 9 && <kbd>{i + 1}</kbd>}
            {k.name}
          </button>
        ))}
        <form
          className="grid-new-class"
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim()) void addAndLabel();
          }}
        >
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder={classes.length ? 'New class' : 'Name a class to label them'} aria-label="New class name" spellCheck={false} data-testid="grid-new-class" />
          <button type="submit" className="btn small" disabled={!name.trim()}>Add</button>
        </form>
        {classes.length > 0 && (
          <button type="button" className="btn small" onClick={() => void labelGridSelection(null)} title="Remove the selected images' labels (0)">
            <kbd>0</kbd> Clear labels
          </button>
        )}
      </div>
      <span className="grid-selection-actions">
        <button type="button" className="btn small" onClick={() => void showSelectionOnMap()} title="Select these images on the map and fly to them" data-testid="grid-show-on-map">
          <Icon name="cube" size={14} />
          Show on map
        </button>
        {shown !== null && count < shown && (
          <button type="button" className="btn small" onClick={() => void selectAllGridImages()} title="Select every image shown (Ctrl+A)" data-testid="grid-select-all">
            Select all {formatCount(shown)}
          </button>
        )}
        <button type="button" className="btn small" onClick={clearGridSelection} title="Clear the selection (Esc)" data-testid="grid-select-none">
          <Icon name="close" size={14} />
          Done
        </button>
      </span>
    </div>
  );
}
