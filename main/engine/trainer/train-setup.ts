/**
 * Everything a training session needs before its first step: the backend, the pixel
 * cache, the resolved settings (from the request, or from the checkpoint on resume), the
 * networks, the optimizer and the random streams, restored exactly when resuming.
 */
import path from 'node:path';
import { parseTrainConfig, resolveTrainConfig, type ResolvedTrainConfig } from '../recipe/config';
import { buildPixelCache, openPixelCache, type PixelCache } from '../recipe/data-cache';
import { createOptimizer, type Optimizer } from '../recipe/optim';
import { Rng } from '../recipe/rng';
import { fitStepsToBudget } from '../recipe/schedule';
import { selectBackend, type BackendReport } from './backend';
import { ByolModel } from './byol-model';
import { checkpointPath, readCheckpoint, type CheckpointData, type SchedulePosition } from './checkpoint';
import type { TrainEvent, TrainJob } from './protocol';

/** The pixel cache lives in the project's cache folder; one file, rebuilt when inputs change. */
export const pixelCacheFile = (projectDir: string) => path.join(projectDir, 'cache', 'train-pixels.u8');

export interface TrainSession {
  backend: BackendReport;
  cfg: ResolvedTrainConfig;
  cache: PixelCache;
  model: ByolModel;
  optimizer: Optimizer;
  /** Augmentation draws; advanced only inside steps, so its state is exact at any step boundary. */
  augRng: Rng;
  /** Collapse-monitor pair draws. */
  monitorRng: Rng;
  position: SchedulePosition;
  runId: string | null;
  /** Training time of earlier sessions of this run. */
  trainedMsBefore: number;
  lastLoss: number | null;
  checkpointFile: string;
  notes: string[];
  /** The step-time probe, when a time budget sized the schedule. */
  probeMs: number | null;
}

/** Builds (or reuses) the pixel cache for a config's image size. */
export async function preparePixelCache(projectDir: string, job: Pick<TrainJob, 'images'>, imageSize: number, cacheScale: number, seed: number,
  emit: (e: TrainEvent) => void): Promise<PixelCache> {
  const size = Math.round(cacheScale * imageSize);
  const file = pixelCacheFile(projectDir);
  let lastLog = 0;
  const built = await buildPixelCache({
    images: job.images, size, file, shuffleSeed: seed,
    onProgress: (p) => {
      if (Date.now() - lastLog > 2000 || p.done === p.total) {
        lastLog = Date.now();
        emit({ type: 'log', message: p.message });
      }
    },
  });
  if (!built.reused) emit({ type: 'log', message: `Pixel cache: ${built.header.count} images at ${size} px decoded in ${(built.ms / 1000).toFixed(1)} s.` });
  if (built.header.failed.length > 0) emit({ type: 'log', message: `${built.header.failed.length} images could not be decoded and are left out of training.` });
  if (built.header.count === 0) throw new Error('None of the project\'s images could be decoded for training. Re-run ingest and check the image files.');
  return openPixelCache(file);
}

function restore(s: { model: ByolModel; optimizer: Optimizer; augRng: Rng; monitorRng: Rng }, c: CheckpointData): void {
  s.model.setWeights(c.weights);
  s.optimizer.setState(c.optimizer);
  s.augRng.setState(c.rng.augment);
  s.monitorRng.setState(c.rng.monitor);
}

export interface SetupOptions {
  emit: (e: TrainEvent) => void;
  /** Measures one step (ms) of a fresh model, for sizing a time-budgeted schedule. */
  probe?: (s: Omit<TrainSession, 'position' | 'probeMs'>) => number;
}

export async function setupSession(job: TrainJob, o: SetupOptions): Promise<TrainSession> {
  const file = checkpointPath(job.projectDir);
  const ckpt = job.resume ? readCheckpoint(file) : null;
  if (job.resume && !ckpt) throw new Error(`There is no checkpoint to resume at ${file}. Start a new run without --resume.`);
  const notes: string[] = [];
  // On resume the run's own settings win; only the time budget, the backend and (when
  // given) the live-map interval, which does not change what is learned, may change.
  const request = parseTrainConfig(job.config);
  const live = job.config.liveMapEvery !== undefined ? { liveMapEvery: request.liveMapEvery } : {};
  const base = ckpt ? parseTrainConfig({ ...(ckpt.config.input as object), minutes: request.minutes, ...live }) : request;
  const backend = await selectBackend(job.backend ?? base.backend);
  o.emit({ type: 'backend', backend: { backend: backend.backend, reasons: backend.reasons, warning: backend.warning, threads: backend.threads } });
  const cache = await preparePixelCache(job.projectDir, job, base.imageSize, base.cacheScale, base.seed, o.emit);
  try {
    // Two views of one image make a batch of one: BatchNorm and the collapse monitor need two.
    if (cache.count < 2) throw new Error(`BYOL needs at least 2 images to train; this project has ${cache.count}. Add images to its folder and ingest it again.`);
    let cfg = resolveTrainConfig(base, { datasetSize: cache.count, totalStepsOverride: ckpt?.position.totalSteps });
    const model = new ByolModel({ preset: cfg.preset, imageSize: cfg.imageSize, seed: cfg.seed, projector: cfg.projector, predictor: cfg.predictor });
    const optimizer = cfg.optimizer === 'adam'
      ? createOptimizer({ kind: 'adam', exclude: model.onlineExclude, weightDecay: cfg.weightDecay })
      : createOptimizer({ kind: cfg.optimizer, exclude: model.onlineExclude, weightDecay: cfg.weightDecay, momentum: cfg.momentum, ...(cfg.optimizer === 'lars' ? { eta: cfg.larsEta } : {}) });
    const augRng = new Rng(cfg.seed, 'augment');
    const monitorRng = new Rng(cfg.seed, 'collapse-monitor');
    let position: SchedulePosition = { epoch: 0, stepInEpoch: 0, globalStep: 0, totalSteps: cfg.totalSteps };
    let probeMs: number | null = null;
    if (ckpt) {
      restore({ model, optimizer, augRng, monitorRng }, ckpt);
      position = ckpt.position;
      if (ckpt.config.datasetSize !== cache.count) notes.push(`The project now has ${cache.count} trainable images (the run started with ${String(ckpt.config.datasetSize)}).`);
    } else if (cfg.minutes !== null && o.probe) {
      // Size the LR/τ schedules so they end when the time budget does.
      probeMs = o.probe({ backend, cfg, cache, model, optimizer, augRng, monitorRng, runId: job.runId, trainedMsBefore: 0, lastLoss: null, checkpointFile: file, notes });
      const fit = fitStepsToBudget({ done: 0, msPerStep: probeMs, msLeft: cfg.minutes * 60_000, maxSteps: cfg.totalSteps });
      if (fit < cfg.totalSteps) {
        cfg = resolveTrainConfig(base, { datasetSize: cache.count, totalStepsOverride: fit });
        notes.push(`A ${cfg.minutes}-minute budget fits about ${fit} steps (${(fit / cfg.stepsPerEpoch).toFixed(1)} epochs at ${probeMs.toFixed(0)} ms/step); the schedules are sized to it and re-sized from the measured step time as the run goes.`);
      }
      position = { ...position, totalSteps: cfg.totalSteps };
    }
    notes.push(...cfg.notes);
    return {
      backend, cfg, cache, model, optimizer, augRng, monitorRng, position, runId: ckpt?.meta.runId ?? job.runId,
      trainedMsBefore: ckpt?.meta.trainedMs ?? 0, lastLoss: ckpt?.meta.lastLoss ?? null, checkpointFile: file, notes, probeMs,
    };
  } catch (e) {
    await cache.close();
    throw e;
  }
}

/**
 * The checkpoint's view of a session. The resolved settings double as the input of a
 * resume: derived values (LR, τ_base, head sizes) are stored concretely, and the schema
 * drops the purely derived fields when it re-parses them.
 */
export function sessionCheckpoint(s: TrainSession, trainedMs: number): CheckpointData {
  return {
    config: { input: s.cfg, datasetSize: s.cache.count },
    position: s.position,
    rng: { augment: s.augRng.getState(), monitor: s.monitorRng.getState() },
    weights: s.model.getWeights(),
    optimizer: s.optimizer.getState(),
    meta: { runId: s.runId, trainedMs, lastLoss: s.lastLoss, images: s.cache.count },
  };
}
