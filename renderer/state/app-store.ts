import { create } from 'zustand';
import type { ImageItem, JobProgress, ProjectInfo, RecentProject, Result } from '../../preload/contract';
import type { ConnectionState } from '../api/ws-client';

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  message: string;
}

export interface IngestState {
  /** Unknown until ingest.start answers; progress events may arrive first. */
  jobId: string | null;
  folder: string;
  progress: JobProgress | null;
  startedAt: number;
  cancelling: boolean;
}

/** The project view's sections; later features add a tab here and in ProjectTabs. */
export type ProjectTab = 'images' | 'train' | 'map';

export interface AppState {
  ready: boolean;
  info: Result<'app.info'> | null;
  connection: ConnectionState;
  project: ProjectInfo | null;
  recent: RecentProject[];
  ingest: IngestState | null;
  /** How many progress events the UI has shown; the e2e test reads it from the DOM. */
  progressShown: number;
  toasts: Toast[];
  pickerOpen: boolean;
  helpOpen: boolean;
  skippedOpen: boolean;
  tab: ProjectTab;
  /** The image shown large, if any. */
  preview: ImageItem | null;
  /** Its place in the Images grid (with the filters), so ← and → can browse; null from elsewhere. */
  previewIndex: number | null;
  /** Bumped whenever the project's images may have changed, so the grid refetches. */
  imagesVersion: number;
  /** Browser drops cannot give a folder's path; shown as a hint on the welcome screen. */
  dropHint: string | null;
  /** The name of the picture a search by image is embedding, while it runs. */
  imageSearch: string | null;
}

export const useApp = create<AppState>(() => ({
  ready: false,
  info: null,
  connection: 'connecting',
  project: null,
  recent: [],
  ingest: null,
  progressShown: 0,
  toasts: [],
  pickerOpen: false,
  helpOpen: false,
  skippedOpen: false,
  tab: 'images',
  preview: null,
  previewIndex: null,
  imagesVersion: 0,
  dropHint: null,
  imageSearch: null,
}));

export type Screen = 'welcome' | 'ingest' | 'project';

export function screenOf(s: Pick<AppState, 'ingest' | 'project'>): Screen {
  if (s.ingest) return 'ingest';
  return s.project ? 'project' : 'welcome';
}

let toastSeq = 1;

export function showToast(kind: Toast['kind'], message: string, ttlMs = kind === 'error' ? 9000 : 4000): void {
  const id = toastSeq++;
  useApp.setState((s) => ({ toasts: [...s.toasts.filter((t) => t.message !== message), { id, kind, message }].slice(-4) }));
  setTimeout(() => dismissToast(id), ttlMs);
}

export function dismissToast(id: number): void {
  useApp.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
}

/** Closes whichever overlay is on top; returns false when none was open. */
export function closeTopOverlay(): boolean {
  const s = useApp.getState();
  if (s.helpOpen) useApp.setState({ helpOpen: false });
  else if (s.preview) useApp.setState({ preview: null, previewIndex: null });
  else if (s.pickerOpen) useApp.setState({ pickerOpen: false, dropHint: null });
  else if (s.skippedOpen && s.tab === 'images') useApp.setState({ skippedOpen: false });
  else return false;
  return true;
}
