import type { EventPayload, LastRun, TrainBackendInfo, TrainProgress, TrainState } from '../../preload/contract';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { formatDuration } from '../format';
import { showToast } from './app-store';
import { toOverrides } from './train-settings';
import { isActive, pushPoint, useTrain, type BackendInfo, type TrainPhase, type TrainPoint } from './train-store';

const set = useTrain.setState;
const get = useTrain.getState;

export function toPoint(p: TrainProgress): TrainPoint {
  const { collapse, warning: _w, elapsedSeconds: _e, stallMs: _s, ...rest } = p;
  return { ...rest, stdRatio: collapse?.stdRatio ?? NaN, pairCosine: collapse?.meanPairCosine ?? NaN };
}

export function toBackend(b: TrainBackendInfo): BackendInfo {
  return { backend: b.backend, rejected: b.reasons.filter((r) => r.backend !== b.backend), warning: b.warning, threads: b.threads };
}

/** The trainer's state as the panel shows it; 'done' after a Stop reads as 'stopped'. */
function phaseOf(state: TrainState, stopRequested: boolean): TrainPhase {
  switch (state) {
    case 'running':
    case 'paused':
    case 'stopping':
    case 'idle':
      return state;
    case 'done':
      return stopRequested ? 'stopped' : 'done';
    case 'failed':
      return 'error';
  }
}

let stopRequested = false;

/** Events of another run (an older job still draining) must not mix into this one's charts. */
const mine = (jobId: string): boolean => {
  const cur = get().jobId;
  if (cur === null && isActive(get().phase)) set({ jobId });
  return cur === null || cur === jobId;
};

function onProgress(p: EventPayload<'train.progress'>): void {
  if (!mine(p.jobId)) return;
  const phase = get().phase;
  set({ phase: phase === 'starting' || phase === 'resuming' ? 'running' : phase, warning: p.warning });
  pushPoint(toPoint(p));
}

function onState(e: EventPayload<'train.state'>): void {
  if (!mine(e.jobId)) return;
  // A pending pause/resume settles on the matching state; finished states are left to job.finished.
  if (e.state === 'done' || e.state === 'failed') return;
  set({ phase: phaseOf(e.state, stopRequested) });
}

let started = false;
/** Between a run's first progress and its end; a live layout finishing later is no longer live. */
let liveRun = false;

/** Subscribes to the trainer's events once, and picks up a run that is already going (page reload). */
export async function initTraining(): Promise<void> {
  if (started) return;
  started = true;
  api.on('train.progress', onProgress);
  api.on('train.backend', (b) => mine(b.jobId) && set({ backend: toBackend(b) }));
  api.on('train.state', onState);
  api.on('train.log', (l) => mine(l.jobId) && set((s) => ({ notes: [...s.notes, l.message].slice(-20) })));
  // Live layouts carry the epoch they show; a run's final map carries none. This follows the
  // events, not the panel's phase, so a run started elsewhere (CLI, another window) shows it too.
  api.on('train.progress', () => (liveRun = true));
  api.on('map.updated', (u) => {
    if (!u.final) return;
    if (u.trainEpoch === undefined) set({ liveMapEpoch: null });
    else if (liveRun) set({ liveMapEpoch: u.trainEpoch });
  });
  try {
    const st = await api.call('train.status', {});
    set(lastRunState(st.last));
    if (st.state === 'running' || st.state === 'paused' || st.state === 'stopping') {
      set({
        phase: st.state,
        jobId: st.jobId,
        backend: st.backend && toBackend(st.backend),
        startedAt: st.progress ? Date.now() - st.progress.elapsedSeconds * 1000 : Date.now(),
        warning: st.progress?.warning ?? null,
      });
      if (st.progress) pushPoint(toPoint(st.progress));
    }
  } catch {
    // No project open yet: train.status fails; the panel still works once a run starts.
  }
}

const lastRunState = (last: LastRun | null) => ({ lastRun: last, canResume: last?.resumable ?? false });

/** Re-reads the project's latest checkpoint, so the panel describes it and offers Continue only where steps remain. */
export async function refreshLastRun(): Promise<void> {
  try {
    set(lastRunState((await api.call('train.status', {})).last));
  } catch {
    // No project open: nothing to describe.
  }
}

/** Marks a finished run: called on the train job's job.finished event. */
export function finishTraining(jobId: string, status: 'ok' | 'cancelled' | 'error', error?: string, summary?: unknown): void {
  liveRun = false;
  set({ liveMapEpoch: null });
  const s = get();
  if (!isActive(s.phase) || (s.jobId !== null && s.jobId !== jobId)) return;
  const reason = (summary as { stopReason?: string } | undefined)?.stopReason;
  const took = s.startedAt ? ` after ${formatDuration((Date.now() - s.startedAt) / 1000)}` : '';
  if (status === 'error') {
    set({ phase: 'error', error: error ?? 'Training failed.' });
    showToast('error', `Training failed: ${error ?? 'unknown error'}`);
  } else if (status === 'cancelled' || stopRequested || reason === 'stopped') {
    set({ phase: 'stopped' });
    showToast('info', `Training stopped${took}. The last checkpoint is kept.`);
  } else {
    set({ phase: 'done' });
    showToast('info', reason === 'time-budget' ? `Training reached its time limit${took}.` : `Training finished${took}.`);
  }
  stopRequested = false;
}

async function control(method: 'train.pause' | 'train.resume' | 'train.stop', during: TrainPhase): Promise<void> {
  const before = get().phase;
  set({ phase: during });
  try {
    const r = await api.call(method, {});
    // Events may already have moved us on (train.state, job.finished); only settle a pending transition.
    if (get().phase === during) set({ phase: phaseOf(r.state, stopRequested) });
  } catch (err) {
    if (get().phase === during) set({ phase: before });
    if (method === 'train.stop') stopRequested = false;
    showToast('error', errorMessage(err));
  }
}

/** Starts a run with the form's settings; `resume` continues the last run from its checkpoint. */
export async function startTraining(resume = false): Promise<void> {
  const s = get();
  if (isActive(s.phase)) return;
  stopRequested = false;
  set({ phase: 'starting', points: [], warning: null, error: null, backend: null, notes: [], startedAt: Date.now(), jobId: null, liveMapEpoch: null });
  try {
    const r = await api.call('train.start', { config: toOverrides(s.settings), resume });
    set((cur) => ({ jobId: r.jobId, phase: cur.phase === 'starting' ? 'running' : cur.phase }));
  } catch (err) {
    set({ phase: 'error', error: errorMessage(err) });
    showToast('error', errorMessage(err));
  }
}

export const pauseTraining = (): Promise<void> => (get().phase === 'running' ? control('train.pause', 'pausing') : Promise.resolve());
export const resumeTraining = (): Promise<void> => (get().phase === 'paused' ? control('train.resume', 'resuming') : Promise.resolve());

export function stopTraining(): Promise<void> {
  const p = get().phase;
  if (!isActive(p) || p === 'stopping') return Promise.resolve();
  stopRequested = true;
  return control('train.stop', 'stopping');
}

export function togglePause(): void {
  const p = get().phase;
  if (p === 'running') void pauseTraining();
  else if (p === 'paused') void resumeTraining();
}
