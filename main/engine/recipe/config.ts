/**
 * Every BYOL training setting, validated with zod. `null` means "derive it" (LR from the
 * optimizer and batch, τ_base from the run length, head sizes from the image size);
 * resolveTrainConfig turns a parsed config plus the dataset size into concrete numbers.
 */
import { z } from 'zod';
import { AugmentConfigSchema, blurEnabled, COLOR_JITTER_MODES, withColorJitter } from './augment-config';
import { defaultBaseLr, defaultWeightDecay, pickTauBase, warmupSteps } from './schedule';
import { BACKEND_CHOICES, ENCODER_PRESETS, OPTIMIZERS, TRAIN_PRESETS, type TrainPreset } from '../../../preload/train-options';

const headSchema = z.object({
  hidden: z.number().int().positive().nullable().default(null),
  out: z.number().int().positive().nullable().default(null),
});

export const TrainConfigSchema = z.object({
  /** Encoder preset: a small CNN for CPU runs, or ResNet-18. */
  preset: z.enum(ENCODER_PRESETS).default('small'),
  imageSize: z.number().int().min(16).max(512).default(32),
  /** The pixel cache stores images at round(cacheScale · imageSize) so crops have room. */
  cacheScale: z.number().min(1).max(2).default(1.25),
  batchSize: z.number().int().min(2).max(8192).default(128),
  epochs: z.number().int().positive().default(100),
  /** Optional wall-clock budget; training stops at whichever of epochs/minutes comes first. */
  minutes: z.number().positive().nullable().default(null),
  optimizer: z.enum(OPTIMIZERS).default('lars'),
  /** Base LR; null → 0.2·B/256 (LARS), 0.05·B/256 (SGD), 3e-4 (Adam). */
  lr: z.number().positive().nullable().default(null),
  /** null → 1.5e-6 (LARS), 1e-4 (SGD), 0 (Adam). */
  weightDecay: z.number().min(0).nullable().default(null),
  momentum: z.number().min(0).lt(1).default(0.9),
  larsEta: z.number().positive().default(1e-3),
  warmupEpochs: z.number().min(0).default(10),
  /** Warm-up never exceeds this fraction of all steps (short runs). */
  maxWarmupFraction: z.number().min(0).max(1).default(0.1),
  /** null → 0.99 for runs under 100k steps, else 0.996. */
  tauBase: z.number().min(0).max(1).nullable().default(null),
  augment: AugmentConfigSchema.prefault({}),
  /** 'light' replaces both views' colour strengths with LIGHT_COLOR_JITTER (short CPU runs). */
  colorJitter: z.enum(COLOR_JITTER_MODES).default('paper'),
  seed: z.number().int().default(0),
  backend: z.enum(BACKEND_CHOICES).default('auto'),
  /** Projector / predictor MLP sizes; null → 4096/256 at imageSize ≥ 96, 1024/256 below. */
  projector: headSchema.prefault({}),
  predictor: headSchema.prefault({}),
  /**
   * Epochs between live map updates (interim embeddings → aligned re-projection) while the
   * app trains; 0 = off. Off by default so headless runs (CLI, benchmarks) pay nothing; the
   * app's training form turns it on (every 5 epochs). The last epoch never gets an interim
   * update: the final embeddings follow it at once.
   */
  liveMapEvery: z.number().int().min(0).max(100_000).default(0),
});

export type TrainConfig = z.infer<typeof TrainConfigSchema>;
export type TrainConfigInput = z.input<typeof TrainConfigSchema>;

/** Parses user/preset input, throwing a readable message listing every bad field. */
export function parseTrainConfig(input: unknown): TrainConfig {
  const r = TrainConfigSchema.safeParse(input ?? {});
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new Error(`Invalid training settings:\n${lines.join('\n')}`);
}

/** Head sizes of the paper (4096 → 256) for ≥ 96 px; narrower hidden layers for small, CPU-sized runs. */
export function defaultHeadSizes(imageSize: number): { hidden: number; out: number } {
  return imageSize >= 96 ? { hidden: 4096, out: 256 } : { hidden: 1024, out: 256 };
}

export interface ResolvedTrainConfig extends TrainConfig {
  lr: number;
  weightDecay: number;
  tauBase: number;
  projector: { hidden: number; out: number };
  predictor: { hidden: number; out: number };
  /** Side of the cached training images. */
  cacheSize: number;
  /** Batch size actually used (never more than the dataset). */
  effectiveBatchSize: number;
  stepsPerEpoch: number;
  totalSteps: number;
  warmupSteps: number;
  blur: boolean;
  /** Human-readable notes about adjusted settings, for the UI. */
  notes: string[];
}

/** The steps `epochs` epochs take: a run's length, and the cap on a time-budgeted one. */
export function epochStepCap(epochs: number, stepsPerEpoch: number): number {
  return Math.max(1, Math.round(epochs * stepsPerEpoch));
}

/**
 * Fills every derived setting. `totalStepsOverride` lets a time-budgeted run (minutes set)
 * size the LR/τ schedules from a measured step time instead of the epoch count.
 */
export function resolveTrainConfig(cfg: TrainConfig, o: { datasetSize: number; totalStepsOverride?: number }): ResolvedTrainConfig {
  if (!(o.datasetSize > 0)) throw new Error('Cannot train on an empty dataset: add images to the project first.');
  const notes: string[] = [];
  let batch = cfg.batchSize;
  if (batch > o.datasetSize) {
    batch = o.datasetSize;
    notes.push(`Batch size reduced from ${cfg.batchSize} to ${batch}, the number of images.`);
  }
  // The last partial batch is dropped: BatchNorm statistics of a tiny batch are noise.
  const stepsPerEpoch = Math.max(1, Math.floor(o.datasetSize / batch));
  const totalSteps = o.totalStepsOverride !== undefined ? Math.max(1, Math.round(o.totalStepsOverride)) : epochStepCap(cfg.epochs, stepsPerEpoch);
  const warm = warmupSteps({ warmupEpochs: cfg.warmupEpochs, stepsPerEpoch, totalSteps, maxFraction: cfg.maxWarmupFraction });
  if (warm < Math.round(cfg.warmupEpochs * stepsPerEpoch)) {
    notes.push(`Warm-up shortened to ${warm} step${warm === 1 ? '' : 's'} (${Math.round(cfg.maxWarmupFraction * 100)}% of the run).`);
  }
  const heads = defaultHeadSizes(cfg.imageSize);
  const blur = blurEnabled(cfg.augment, cfg.imageSize);
  if (!blur && cfg.augment.blur === 'auto') notes.push(`Gaussian blur is off below ${cfg.augment.blurMinSize} px.`);
  return {
    ...cfg,
    lr: cfg.lr ?? defaultBaseLr(cfg.optimizer, batch),
    weightDecay: cfg.weightDecay ?? defaultWeightDecay(cfg.optimizer),
    tauBase: cfg.tauBase ?? pickTauBase(totalSteps),
    projector: { hidden: cfg.projector.hidden ?? heads.hidden, out: cfg.projector.out ?? heads.out },
    predictor: { hidden: cfg.predictor.hidden ?? heads.hidden, out: cfg.predictor.out ?? heads.out },
    augment: withColorJitter(cfg.augment, cfg.colorJitter),
    cacheSize: Math.round(cfg.cacheScale * cfg.imageSize),
    effectiveBatchSize: batch,
    stepsPerEpoch,
    totalSteps,
    warmupSteps: warm,
    blur,
    notes,
  };
}

export { TRAIN_PRESETS, type TrainPreset };

export function presetConfig(id: TrainPreset['id']): TrainConfig {
  const p = TRAIN_PRESETS.find((x) => x.id === id);
  if (!p) throw new Error(`Unknown training preset '${id}'. Known: ${TRAIN_PRESETS.map((x) => x.id).join(', ')}`);
  return parseTrainConfig(p.overrides);
}
