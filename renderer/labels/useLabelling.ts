import { useEffect } from 'react';
import { useApp } from '../state/app-store';
import { assignSelection, openLabels, undoLabel } from '../state/labels-store';
import { useMap } from '../state/map-store';
import { labelKeyAction } from './label-keys';

/** Loads the project's label classes and binds the labelling keys while the Map tab is up.
 *  On window, not on the map element: after clicking a sidebar button the focus is there. */
export function useLabelling(dir: string | null): void {
  useEffect(() => {
    if (dir) openLabels(dir);
  }, [dir]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const app = useApp.getState();
      if (e.repeat || e.defaultPrevented || app.helpOpen || app.pickerOpen || app.preview || !useMap.getState().data) return;
      const a = labelKeyAction(e);
      if (!a) return;
      e.preventDefault();
      if (a.kind === 'assign') void assignSelection(a.n);
      else if (a.kind === 'clear') void assignSelection(null);
      else void undoLabel(a.kind === 'redo');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
