import { create } from 'zustand';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { showToast } from './app-store';
import { imagePages } from './image-pages';

/**
 * The Images grid's selection: image ids, and the grid index a Shift-click extends from.
 * Ranges and "select all" ask the store for ids, so they cover pages not loaded yet.
 */
interface GridSelection {
  ids: ReadonlySet<number>;
  anchor: number | null;
  /** Counts answers to "select all" and ranges, so a late one cannot undo a newer change. */
  seq: number;
}

export const useGridSelection = create<GridSelection>(() => ({ ids: new Set(), anchor: null, seq: 0 }));
const set = useGridSelection.setState;
const get = useGridSelection.getState;

let selectionDir: string | null = null;

/** The selection survives a trip to another tab, but not a change of project. */
export function keepGridSelectionFor(dir: string): void {
  if (selectionDir !== dir) clearGridSelection();
  selectionDir = dir;
}

export function clearGridSelection(): void {
  if (get().ids.size > 0 || get().anchor !== null) set((s) => ({ ids: new Set(), anchor: null, seq: s.seq + 1 }));
}

/** Ctrl/Cmd-click or the cell's tick: one image in or out; it becomes the range anchor. */
export function toggleGridImage(id: number, index: number): void {
  const ids = new Set(get().ids);
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  set((s) => ({ ids, anchor: index, seq: s.seq + 1 }));
}

/** Adds the ids the store lists for the current filter from `offset` (all of them without a limit). */
async function addFromStore(offset: number, limit?: number): Promise<void> {
  const seq = get().seq + 1;
  set({ seq });
  try {
    // A grid showing a given list (the map's selection) selects from that list.
    const list = imagePages.idList;
    const r = list
      ? { ids: list.slice(offset, limit ? offset + limit : undefined) }
      : await api.call('images.ids', { offset, ...(limit ? { limit } : {}), ...(imagePages.filtered ? { filter: imagePages.filter } : {}) });
    if (get().seq !== seq) return;
    const ids = new Set(get().ids);
    for (const id of r.ids) ids.add(id);
    set({ ids });
  } catch (e) {
    showToast('error', `Could not select the images: ${errorMessage(e)}`);
  }
}

/** Shift-click: everything between the anchor and `index` joins the selection. */
export function extendGridSelection(index: number): Promise<void> {
  const anchor = get().anchor ?? index;
  if (get().anchor === null) set({ anchor: index });
  const lo = Math.min(anchor, index);
  return addFromStore(lo, Math.max(anchor, index) - lo + 1);
}

/** Ctrl/Cmd+A: every image the filter shows. */
export function selectAllGridImages(): Promise<void> {
  return addFromStore(0);
}
