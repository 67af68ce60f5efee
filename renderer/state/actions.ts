import { IngestSummary, type JobFinished, type JobProgress } from '../../preload/contract';
import { api, client } from '../api/client';
import { errorMessage } from '../api/errors';
import { formatDuration, plural } from '../format';
import { showToast, useApp } from './app-store';
import { finishTraining, initTraining } from './train-actions';

const set = useApp.setState;
const get = useApp.getState;

/** Runs a call and turns a failure into an error toast; returns undefined on failure. */
export async function attempt<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    showToast('error', errorMessage(err));
    return undefined;
  }
}

export async function refreshRecent(): Promise<void> {
  const r = await attempt(() => api.call('project.recent', {}));
  if (r) set({ recent: r.items });
}

async function refreshProject(): Promise<void> {
  const r = await attempt(() => api.call('project.current', {}));
  if (r) set((s) => ({ project: r.project, imagesVersion: s.imagesVersion + 1 }));
}

function onProgress(p: JobProgress): void {
  const ing = get().ingest;
  if (p.kind !== 'ingest' || !ing || (ing.jobId !== null && ing.jobId !== p.jobId)) return;
  set((s) => ({ ingest: { ...ing, jobId: p.jobId, progress: p }, progressShown: s.progressShown + 1 }));
}

function onFinished(f: JobFinished): void {
  if (f.kind === 'train') return finishTraining(f.jobId, f.status, f.error, f.summary);
  const ing = get().ingest;
  if (f.kind !== 'ingest' || !ing || (ing.jobId !== null && ing.jobId !== f.jobId)) return;
  set({ ingest: null });
  if (f.status === 'error') showToast('error', `Ingest failed: ${f.error ?? 'unknown error'}`);
  else if (f.status === 'cancelled') showToast('info', 'Ingest cancelled. The images read so far are kept.');
  else {
    const s = IngestSummary.safeParse(f.summary);
    if (s.success) {
      const skipped = s.data.skipped.length ? `, ${plural(s.data.skipped.length, 'file')} skipped` : '';
      showToast('info', `Read ${plural(s.data.images, 'image')} in ${formatDuration(s.data.seconds)} (${s.data.added} new, ${s.data.changed} changed${skipped}).`);
    }
  }
  void refreshProject();
  void refreshRecent();
}

/** Loads the app's state once the page starts, and resumes an ingest that is still running. */
let started = false;

export async function initApp(): Promise<void> {
  // StrictMode runs effects twice in development; listeners must be registered once.
  if (started) return;
  started = true;
  client.onConnection((connection) => {
    const was = get().connection;
    set({ connection });
    // After a reconnect the server may have moved on: reload what it knows.
    if (connection === 'open' && was === 'lost') void Promise.all([refreshProject(), refreshRecent()]);
  });
  api.on('job.progress', onProgress);
  api.on('job.finished', onFinished);
  api.on('project.changed', (project) => {
    if (get().project?.dir === project.dir) set((s) => ({ project, imagesVersion: s.imagesVersion + 1 }));
  });
  const [info, current, jobs] = await Promise.all([
    attempt(() => api.call('app.info', {})),
    attempt(() => api.call('project.current', {})),
    attempt(() => api.call('job.list', {})),
    refreshRecent(),
  ]);
  void initTraining();
  const running = jobs?.jobs.find((j) => j.kind === 'ingest');
  set({
    ready: true,
    info: info ?? null,
    project: current?.project ?? null,
    ingest: running ? { jobId: running.jobId, folder: current?.project?.sourceFolder ?? '', progress: null, startedAt: running.startedAt, cancelling: false } : null,
  });
}

export async function startIngest(folder: string): Promise<void> {
  set({ pickerOpen: false, dropHint: null, ingest: { jobId: null, folder, progress: null, startedAt: Date.now(), cancelling: false } });
  try {
    const r = await api.call('ingest.start', { folder });
    set((s) => ({ project: r.project, ingest: s.ingest && { ...s.ingest, jobId: s.ingest.jobId ?? r.jobId } }));
  } catch (err) {
    set({ ingest: null });
    showToast('error', errorMessage(err));
  }
}

export async function cancelIngest(): Promise<void> {
  const ing = get().ingest;
  if (!ing?.jobId) return;
  set({ ingest: { ...ing, cancelling: true } });
  const r = await attempt(() => api.call('job.cancel', { jobId: ing.jobId! }));
  if (r && !r.cancelled) showToast('info', 'That ingest had already finished.');
}

/** "Open folder…": the native dialog in Electron; serve mode has none, so the picker opens. */
export async function openFolder(): Promise<void> {
  if (get().ingest) return showToast('info', 'An ingest is running. Cancel it first to open another folder.');
  const r = await attempt(() => api.call('dialog.openFolder', {}));
  if (!r) return;
  if (r.folder) await startIngest(r.folder);
  // In Electron null means the user cancelled the native dialog; only serve mode needs the picker.
  else if (client.mode === 'browser') set({ pickerOpen: true });
}

export async function openRecent(dir: string): Promise<void> {
  const project = await attempt(() => api.call('project.open', { dir }));
  if (project) set((s) => ({ project, imagesVersion: s.imagesVersion + 1, skippedOpen: false }));
  void refreshRecent();
}

/** A folder dropped on the window: Electron tells us its path, a browser cannot. */
export function dropFiles(files: File[]): void {
  if (files.length === 0) return;
  const pathOf = client.pathForFile;
  if (pathOf) {
    const p = pathOf(files[0]);
    if (p) void startIngest(p);
    else showToast('error', 'Could not read the dropped item’s location. Use “Open folder…” instead.');
    return;
  }
  set({
    pickerOpen: true,
    dropHint: `Browsers never reveal where a dropped folder lives${files[0]?.name ? ` (“${files[0].name}”)` : ''}. Pick it here instead; this browses the machine running the server.`,
  });
}

export function closeProject(): void {
  set({ project: null, skippedOpen: false });
  void refreshRecent();
}
