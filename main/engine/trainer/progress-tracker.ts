/**
 * Throughput, loss average and ETA of a training session. Rates count only time spent in
 * steps and waiting for data, never time spent paused.
 */
import type { CollapseSummary, EpochReport, TrainProgress } from './protocol';

export class ProgressTracker {
  private readonly t0 = performance.now();
  private pausedMs = 0;
  private pausedAt: number | null = null;
  private stepMsEma = 0;
  private lossEma: number | null = null;
  private lastLoss = NaN;
  private steps = 0;
  private epochStart = performance.now();
  private epochPaused = 0;
  private epochLossSum = 0;
  private epochSteps = 0;
  collapse: CollapseSummary | null = null;

  constructor(
    private readonly batch: number,
    /** Steps of the whole run, read live: a time-budgeted run re-sizes it as it goes. */
    private readonly totalSteps: () => number,
    private doneSteps: number,
    private readonly deadline: () => number,
  ) {}

  /** Wall time of this session's training, pauses excluded. */
  get trainedMs(): number {
    const pausing = this.pausedAt !== null ? performance.now() - this.pausedAt : 0;
    return performance.now() - this.t0 - this.pausedMs - pausing;
  }

  get imagesPerSecond(): number {
    const ms = this.trainedMs;
    return ms > 0 ? (this.steps * this.batch * 1000) / ms : 0;
  }

  /** Wall time per step of this session, data waits included, pauses excluded. */
  get msPerStep(): number {
    return this.steps > 0 ? this.trainedMs / this.steps : this.stepMsEma;
  }

  pause(): void {
    this.pausedAt ??= performance.now();
  }

  resume(): void {
    if (this.pausedAt === null) return;
    const d = performance.now() - this.pausedAt;
    this.pausedMs += d;
    this.epochPaused += d;
    this.pausedAt = null;
  }

  step(stepMs: number, loss: number): void {
    this.steps++;
    this.doneSteps++;
    this.stepMsEma = this.stepMsEma === 0 ? stepMs : 0.8 * this.stepMsEma + 0.2 * stepMs;
    this.lossEma = this.lossEma === null ? loss : 0.9 * this.lossEma + 0.1 * loss;
    this.lastLoss = loss;
    this.epochLossSum += loss;
    this.epochSteps++;
  }

  progress(p: { epoch: number; epochs: number; lr: number; tau: number; warning: string | null; stallMs: number }): TrainProgress {
    const left = this.totalSteps() - this.doneSteps;
    const perStep = this.msPerStep;
    let eta = perStep > 0 ? (left * perStep) / 1000 : null;
    if (eta !== null && Number.isFinite(this.deadline())) eta = Math.min(eta, Math.max(0, (this.deadline() - performance.now()) / 1000));
    return {
      epoch: p.epoch, epochs: p.epochs, step: this.doneSteps, totalSteps: this.totalSteps(),
      loss: this.lastLoss, lossAvg: this.lossEma ?? NaN, imagesPerSecond: this.imagesPerSecond, lr: p.lr, tau: p.tau,
      etaSeconds: eta, elapsedSeconds: this.trainedMs / 1000, collapse: this.collapse, warning: p.warning, stallMs: p.stallMs,
    };
  }

  /** Closes an epoch's statistics (memory fields are filled by the caller). */
  endEpoch(epoch: number): Omit<EpochReport, 'numTensors' | 'numBytes' | 'rssBytes' | 'stallMs'> {
    const seconds = (performance.now() - this.epochStart - this.epochPaused) / 1000;
    const r = {
      epoch, meanLoss: this.epochSteps ? this.epochLossSum / this.epochSteps : NaN, seconds,
      imagesPerSecond: seconds > 0 ? (this.epochSteps * this.batch) / seconds : 0,
    };
    this.epochStart = performance.now();
    this.epochPaused = 0;
    this.epochLossSum = 0;
    this.epochSteps = 0;
    return r;
  }
}
