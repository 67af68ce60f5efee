import { create } from 'zustand';
import type { LastRun, TrainProgress } from '../../preload/contract';
import { loadSettings, saveSettings, type TrainSettings } from './train-settings';

/**
 * One progress report, flattened for the charts and readouts: the contract's fields, with
 * the collapse monitor's two numbers lifted out (stdRatio ≈ 1 healthy, → 0 collapsed;
 * pairCosine ≈ 0 spread, → 1 collapsed).
 */
export type TrainPoint = Omit<TrainProgress, 'collapse' | 'warning' | 'elapsedSeconds' | 'stallMs'> & {
  stdRatio: number;
  pairCosine: number;
};

export interface BackendInfo {
  backend: string;
  /** Why each other backend was not used. */
  rejected: { backend: string; reason: string }[];
  /** Set when the chosen backend is much slower than it should be. */
  warning: string | null;
  /** XNNPACK threads for wasm, else 0. */
  threads: number;
}

export type TrainPhase = 'idle' | 'starting' | 'running' | 'pausing' | 'paused' | 'resuming' | 'stopping' | 'done' | 'stopped' | 'error';

export interface TrainState {
  phase: TrainPhase;
  jobId: string | null;
  settings: TrainSettings;
  backend: BackendInfo | null;
  /** Every report of this run, oldest first; charts thin it themselves. */
  points: TrainPoint[];
  /** The trainer's collapse (or divergence) warning, if any. */
  warning: string | null;
  error: string | null;
  /** Notes from the trainer about adjusted settings (batch reduced, warm-up shortened …). */
  notes: string[];
  startedAt: number | null;
  /** The project's latest checkpoint has steps left, so "Continue" can resume it. */
  canResume: boolean;
  /** The project's latest checkpoint, described (null where there is none). */
  lastRun: LastRun | null;
  /** The epoch whose embeddings the live map shows, once one arrived during this run. */
  liveMapEpoch: number | null;
}

// Reports arrive once per step; a cap keeps a days-long run's history bounded.
const MAX_POINTS = 20_000;

export const useTrain = create<TrainState>(() => ({
  phase: 'idle',
  jobId: null,
  settings: loadSettings(),
  backend: null,
  points: [],
  warning: null,
  error: null,
  notes: [],
  startedAt: null,
  canResume: false,
  lastRun: null,
  liveMapEpoch: null,
}));

export function setSettings(s: TrainSettings): void {
  saveSettings(s);
  useTrain.setState({ settings: s });
}

export function pushPoint(p: TrainPoint): void {
  useTrain.setState((s) => {
    const pts = s.points.length >= MAX_POINTS ? s.points.filter((_, i) => i % 2 === 0) : s.points.slice();
    // A resumed run may repeat a step; keep the history increasing so the chart's x axis stays monotonic.
    while (pts.length && pts[pts.length - 1].step >= p.step) pts.pop();
    pts.push(p);
    return { points: pts };
  });
}

export const isActive = (p: TrainPhase): boolean => p === 'starting' || p === 'running' || p === 'pausing' || p === 'paused' || p === 'resuming' || p === 'stopping';
export const latestPoint = (s: TrainState): TrainPoint | null => s.points[s.points.length - 1] ?? null;
