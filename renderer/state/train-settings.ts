/**
 * The training form's settings, its presets and their persistence. The choices and presets
 * are the engine's own (preload/train-options.ts); this adds the form's defaults and storage.
 */
import { BACKEND_CHOICES, COLOR_JITTERS, ENCODER_PRESETS, OPTIMIZERS as ENGINE_OPTIMIZERS, TRAIN_PRESETS } from '../../preload/train-options';

export const ENCODERS = ENCODER_PRESETS;
/** Adam first: it is what the CPU preset uses, and what most users know. */
export const OPTIMIZERS = ['adam', 'lars', 'sgd'] as const satisfies readonly (typeof ENGINE_OPTIMIZERS)[number][];
export const BACKENDS = BACKEND_CHOICES;
export { COLOR_JITTERS };

export interface TrainSettings {
  /** Which named preset the form started from; 'custom' once a field was edited. */
  presetId: string;
  preset: (typeof ENCODERS)[number];
  imageSize: number;
  batchSize: number;
  epochs: number;
  /** Wall-clock budget; null = until the epochs are done. */
  minutes: number | null;
  optimizer: (typeof OPTIMIZERS)[number];
  /** null = the optimizer's default (scaled with the batch for LARS/SGD). */
  lr: number | null;
  seed: number;
  backend: (typeof BACKENDS)[number];
  /** The paper's colour jitter, or a light one that suits short CPU runs. */
  colorJitter: (typeof COLOR_JITTERS)[number];
  /** Epochs between live map updates while training; 0 = off. */
  liveMapEvery: number;
}

export interface SettingsPreset {
  id: string;
  label: string;
  description: string;
  settings: Omit<TrainSettings, 'presetId'>;
}

/** The engine's presets as complete form settings: what a preset leaves unset is the engine's default. */
export const PRESETS: readonly SettingsPreset[] = TRAIN_PRESETS.map(({ id, label, description, overrides: o }) => ({
  id,
  label,
  description,
  settings: { ...o, minutes: o.minutes ?? null, lr: o.lr ?? null, seed: 0, colorJitter: o.colorJitter ?? 'paper' },
}));

export const DEFAULT_SETTINGS: TrainSettings = { presetId: PRESETS[0].id, ...PRESETS[0].settings };

export function applyPreset(id: string): TrainSettings {
  const p = PRESETS.find((x) => x.id === id) ?? PRESETS[0];
  return { presetId: p.id, ...p.settings };
}

const KEY = 'byol.trainSettings';

const oneOf = <T extends string>(list: readonly T[], v: unknown, dflt: T): T => (list.includes(v as T) ? (v as T) : dflt);
const intIn = (v: unknown, lo: number, hi: number, dflt: number): number => (typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi ? v : dflt);
const posOrNull = (v: unknown, dflt: number | null): number | null => (v === null ? null : typeof v === 'number' && v > 0 && Number.isFinite(v) ? v : dflt);

/** Reads saved settings field by field, so one stale or hand-edited field never loses the rest. */
export function parseSettings(raw: unknown): TrainSettings {
  const d = DEFAULT_SETTINGS;
  if (!raw || typeof raw !== 'object') return { ...d };
  const r = raw as Record<string, unknown>;
  return {
    presetId: typeof r.presetId === 'string' ? r.presetId : d.presetId,
    preset: oneOf(ENCODERS, r.preset, d.preset),
    imageSize: intIn(r.imageSize, 16, 512, d.imageSize),
    batchSize: intIn(r.batchSize, 2, 8192, d.batchSize),
    epochs: intIn(r.epochs, 1, 100_000, d.epochs),
    minutes: posOrNull(r.minutes, d.minutes),
    optimizer: oneOf(OPTIMIZERS, r.optimizer, d.optimizer),
    lr: posOrNull(r.lr, d.lr),
    seed: intIn(r.seed, -(2 ** 31), 2 ** 31 - 1, d.seed),
    backend: oneOf(BACKENDS, r.backend, d.backend),
    liveMapEvery: intIn(r.liveMapEvery, 0, 100_000, d.liveMapEvery),
    colorJitter: oneOf(COLOR_JITTERS, r.colorJitter, d.colorJitter),
  };
}

export function loadSettings(): TrainSettings {
  try {
    return parseSettings(JSON.parse(localStorage.getItem(KEY) ?? 'null'));
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
}

export function saveSettings(s: TrainSettings): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(s));
  } catch {
    // Storage full or disabled: the settings still apply to this run.
  }
}

/** The overrides sent with train.start: only the fields the trainer's config knows. */
export function toOverrides(s: TrainSettings): Omit<TrainSettings, 'presetId'> {
  const { presetId: _unused, ...rest } = s;
  void _unused;
  return rest;
}
