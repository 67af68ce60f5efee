import { create } from 'zustand';
import type { ImageItem, JobProgress, MapMeta, MapState } from '../../preload/contract';
import { decodeMapBundle, type MapHeader, type MapSections } from '../../preload/map-bundle';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import type { CameraState } from '../map/camera';
import type { ColorMode } from '../map/colors';
import { applySelection, maskToIndices, type SelectMode } from '../map/state-flags';

export interface MapData {
  header: MapHeader;
  sections: MapSections;
  /** Image id → point index. */
  indexOf: Map<number, number>;
}

export interface MapBuild {
  jobId: string | null;
  progress: JobProgress | null;
  /** The layout streamed so far ('pca' preview, then 'umap' steps). */
  layout: 'pca' | 'umap' | null;
}

export interface MapStoreState {
  projectDir: string | null;
  status: 'idle' | 'loading' | 'ready';
  meta: MapMeta | null;
  data: MapData | null;
  loadError: string | null;
  buildError: string | null;
  build: MapBuild | null;
  colorMode: ColorMode;
  /** hiddenKey()s of legend classes the user hid. */
  hidden: string[];
  selection: Uint8Array | null;
  /** The saved camera, applied once when the map opens. */
  restoredCamera: CameraState | null;
  /** Point index shown in the inspector. */
  inspected: number | null;
  /** Image id → row, filled lazily from images.page for the inspector's path and metadata. */
  images: Map<number, ImageItem> | null;
  /** Set when the view should fly to the selection as soon as it can (the grid's "Show on map"). */
  flyPending: boolean;
}

const initial = (projectDir: string | null): MapStoreState => ({
  projectDir, status: 'idle', meta: null, data: null, loadError: null, buildError: null, build: null,
  colorMode: 'folder', hidden: [], selection: null, restoredCamera: null, inspected: null, images: null, flyPending: false,
});

export const useMap = create<MapStoreState>(() => initial(null));
const set = useMap.setState;
const get = useMap.getState;

/** The camera as last reported by the view; kept out of React state (it changes while orbiting). */
let camera: CameraState | null = null;
let savedSelection: number[] = [];

function selectionIds(): number[] {
  const { data, selection } = get();
  if (!data || !selection) return savedSelection;
  return Array.from(maskToIndices(selection), (i) => data.sections.ids[i]);
}

let saveTimer: ReturnType<typeof setTimeout> | undefined;
/** Persists camera, colour mode, selection and hidden classes, debounced so orbiting sends one save. */
export function scheduleSave(delayMs = 600): void {
  clearTimeout(saveTimer);
  const dir = get().projectDir;
  saveTimer = setTimeout(() => {
    if (get().projectDir !== dir || !dir) return;
    const { colorMode, hidden } = get();
    const state: MapState = { camera, colorMode, selection: selectionIds().slice(0, 1_000_000), hidden: hidden.slice(0, 10_000) };
    api.call('map.state.save', { state }).catch(() => undefined); // losing a view save is harmless
  }, delayMs);
}

export function setCamera(c: CameraState): void {
  camera = c;
  scheduleSave();
}

export function setColorMode(mode: ColorMode): void {
  set({ colorMode: mode });
  scheduleSave();
}

export function toggleHidden(keys: string[], hide: boolean): void {
  set((s) => {
    const h = new Set(s.hidden);
    for (const k of keys) if (hide) h.add(k); else h.delete(k);
    return { hidden: [...h] };
  });
  scheduleSave();
}

export function select(indices: ArrayLike<number>, mode: SelectMode): void {
  const n = get().data?.header.n ?? 0;
  set((s) => ({ selection: applySelection(s.selection, indices, mode, n) }));
  scheduleSave();
}

/**
 * Selects these images on the map, loading it first if needed, and asks the view to fly to
 * them. Returns how many of them the map holds, or null when there is no map yet.
 */
export async function selectOnMap(projectDir: string, ids: Iterable<number>): Promise<{ onMap: number } | null> {
  await openMap(projectDir);
  // Another caller's openMap may still be loading it.
  if (get().status === 'loading') {
    await new Promise<void>((resolve) => {
      const stop = useMap.subscribe((s) => {
        if (s.status === 'loading') return;
        stop();
        resolve();
      });
    });
  }
  const data = get().data;
  if (!data || get().projectDir !== projectDir) return null;
  const indices: number[] = [];
  for (const id of ids) {
    const i = data.indexOf.get(id);
    if (i !== undefined) indices.push(i);
  }
  select(indices, 'replace');
  if (indices.length > 0) set({ flyPending: true, inspected: null });
  return { onMap: indices.length };
}

/** The view took the pending fly to the selection. */
export function flyTaken(): void {
  set({ flyPending: false });
}

export function inspect(index: number | null): void {
  set({ inspected: index });
  if (index !== null && !get().images) void loadImageLookup();
}

/** Paths and sizes for the inspector: images.page has no by-id lookup, so page through once. */
async function loadImageLookup(): Promise<void> {
  const dir = get().projectDir;
  const map = new Map<number, ImageItem>();
  set({ images: map });
  try {
    for (let offset = 0; ; offset += 5000) {
      const page = await api.call('images.page', { offset, limit: 5000 });
      for (const it of page.items) map.set(it.id, it);
      if (get().projectDir !== dir) return;
      set({ images: new Map(map) });
      if (offset + page.items.length >= page.total || page.items.length === 0) break;
    }
  } catch {
    set({ images: null }); // retried on the next inspect
  }
}

/**
 * Decodes a bundle. Streamed layouts and live updates keep the same ids in the same rows,
 * so the id → row index is reused then: rebuilding it costs tens of ms at 100k points.
 */
function toData(buf: ArrayBuffer, prev: MapData | null): MapData {
  const { header, sections } = decodeMapBundle(buf);
  if (prev && sameIds(prev.sections.ids, sections.ids)) return { header, sections, indexOf: prev.indexOf };
  const indexOf = new Map<number, number>();
  sections.ids.forEach((id, i) => indexOf.set(id, i));
  return { header, sections, indexOf };
}

function sameIds(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Carries the selection (by image id) over to a new bundle whose rows may differ. */
function remapSelection(next: MapData): Uint8Array | null {
  const ids = get().data ? selectionIds() : savedSelection;
  if (ids.length === 0) return null;
  const mask = new Uint8Array(next.header.n);
  for (const id of ids) {
    const i = next.indexOf.get(id);
    if (i !== undefined) mask[i] = 1;
  }
  return mask;
}

let fetching: Promise<void> | null = null;
let again = false;
let lastFetch = 0;
const THROTTLE_MS = 300;

/** Fetches and decodes the binary bundle; calls while one runs collapse into one more fetch. */
export function fetchBundle(): Promise<void> {
  if (fetching) {
    again = true;
    return fetching;
  }
  const dir = get().projectDir;
  fetching = (async () => {
    const wait = lastFetch + THROTTLE_MS - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    lastFetch = Date.now();
    try {
      const res = await fetch(api.dataUrl('map'));
      if (res.status === 404) return;
      if (!res.ok) throw new Error(`The map data could not be loaded (HTTP ${res.status}).`);
      const data = toData(await res.arrayBuffer(), get().data);
      // Decoding and drawing a large map are each tens of ms: separate tasks keep input responsive.
      await new Promise((r) => setTimeout(r, 0));
      if (get().projectDir !== dir) return;
      const same = get().data?.header.n === data.header.n;
      set((s) => ({
        data,
        selection: remapSelection(data),
        status: 'ready',
        loadError: null,
        inspected: same ? s.inspected : null,
      }));
    } catch (e) {
      set({ loadError: errorMessage(e) });
    }
  })().finally(() => {
    fetching = null;
    if (again) {
      again = false;
      void fetchBundle();
    }
  });
  return fetching;
}

async function refreshMeta(): Promise<void> {
  try {
    set({ meta: await api.call('map.meta', {}) });
  } catch (e) {
    set({ loadError: errorMessage(e) });
  }
}

/** Loads the project's map and its saved view; resets when the project changed. */
export async function openMap(projectDir: string): Promise<void> {
  listen();
  if (get().projectDir === projectDir && get().status !== 'idle') return;
  camera = null;
  savedSelection = [];
  set({ ...initial(projectDir), status: 'loading' });
  const [saved, jobs] = await Promise.all([
    api.call('map.state.get', {}).catch(() => ({ state: null })),
    api.call('job.list', {}).catch(() => ({ jobs: [] })),
    refreshMeta(),
  ]);
  if (get().projectDir !== projectDir) return;
  const st = saved.state;
  if (st) {
    camera = st.camera;
    savedSelection = st.selection;
    set({ colorMode: st.colorMode === 'none' ? 'folder' : st.colorMode, hidden: st.hidden, restoredCamera: st.camera });
  }
  const running = jobs.jobs.find((j) => j.kind === 'map');
  if (running) set({ build: { jobId: running.jobId, progress: null, layout: null } });
  if (get().meta?.available || running) await fetchBundle();
  set({ status: 'ready' });
}

export async function buildMap(): Promise<void> {
  set({ buildError: null, build: { jobId: null, progress: null, layout: null } });
  try {
    const { jobId } = await api.call('map.build', {});
    set((s) => ({ build: s.build ? { ...s.build, jobId } : s.build }));
  } catch (e) {
    set({ build: null, buildError: errorMessage(e) });
  }
}

export async function cancelBuild(): Promise<void> {
  const id = get().build?.jobId;
  if (id) await api.call('job.cancel', { jobId: id }).catch(() => undefined);
}

let listening = false;
function listen(): void {
  if (listening) return;
  listening = true;
  api.on('job.progress', (p) => {
    if (p.kind !== 'map') return;
    set((s) => ({ build: { jobId: p.jobId, layout: s.build?.layout ?? null, progress: p } }));
  });
  api.on('job.finished', (f) => {
    if (f.kind !== 'map') return;
    set({ build: null, buildError: f.status === 'error' ? (f.error ?? 'The map build failed.') : null });
    void refreshMeta();
    if (f.status === 'ok') void fetchBundle();
  });
  api.on('map.updated', (u) => {
    set((s) => ({ build: s.build ? { ...s.build, layout: u.layout } : s.build }));
    void fetchBundle();
    if (u.final) void refreshMeta();
  });
}
