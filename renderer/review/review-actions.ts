import type { JobFinished, JobKind, JobProgress } from '../../preload/contract';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { plural } from '../format';
import { refreshLabels } from '../state/labels-store';
import { setColorMode, useMap } from '../state/map-store';
import { ExportSummary, initialReview, TrainSummary, useReview, type ClusterMethod, type ReviewState, type RunningJob } from '../state/review-store';
import { refreshMap, selectOnMap } from './map-focus';

const set = useReview.setState;
const get = useReview.getState;

/** The store's slot for each kind of job the review panels start. */
const SLOTS: Partial<Record<JobKind, 'clusterJob' | 'trainJob' | 'exportJob'>> = { cluster: 'clusterJob', classifier: 'trainJob', export: 'exportJob' };
const ERRORS = { clusterJob: 'clusterError', trainJob: 'trainError', exportJob: 'exportError' } as const;

/** Resets the panels' state when another project opens; listens to job events once. */
export function openReview(projectDir: string): void {
  listen();
  if (get().projectDir === projectDir) return;
  set(initialReview(projectDir));
  void resumeJobs();
  void loadClassifier(projectDir);
}

/** The head trained in an earlier session, so the Classifier tab shows its accuracy after a reload. */
async function loadClassifier(projectDir: string): Promise<void> {
  const r = await api.call('classifier.status', {}).catch(() => null);
  if (r?.trained && get().projectDir === projectDir && !get().trained) set({ trained: r.trained });
}

/** A job started elsewhere (another window, the CLI of this server) still shows its progress. */
async function resumeJobs(): Promise<void> {
  const { jobs } = await api.call('job.list', {}).catch(() => ({ jobs: [] }));
  for (const j of jobs) {
    const slot = SLOTS[j.kind];
    if (slot && !get()[slot]) set({ [slot]: { jobId: j.jobId, progress: null } } as Partial<ReviewState>);
  }
}

let listening = false;
function listen(): void {
  if (listening) return;
  listening = true;
  api.on('job.progress', onProgress);
  api.on('job.finished', onFinished);
}

const mine = (job: RunningJob | null, jobId: string): boolean => !!job && (job.jobId === null || job.jobId === jobId);

function onProgress(p: JobProgress): void {
  const slot = SLOTS[p.kind];
  if (!slot) return;
  const job = get()[slot];
  if (mine(job, p.jobId)) set({ [slot]: { jobId: p.jobId, progress: p } } as Partial<ReviewState>);
}

function onFinished(f: JobFinished): void {
  const slot = SLOTS[f.kind];
  if (!slot || !mine(get()[slot], f.jobId)) return;
  const failed = f.status === 'error' ? (f.error ?? 'The job failed.') : f.status === 'cancelled' ? 'Cancelled.' : null;
  set({ [slot]: null, [ERRORS[slot]]: failed } as Partial<ReviewState>);
  if (failed) return;
  if (slot === 'clusterJob') {
    void loadClusters();
    void refreshMap();
  } else if (slot === 'trainJob') {
    const s = TrainSummary.safeParse(f.summary);
    set(s.success ? { trained: s.data } : { trainError: 'The classifier finished but sent no summary.' });
  } else {
    const s = ExportSummary.safeParse(f.summary);
    set(s.success ? { exported: s.data } : { exportError: 'The export finished but sent no file list.' });
  }
}

/** Starts a job into its slot; a refused start leaves the error where the panel shows it. */
async function startJob(slot: 'clusterJob' | 'trainJob' | 'exportJob', start: () => Promise<{ jobId: string }>): Promise<void> {
  if (get()[slot]) return;
  set({ [slot]: { jobId: null, progress: null }, [ERRORS[slot]]: null } as Partial<ReviewState>);
  try {
    const { jobId } = await start();
    // The job may already have finished (its event came first); then the slot is empty.
    set((s) => (s[slot] ? ({ [slot]: { ...s[slot], jobId } } as Partial<ReviewState>) : {}));
  } catch (err) {
    set({ [slot]: null, [ERRORS[slot]]: errorMessage(err) } as Partial<ReviewState>);
  }
}

export async function cancelJob(slot: 'clusterJob' | 'trainJob' | 'exportJob'): Promise<void> {
  const id = get()[slot]?.jobId;
  if (id) await api.call('job.cancel', { jobId: id }).catch(() => undefined);
}

// ── Clusters ─────────────────────────────────────────────────────────────

export async function loadClusters(): Promise<void> {
  try {
    const r = await api.call('cluster.list', {});
    set({ clusterRun: r.run, clusters: r.clusters, clusterError: null });
  } catch (err) {
    set({ clusterError: errorMessage(err) });
  }
}

export function setClusterOptions(o: { method?: ClusterMethod; k?: number | null }): void {
  set(o);
}

/** k-means with the typed k (or automatic), or HDBSCAN. */
export function runClustering(): Promise<void> {
  const { method, k } = get();
  set({ clusterNote: null });
  return startJob('clusterJob', () => api.call('cluster.run', method === 'kmeans' && k !== null ? { method, k } : { method }));
}

/** Labels every image of a cluster with the name, then reloads the list and the map. */
export async function nameCluster(cluster: number, name: string): Promise<boolean> {
  const runId = get().clusterRun?.id;
  try {
    const r = await api.call('cluster.name', { clusterId: cluster, name, runId });
    set({ clusterNote: `Labelled ${plural(r.labelled, 'image')} as “${name.trim()}”.`, clusterError: null });
    // The Labels panel's class list and the map bundle both change.
    await Promise.all([loadClusters(), refreshLabels()]);
    return true;
  } catch (err) {
    set({ clusterError: errorMessage(err) });
    return false;
  }
}

// ── Duplicates and outliers ──────────────────────────────────────────────

let dupSeq = 0;
/** Exact groups (by ingest hash) and near groups at the threshold; the latest request wins. */
export async function loadDuplicates(threshold = get().nearThreshold): Promise<void> {
  const seq = ++dupSeq;
  set({ nearThreshold: threshold, dupLoading: true });
  const [exact, near] = await Promise.allSettled([api.call('duplicates.exact', {}), api.call('duplicates.near', { threshold })]);
  if (seq !== dupSeq) return;
  const errors = [exact, near].filter((r) => r.status === 'rejected').map((r) => errorMessage(r.reason));
  set({
    dupLoading: false,
    exact: exact.status === 'fulfilled' ? exact.value.groups : get().exact,
    near: near.status === 'fulfilled' ? near.value.groups : null,
    dupError: errors.length ? [...new Set(errors)].join(' ') : null,
  });
  if (get().filter === 'duplicates') applyFilter('duplicates');
}

/** Marks images of a group; the groups are updated in place so the list does not jump. */
export async function markImages(ids: number[], mark: 'keep' | 'remove' | 'not_duplicate' | null): Promise<void> {
  try {
    await api.call('duplicates.mark', { ids, mark });
    const patch = (groups: ReviewState['exact']) =>
      groups?.map((g) => (g.ids.some((id) => ids.includes(id)) ? { ...g, marks: g.ids.map((id, i) => (ids.includes(id) ? mark : g.marks[i])) } : g)) ?? null;
    set((s) => ({ exact: patch(s.exact), near: patch(s.near), dupError: null }));
  } catch (err) {
    set({ dupError: errorMessage(err) });
  }
}

let outSeq = 0;
export async function loadOutliers(k = get().outlierK, limit = get().outlierLimit): Promise<void> {
  const seq = ++outSeq;
  set({ outlierK: k, outlierLimit: limit, outlierLoading: true });
  try {
    const r = await api.call('outliers', { k, limit });
    if (seq === outSeq) set({ outliers: r.items, outlierError: null, outlierLoading: false });
    if (get().filter === 'outliers') applyFilter('outliers');
  } catch (err) {
    if (seq === outSeq) set({ outlierError: errorMessage(err), outlierLoading: false });
  }
}

/** Shows only duplicates or outliers on the map: their colour mode, with those images selected. */
export function applyFilter(filter: ReviewState['filter']): void {
  const s = get();
  const before = s.filter === 'none' ? useMap.getState().colorMode : s.colorBeforeFilter;
  if (filter === 'none') {
    if (s.colorBeforeFilter) setColorMode(s.colorBeforeFilter);
    set({ filter, colorBeforeFilter: null });
    return;
  }
  const ids = filter === 'outliers' ? (s.outliers ?? []).map((o) => o.id) : [...(s.exact ?? []), ...(s.near ?? [])].flatMap((g) => g.ids);
  set({ filter, colorBeforeFilter: before });
  selectOnMap(new Set(ids), filter === 'outliers' ? 'outlier' : 'duplicate');
}

// ── Classifier ───────────────────────────────────────────────────────────

export function trainClassifier(): Promise<void> {
  const includeAccepted = get().includeAccepted;
  return startJob('trainJob', () => api.call('classifier.train', { includeAccepted }));
}

export function exportClassifier(): Promise<void> {
  const outDir = get().exportDir.trim();
  if (!outDir) {
    set({ exportError: 'Type the folder to export to.' });
    return Promise.resolve();
  }
  set({ exported: null });
  return startJob('exportJob', () => api.call('classifier.export', { outDir }));
}
