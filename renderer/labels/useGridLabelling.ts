import { useEffect } from 'react';
import { showToast, useApp } from '../state/app-store';
import { clearGridSelection, keepGridSelectionFor, selectAllGridImages, useGridSelection } from '../state/grid-selection';
import { imagePages } from '../state/image-pages';
import { assignIds, openLabels, undoLabel } from '../state/labels-store';
import { labelKeyAction } from './label-keys';
import { typingIn } from '../hooks/useShortcuts';

/** After a label edit from the grid: the badges and the filter counts show it. */
const labelsChanged = () => void imagePages.refresh();

/** Labels the grid's selection with class `n` (null clears). */
export async function labelGridSelection(n: number | null): Promise<void> {
  const ids = [...useGridSelection.getState().ids];
  if (ids.length === 0) return void showToast('info', 'Select images first: Ctrl-click or Shift-click them, or Ctrl+A for all shown. Then press 1–9.');
  if (!(await assignIds(ids, n, false))) return;
  labelsChanged();
  // Under a label filter the labelled images leave the view; a selection still holding them
  // would have the next key label images the user cannot see.
  if (imagePages.filter.label !== undefined) clearGridSelection();
}

/**
 * The labelling keys on the Images tab, as on the map: 1–9 label the selected images, 0 or
 * Backspace clear them, Ctrl/Cmd+Z and Shift+Z undo and redo. Ctrl/Cmd+A selects every image
 * the filters show; Esc clears the selection.
 */
export function useGridLabelling(dir: string): void {
  useEffect(() => {
    openLabels(dir);
    keepGridSelectionFor(dir);
  }, [dir]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const app = useApp.getState();
      if (e.repeat || e.defaultPrevented || app.helpOpen || app.pickerOpen || app.preview || app.skippedOpen) return;
      if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'a' && !typingIn(e.target)) {
        e.preventDefault();
        void selectAllGridImages();
        return;
      }
      if (e.key === 'Escape' && !typingIn(e.target) && useGridSelection.getState().ids.size > 0) {
        e.preventDefault();
        clearGridSelection();
        return;
      }
      const a = labelKeyAction(e);
      if (!a) return;
      e.preventDefault();
      if (a.kind === 'assign') void labelGridSelection(a.n);
      else if (a.kind === 'clear') void labelGridSelection(null);
      else void undoLabel(a.kind === 'redo', false).then((ok) => ok && labelsChanged());
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
