import type { JobFinished, TrainBackendInfo, TrainConfigOverrides, TrainProgress } from '../../../preload/contract';
import { AppService } from '../../api/service';
import { defaultDataRoot } from '../../api/data-root';
import { COLOR_JITTER_MODES, type ColorJitterMode } from '../../engine/recipe/augment-config';
import type { TrainSummary } from '../../engine/trainer/protocol';
import { CliError, printResult } from '../output';
import { requireProject } from '../project-arg';
import type { CommandSpec } from '../command';

const BACKENDS = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;

function num(v: unknown, name: string, opts: { int?: boolean; min?: number } = {}): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || (opts.int && !Number.isInteger(n)) || (opts.min !== undefined && n < opts.min)) {
    throw new CliError(`--${name} needs ${opts.int ? 'an integer' : 'a number'}${opts.min !== undefined ? ` ≥ ${opts.min}` : ''}, got "${String(v)}".`, 2);
  }
  return n;
}

/** CLI options → the contract's config overrides (only what was given). */
export function trainOverrides(v: Record<string, string | boolean | undefined>): TrainConfigOverrides {
  const o: TrainConfigOverrides = {};
  const set = <K extends keyof TrainConfigOverrides>(k: K, x: TrainConfigOverrides[K] | undefined) => {
    if (x !== undefined) o[k] = x;
  };
  set('epochs', num(v.epochs, 'epochs', { int: true, min: 1 }));
  set('minutes', num(v.minutes, 'minutes', { min: 0.01 }));
  set('imageSize', num(v['image-size'], 'image-size', { int: true, min: 16 }));
  set('batchSize', num(v.batch, 'batch', { int: true, min: 2 }));
  set('seed', num(v.seed, 'seed', { int: true }));
  set('lr', num(v.lr, 'lr', { min: 0 }));
  if (v.preset !== undefined) {
    if (v.preset !== 'small' && v.preset !== 'resnet18') throw new CliError(`--preset must be small or resnet18, got "${String(v.preset)}".`, 2);
    o.preset = v.preset;
  }
  if (v.optimizer !== undefined) {
    if (v.optimizer !== 'lars' && v.optimizer !== 'sgd' && v.optimizer !== 'adam') throw new CliError(`--optimizer must be lars, sgd or adam, got "${String(v.optimizer)}".`, 2);
    o.optimizer = v.optimizer;
  }
  if (v['color-jitter'] !== undefined) {
    const mode = v['color-jitter'];
    if (!COLOR_JITTER_MODES.includes(mode as ColorJitterMode)) throw new CliError(`--color-jitter must be ${COLOR_JITTER_MODES.join(' or ')}, got "${String(mode)}".`, 2);
    o.colorJitter = mode as ColorJitterMode;
  }
  if (v.backend !== undefined) {
    if (!BACKENDS.includes(v.backend as (typeof BACKENDS)[number])) throw new CliError(`--backend must be one of ${BACKENDS.join(', ')}, got "${String(v.backend)}".`, 2);
    o.backend = v.backend as TrainConfigOverrides['backend'];
  }
  return o;
}

function fmtTime(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '--';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}

export function progressLine(p: TrainProgress): string {
  const c = p.collapse ? ` | spread ${p.collapse.stdRatio.toFixed(2)} pair-cos ${p.collapse.meanPairCosine.toFixed(2)}` : '';
  return `epoch ${p.epoch}/${p.epochs} step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(4)} (avg ${p.lossAvg.toFixed(4)}) ` +
    `${p.imagesPerSecond.toFixed(1)} img/s lr ${p.lr.toPrecision(3)} τ ${p.tau.toFixed(4)} ETA ${fmtTime(p.etaSeconds)}${c}`;
}

function backendLines(b: TrainBackendInfo): string {
  return [`Backend: ${b.backend}${b.threads ? ` (${b.threads} threads)` : ''}`, ...b.reasons.map((r) => `  not ${r.backend}: ${r.reason}`),
    ...(b.warning ? [`Warning: ${b.warning}`] : [])].join('\n');
}

export const trainCommand: CommandSpec = {
  name: 'train',
  usage: 'train --project <dir> [--epochs N] [--minutes M] [--preset small|resnet18] [--image-size PX] [--batch B] [--color-jitter paper|light] [--backend auto|tensorflow-gpu|tensorflow|wasm|cpu] [--seed S] [--resume] [--json]',
  summary: 'Train BYOL on the project\'s images (in a worker); checkpoints every epoch, embeddings at the end.',
  options: {
    project: { type: 'string' }, epochs: { type: 'string' }, minutes: { type: 'string' }, preset: { type: 'string' },
    'image-size': { type: 'string' }, batch: { type: 'string' }, 'color-jitter': { type: 'string' }, backend: { type: 'string' }, seed: { type: 'string' },
    optimizer: { type: 'string' }, lr: { type: 'string' }, resume: { type: 'boolean' },
  },
  async run({ values, json }) {
    const dir = await requireProject(values.project);
    const config = trainOverrides(values);
    let resolveDone: (f: JobFinished) => void = () => undefined;
    const done = new Promise<JobFinished>((r) => (resolveDone = r));
    let lastWarning: string | null = null;
    const service = new AppService({
      mode: 'serve',
      dataRoot: defaultDataRoot(),
      emit: (event, payload) => {
        if (event === 'train.backend') process.stderr.write(backendLines(payload as TrainBackendInfo) + '\n');
        else if (event === 'train.log') process.stderr.write(`${(payload as { message: string }).message}\n`);
        else if (event === 'train.progress') {
          const p = payload as TrainProgress;
          process.stderr.write(progressLine(p) + '\n');
          if (p.warning && p.warning !== lastWarning) process.stderr.write(`WARNING: ${p.warning}\n`);
          lastWarning = p.warning;
        } else if (event === 'job.finished' && (payload as JobFinished).kind === 'train') resolveDone(payload as JobFinished);
      },
    });
    // Ctrl+C stops after the current step, writes a checkpoint and the embeddings.
    const onSigint = () => {
      process.stderr.write('\nStopping after this step… (a checkpoint is written; --resume continues)\n');
      void service.handlers['train.stop']({});
    };
    process.once('SIGINT', onSigint);
    try {
      await service.openProject(dir);
      const { runId } = await service.handlers['train.start']({ config, resume: values.resume === true });
      process.stderr.write(`Run ${runId}${values.resume ? ' (resumed)' : ''}\n`);
      const f = await done;
      if (f.status === 'error') throw new CliError(f.error ?? 'Training failed.');
      const s = f.summary as TrainSummary;
      const result = {
        backend: s.backend, epochs: Number(s.epochs.toFixed(3)), images_per_second: s.imagesPerSecond, final_loss: s.finalLoss,
        steps: s.steps, total_steps: s.totalSteps, stop_reason: s.stopReason, run_id: runId, stall_ms: s.stallMs,
        trained_seconds: s.trainedSeconds, checkpoint: s.checkpoint,
      };
      printResult(json, result, [
        `Trained ${s.steps}/${s.totalSteps} steps (${s.epochs.toFixed(2)} epochs) on ${s.backend} at ${s.imagesPerSecond.toFixed(1)} images/s; final loss ${s.finalLoss?.toFixed(4) ?? 'n/a'}.`,
        `Stopped: ${s.stopReason}. Data stalls: ${(s.stallMs / 1000).toFixed(1)} s. Checkpoint: ${s.checkpoint}`,
        s.stopReason === 'completed' ? 'Embeddings stored; run `eval` or open the map.' : 'Embeddings stored. Continue with --resume.',
      ].join('\n'));
    } finally {
      process.off('SIGINT', onSigint);
      await service.close();
    }
  },
};
