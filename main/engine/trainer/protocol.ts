/**
 * Types shared by the training loop, the worker and its host. Events are plain
 * structured-clone data; embeddings travel as transferred typed arrays.
 */
import type { TrainConfigInput } from '../recipe/config';
import type { CacheImage } from '../recipe/data-cache';
import type { BackendChoice, BackendName } from './backend';

export interface CollapseSummary {
  /** meanDimStd·√d: ≈ 1 healthy, → 0 collapsed. */
  stdRatio: number;
  meanDimStd: number;
  meanPairCosine: number;
}

export interface TrainProgress {
  /** 1-based epoch being trained, of `epochs` planned. */
  epoch: number;
  epochs: number;
  /** Optimizer steps done, of `totalSteps` planned. */
  step: number;
  totalSteps: number;
  /** Loss of the latest step (range [0, 8]) and its moving average. */
  loss: number;
  lossAvg: number;
  imagesPerSecond: number;
  lr: number;
  tau: number;
  etaSeconds: number | null;
  elapsedSeconds: number;
  collapse: CollapseSummary | null;
  warning: string | null;
  /** Total time the step waited for input data so far. */
  stallMs: number;
}

export interface EpochReport {
  epoch: number;
  meanLoss: number;
  seconds: number;
  imagesPerSecond: number;
  numTensors: number;
  numBytes: number;
  rssBytes: number;
  stallMs: number;
}

export interface BackendEvent {
  backend: BackendName;
  reasons: { backend: BackendName; reason: string }[];
  warning: string | null;
  threads: number;
}

export type StopReason = 'completed' | 'stopped' | 'time-budget';

export interface TrainSummary {
  backend: BackendName;
  runId: string | null;
  /** Epochs finished in total (a partial last epoch counts as a fraction). */
  epochs: number;
  steps: number;
  totalSteps: number;
  /** Throughput of this session's steps. */
  imagesPerSecond: number;
  finalLoss: number | null;
  stallMs: number;
  trainedSeconds: number;
  stopReason: StopReason;
  checkpoint: string;
  notes: string[];
}

export interface EmbeddingsPayload {
  ids: Int32Array;
  dim: number;
  data: Float32Array;
}

/** When a set of embeddings was taken: after `epoch` full epochs (fractional at a stop). */
export interface EmbeddingsAt {
  epoch: number;
  step: number;
  trainedSeconds: number;
  /** false for interim (live map) embeddings, true for those taken when training ended. */
  final: boolean;
}

export type TrainEvent =
  | { type: 'backend'; backend: BackendEvent }
  | { type: 'log'; message: string }
  | { type: 'progress'; progress: TrainProgress }
  | { type: 'epoch'; report: EpochReport }
  | { type: 'checkpoint'; path: string; epoch: number; step: number }
  | { type: 'paused' }
  | { type: 'resumed' };

/** What a training job needs; the host reads the image list from the store. */
export interface TrainJob {
  projectDir: string;
  images: CacheImage[];
  config: TrainConfigInput;
  resume: boolean;
  runId: string | null;
  /** Backend override (e.g. from --backend) applied on resume too. */
  backend?: BackendChoice;
  /** Compute embeddings of every image when training ends. */
  embed: boolean;
  /** Steps between progress events. */
  progressEvery?: number;
}

export type HostMessage =
  | { type: 'start'; job: TrainJob }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' };

export type WorkerMessage =
  | { type: 'event'; event: TrainEvent }
  | { type: 'embeddings'; embeddings: EmbeddingsPayload; at: EmbeddingsAt }
  | { type: 'done'; summary: TrainSummary }
  | { type: 'error'; message: string };
