import { create } from 'zustand';
import type { JobProgress, Result } from '../../preload/contract';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { maskToIndices } from '../map/state-flags';
import { tildePath } from '../format';
import { showToast, useApp } from './app-store';
import { fetchBundle, setColorMode, useMap } from './map-store';

export type LabelClassRow = Result<'label.classes'>['classes'][number];
export type LabelHistory = Result<'label.classes'>['history'];
export type SuggestItem = Result<'suggest.next'>['items'][number];
export type PropagateMethod = 'spreading' | 'logreg';

export interface PropagationJob {
  jobId: string | null;
  method: PropagateMethod;
  progress: JobProgress | null;
}

/** What propagate.run's job.finished summary holds (contract-labels.ts). */
export interface PropagationSummary {
  method: string;
  classes: string[];
  labelled: number;
  predicted: number;
  meanConfidence: number;
}

export interface LabelsState {
  projectDir: string | null;
  classes: LabelClassRow[];
  history: LabelHistory | null;
  /** The last thing that changed, shown under the class list ("Undid: …"). */
  status: string | null;
  propagation: PropagationJob | null;
  lastPropagation: PropagationSummary | null;
  threshold: number;
  suggestions: SuggestItem[] | null;
  suggesting: boolean;
}

export const useLabels = create<LabelsState>(() => ({
  projectDir: null, classes: [], history: null, status: null, propagation: null, lastPropagation: null,
  threshold: 0.9, suggestions: null, suggesting: false,
}));
const set = useLabels.setState;
const get = useLabels.getState;

const fail = (e: unknown): void => showToast('error', errorMessage(e));

/** Class counts and the undo/redo state; the map bundle too when labels may have moved. */
export async function refreshLabels(withMap = true): Promise<void> {
  const dir = get().projectDir;
  try {
    const r = await api.call('label.classes', {});
    if (get().projectDir === dir) set({ classes: r.classes, history: r.history });
  } catch (e) {
    fail(e);
  }
  if (withMap) await fetchBundle();
}

/** Runs one labelling edit, then refreshes counts and the map; errors become toasts. */
async function edit<T>(work: () => Promise<T>, status?: (r: T) => string | null, withMap = true): Promise<T | null> {
  try {
    const r = await work();
    const s = status?.(r);
    if (s !== undefined) set({ status: s });
    await refreshLabels(withMap);
    return r;
  } catch (e) {
    fail(e);
    return null;
  }
}

export function openLabels(projectDir: string): void {
  listen();
  if (get().projectDir === projectDir) return;
  set({ projectDir, classes: [], history: null, status: null, propagation: null, lastPropagation: null, suggestions: null });
  void refreshLabels(false);
  // A propagation started before a reload keeps reporting; pick it up.
  void api.call('job.list', {}).then((r) => {
    const j = r.jobs.find((x) => x.kind === 'propagate');
    if (j && !get().propagation) set({ propagation: { jobId: j.jobId, method: 'spreading', progress: null } });
  }, () => undefined);
}

export const createClass = (name: string, color?: string) =>
  edit(() => api.call('label.createClass', { name, color }), (k) => `Created class "${k.name}"`);
export const renameClass = (classId: number, name: string) =>
  edit(() => api.call('label.renameClass', { classId, name }), (k) => `Renamed to "${k.name}"`);
export const setClassColor = (classId: number, color: string) => edit(() => api.call('label.setColor', { classId, color }), () => null);
export const mergeClasses = (sourceIds: number[], targetId: number) =>
  edit(() => api.call('label.mergeClasses', { sourceIds, targetId }), (k) => `Merged into "${k.name}" (${k.count} images)`);

/** The map's current selection as image ids. */
function selectedIds(): number[] {
  const { data, selection } = useMap.getState();
  if (!data || !selection) return [];
  return Array.from(maskToIndices(selection), (i) => data.sections.ids[i]);
}

/** Keys 1–9 on the map: label the selection with class `n` (1-based, in list order); null clears. */
export async function assignSelection(n: number | null): Promise<void> {
  const ids = selectedIds();
  if (ids.length === 0) return void showToast('info', 'Select some points first (lasso with L, box with B), then press 1–9.');
  if (!classForKey(n)) return;
  // Labels are invisible while the map is coloured by folder or cluster: show what changes.
  const mode = useMap.getState().colorMode;
  if (mode === 'folder' || mode === 'cluster' || mode === 'none') setColorMode('label');
  await assignIds(ids, n);
}

/** The class key `n` stands for ({ k: null } for "clear"); undefined, with a toast saying why, when there is none. */
function classForKey(n: number | null): { k: LabelClassRow | null } | undefined {
  if (n === null) return { k: null };
  const k = get().classes[n - 1];
  if (k) return { k };
  showToast('info', get().classes.length === 0 ? 'Create a label class first (Labels panel).' : `There is no class ${n}; there are ${get().classes.length}.`);
  return undefined;
}

/** Labels the images with class `n` (1-based, in list order); null clears. One undoable step. */
export async function assignIds(ids: number[], n: number | null, withMap = true): Promise<boolean> {
  const found = classForKey(n);
  if (!found) return false;
  const { k } = found;
  const r = await edit(
    () => api.call('label.assign', { ids, classId: k?.id ?? null }),
    (r) => {
      const same = ids.length - r.changed > 0 ? ` (${ids.length - r.changed} already were)` : '';
      return k ? `Labelled ${ids.length} image(s) "${k.name}"${same}` : `Cleared ${r.changed} label(s)`;
    },
    withMap,
  );
  return r !== null;
}

export async function undoLabel(redo = false, withMap = true): Promise<boolean> {
  const h = get().history;
  if (h && !(redo ? h.canRedo : h.canUndo)) {
    showToast('info', redo ? 'Nothing to redo.' : 'Nothing to undo.');
    return false;
  }
  const say = (r: Result<'label.undo'>) => (r.op ? `${redo ? 'Redid' : 'Undid'}: ${r.op.description}` : redo ? 'Nothing to redo.' : 'Nothing to undo.');
  const r = await edit(() => api.call(redo ? 'label.redo' : 'label.undo', {}), say, withMap);
  if (r) showToast('info', say(r), 3000);
  return r !== null;
}

export async function runPropagation(method: PropagateMethod): Promise<void> {
  set({ propagation: { jobId: null, method, progress: null } });
  try {
    const { jobId } = await api.call('propagate.run', { method });
    set((s) => ({ propagation: s.propagation && { ...s.propagation, jobId } }));
  } catch (e) {
    set({ propagation: null });
    fail(e);
  }
}

export async function cancelPropagation(): Promise<void> {
  const id = get().propagation?.jobId;
  if (id) await api.call('job.cancel', { jobId: id }).catch(fail);
}

export const acceptAbove = (threshold: number) =>
  edit(() => api.call('predictions.acceptAbove', { threshold }), (r) => `Accepted ${r.accepted} prediction(s) ≥ ${threshold.toFixed(2)}`);

export const setThreshold = (t: number): void => set({ threshold: t });

export async function loadSuggestions(count = 24): Promise<void> {
  set({ suggesting: true });
  try {
    const r = await api.call('suggest.next', { count });
    set({ suggestions: r.items });
  } catch (e) {
    fail(e);
  } finally {
    set({ suggesting: false });
  }
}

export async function exportLabels(format: 'csv' | 'json', file: string): Promise<Result<'label.export'> | null> {
  try {
    const r = await api.call('label.export', { format, file });
    set({ status: `Exported ${r.rows} row(s) to ${tildePath(r.file, useApp.getState().info?.home)}` });
    return r;
  } catch (e) {
    fail(e);
    return null;
  }
}

let listening = false;
function listen(): void {
  if (listening) return;
  listening = true;
  api.on('job.progress', (p) => {
    if (p.kind !== 'propagate') return;
    set((s) => ({ propagation: { jobId: p.jobId, method: s.propagation?.method ?? 'spreading', progress: p } }));
  });
  api.on('job.finished', (f) => {
    if (f.kind !== 'propagate') return;
    set({ propagation: null });
    if (f.status === 'error') return fail(f.error ?? 'Propagation failed.');
    if (f.status !== 'ok') return;
    const sum = f.summary as PropagationSummary | undefined;
    if (sum) set({ lastPropagation: sum });
    setColorMode('predicted');
    void refreshLabels();
  });
}
