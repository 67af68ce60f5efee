/**
 * The BYOL training loop: pixel cache → block-shuffled batches (prefetched) → byolStep at
 * the scheduled LR and τ → progress, collapse monitor, a checkpoint every epoch and on
 * pause / stop / time-out, and the embeddings of every image at the end.
 *
 * Exact resume: each epoch's order comes from its own seeded stream (seed, epoch), so it
 * does not depend on how far the prefetcher ran ahead; the augmentation and monitor
 * streams advance only inside steps and are saved with the weights, the optimizer state
 * and the position. A resumed run therefore replays the same steps bit for bit.
 */
import * as tf from '@tensorflow/tfjs';
import { BatchFeeder, batchesOf, blockShuffledOrder } from '../recipe/batch-feeder';
import { detectCollapse } from '../recipe/collapse';
import { epochStepCap } from '../recipe/config';
import { tauAt } from '../recipe/ema';
import { Rng } from '../recipe/rng';
import { fitStepsToBudget, lrAt } from '../recipe/schedule';
import { writeCheckpointAtomic } from './checkpoint';
import { TrainControl } from './control';
import { embedCache } from './embed';
import type { EmbeddingsAt, EmbeddingsPayload, StopReason, TrainEvent, TrainJob, TrainSummary } from './protocol';
import { ProgressTracker } from './progress-tracker';
import { byolStep } from './train-step';
import { sessionCheckpoint, setupSession, type TrainSession } from './train-setup';

/** Images per block of the shuffled order: big enough for sequential reads, small enough to mix. */
const BLOCK_SIZE = 64;
/** Steps after which a time-budgeted run first re-sizes its schedules from its own step time. */
const REFIT_AFTER_STEPS = 10;

export interface RunTrainingOptions {
  job: TrainJob;
  control?: TrainControl;
  onEvent?: (e: TrainEvent) => void;
  /**
   * Receives the final embeddings (job.embed), the interim ones of the live map (every
   * cfg.liveMapEvery epochs) and those asked for by `embedWhen`.
   */
  onEmbeddings?: (e: EmbeddingsPayload, at: EmbeddingsAt) => void;
  /**
   * Checked after every epoch: true computes embeddings during training (e.g. a kNN
   * monitor). That time counts neither as training time nor against a time budget.
   */
  embedWhen?: (at: { epoch: number; step: number; trainedSeconds: number }) => boolean;
  /** Steps between collapse checks (default 20). */
  monitorEvery?: number;
  /** End this session after this many steps, as a stop would (tests, benchmarks). */
  maxSteps?: number;
}

/**
 * Storage indices of every remaining batch, from `pos` to the end of the schedule.
 * `pos.totalSteps` is read as the plan goes, so a schedule re-sized mid-run gets its batches.
 */
export function* batchPlan(n: number, batch: number, seed: number, pos: { epoch: number; stepInEpoch: number; globalStep: number; totalSteps: number }): Generator<Int32Array> {
  const { epoch: firstEpoch, stepInEpoch: skip } = pos;
  let step = pos.globalStep;
  for (let epoch = firstEpoch; step < pos.totalSteps; epoch++) {
    const order = blockShuffledOrder(n, BLOCK_SIZE, new Rng(seed, `order/${epoch}`));
    let k = 0;
    for (const b of batchesOf(order, batch)) {
      if (epoch === firstEpoch && k++ < skip) continue;
      if (step++ >= pos.totalSteps) return;
      yield b;
    }
  }
}

/** One fwd+bwd without side effects, timed after a warm-up, to size a time-budgeted run. */
function probeStepMs(s: Omit<TrainSession, 'position' | 'probeMs'>): number {
  const b = s.cfg.effectiveBatchSize;
  const idx = Int32Array.from({ length: b }, (_, i) => i % s.cache.count);
  const pixels = { data: s.cache.readBatch(idx), batch: b, height: s.cache.size, width: s.cache.size };
  const rng = new Rng(s.cfg.seed, 'probe');
  const run = () => {
    const t0 = performance.now();
    byolStep(s.model, s.optimizer, { pixels, augment: s.cfg.augment, imageSize: s.cfg.imageSize, lr: 0, tau: 1, augRng: rng, dryRun: true });
    return performance.now() - t0;
  };
  run();
  // Optimizer and EMA add a few percent on top of fwd+bwd.
  return run() * 1.05;
}

const macrotask = () => new Promise<void>((r) => setImmediate(r));

export async function runTraining(o: RunTrainingOptions): Promise<TrainSummary> {
  const emit = o.onEvent ?? (() => undefined);
  const control = o.control ?? new TrainControl();
  const s = await setupSession(o.job, { emit, probe: probeStepMs });
  const { cfg, cache, position: pos } = s;
  for (const n of s.notes) emit({ type: 'log', message: n });
  if (pos.globalStep >= pos.totalSteps) emit({ type: 'log', message: `This run already finished its ${pos.totalSteps} steps; nothing left to train.` });
  const spe = cfg.stepsPerEpoch;
  let deadline = cfg.minutes !== null ? performance.now() + cfg.minutes * 60_000 : Infinity;
  const feeder = new BatchFeeder({ batches: batchPlan(cache.count, cfg.effectiveBatchSize, cfg.seed, pos), load: (i) => cache.readBatchAsync(i), prefetch: 2 });
  const tracker = new ProgressTracker(cfg.effectiveBatchSize, () => pos.totalSteps, pos.globalStep, () => deadline);
  const startStep = pos.globalStep;
  const monitorEvery = o.monitorEvery ?? 20;
  const progressEvery = o.job.progressEvery ?? 5;
  let lastCkptStep = -1;
  let reason: StopReason = 'completed';
  let warning: string | null = null;

  const checkpoint = () => {
    if (lastCkptStep === pos.globalStep) return;
    writeCheckpointAtomic(s.checkpointFile, sessionCheckpoint(s, s.trainedMsBefore + tracker.trainedMs));
    lastCkptStep = pos.globalStep;
    emit({ type: 'checkpoint', path: s.checkpointFile, epoch: pos.epoch, step: pos.globalStep });
  };
  // A time-budgeted run re-sizes its LR and τ schedules from the step time it measures, so
  // they end when the budget does: the probe's single step is only a first guess.
  let loggedTotal: number | null = null;
  const refit = () => {
    if (s.probeMs === null || !Number.isFinite(deadline)) return;
    const ms = tracker.msPerStep;
    const total = fitStepsToBudget({ done: pos.globalStep, msPerStep: ms, msLeft: deadline - performance.now(), maxSteps: epochStepCap(cfg.epochs, spe) });
    if (total === pos.totalSteps) return;
    pos.totalSteps = total;
    if (loggedTotal === null || Math.abs(total - loggedTotal) > 0.02 * loggedTotal) {
      loggedTotal = total;
      emit({ type: 'log', message: `Measured ${ms.toFixed(0)} ms/step: the schedules now end at step ${total} (${(total / spe).toFixed(1)} epochs), with the ${cfg.minutes}-minute budget.` });
    }
  };
  const embed = () => embedCache(s.model.encoder, cache, { imageSize: cfg.imageSize, normalize: cfg.augment });

  try {
    while (pos.globalStep < pos.totalSteps) {
      await macrotask(); // lets pause/stop messages in
      if (control.pauseRequested) {
        checkpoint();
        emit({ type: 'paused' });
        tracker.pause();
        const t1 = performance.now();
        await control.waitWhilePaused();
        deadline += performance.now() - t1; // paused time is not training time
        tracker.resume();
        if (!control.stopRequested) emit({ type: 'resumed' });
      }
      if (control.stopRequested || (o.maxSteps !== undefined && pos.globalStep - startStep >= o.maxSteps)) {
        reason = 'stopped';
        break;
      }
      if (performance.now() >= deadline) {
        reason = 'time-budget';
        break;
      }
      const batch = await feeder.next();
      if (!batch) break;
      const t0 = performance.now();
      const lr = lrAt(pos.globalStep, { baseLr: cfg.lr, totalSteps: pos.totalSteps, warmupSteps: cfg.warmupSteps });
      const tau = tauAt(pos.globalStep, pos.totalSteps, cfg.tauBase);
      const monitor = pos.globalStep % monitorEvery === 0;
      const r = byolStep(s.model, s.optimizer, {
        pixels: { data: batch.data, batch: batch.indices.length, height: cache.size, width: cache.size },
        augment: cfg.augment, imageSize: cfg.imageSize, lr, tau, augRng: s.augRng, monitorRng: monitor ? s.monitorRng : undefined,
      });
      if (!Number.isFinite(r.loss)) {
        throw new Error(`Training diverged at step ${pos.globalStep + 1} (loss ${r.loss}). The last checkpoint is kept; lower the learning rate and resume or restart.`);
      }
      pos.globalStep++;
      pos.stepInEpoch++;
      s.lastLoss = r.loss;
      tracker.step(performance.now() - t0, r.loss);
      if (r.collapse) {
        warning = detectCollapse(r.collapse);
        tracker.collapse = { stdRatio: r.collapse.stdRatio, meanDimStd: r.collapse.meanDimStd, meanPairCosine: r.collapse.meanPairCosine };
      }
      const epochDone = pos.stepInEpoch === spe;
      if (epochDone || pos.globalStep - startStep === REFIT_AFTER_STEPS) refit();
      if (pos.globalStep % progressEvery === 0 || epochDone || pos.globalStep === pos.totalSteps || r.collapse) {
        emit({ type: 'progress', progress: tracker.progress({ epoch: pos.epoch + 1, epochs: Math.ceil(pos.totalSteps / spe), lr, tau, warning, stallMs: feeder.stats.stallMs }) });
      }
      if (epochDone) {
        const mem = tf.memory();
        emit({ type: 'epoch', report: { ...tracker.endEpoch(pos.epoch + 1), numTensors: mem.numTensors, numBytes: mem.numBytes, rssBytes: process.memoryUsage().rss, stallMs: feeder.stats.stallMs } });
        pos.epoch++;
        pos.stepInEpoch = 0;
        checkpoint();
        const at = { epoch: pos.epoch, step: pos.globalStep, trainedSeconds: (s.trainedMsBefore + tracker.trainedMs) / 1000 };
        // Not after the last epoch: the final embeddings come right after it.
        const live = cfg.liveMapEvery > 0 && pos.epoch % cfg.liveMapEvery === 0 && pos.globalStep < pos.totalSteps;
        if (o.onEmbeddings && (live || o.embedWhen?.(at))) {
          // Inference mode reads BatchNorm's moving statistics without updating them, and no
          // random stream is drawn, so the run continues exactly as it would have without this.
          const t1 = performance.now();
          tracker.pause();
          o.onEmbeddings(embed(), { ...at, final: false });
          tracker.resume();
          deadline += performance.now() - t1;
        }
      }
    }
    checkpoint();
    if (o.job.embed && o.onEmbeddings) {
      emit({ type: 'log', message: `Computing embeddings of ${cache.count} images…` });
      const at = { epoch: pos.globalStep / spe, step: pos.globalStep, trainedSeconds: (s.trainedMsBefore + tracker.trainedMs) / 1000, final: true };
      tracker.pause(); // embedding time is not training time
      o.onEmbeddings(embed(), at);
    }
    return {
      backend: s.backend.backend, runId: s.runId, epochs: pos.globalStep / spe, steps: pos.globalStep, totalSteps: pos.totalSteps,
      imagesPerSecond: tracker.imagesPerSecond, finalLoss: s.lastLoss, stallMs: feeder.stats.stallMs,
      trainedSeconds: (s.trainedMsBefore + tracker.trainedMs) / 1000, stopReason: reason, checkpoint: s.checkpointFile, notes: s.notes,
    };
  } finally {
    feeder.close();
    s.model.dispose();
    s.optimizer.dispose();
    await cache.close();
  }
}
