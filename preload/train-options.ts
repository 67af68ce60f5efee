/**
 * The training settings' choices and the named presets, in one place for the engine
 * (main/engine/recipe/config.ts), the contract and the Train tab's form. Plain data, so the
 * renderer may import it.
 */

export const ENCODER_PRESETS = ['small', 'resnet18'] as const;
export const OPTIMIZERS = ['lars', 'sgd', 'adam'] as const;
export const BACKEND_CHOICES = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
/** The paper's colour jitter, or a light one for short CPU runs. */
export const COLOR_JITTERS = ['paper', 'light'] as const;

/** The settings a preset fixes; the engine's defaults fill the rest. */
export interface PresetSettings {
  preset: (typeof ENCODER_PRESETS)[number];
  imageSize: number;
  batchSize: number;
  epochs: number;
  minutes?: number;
  optimizer: (typeof OPTIMIZERS)[number];
  lr?: number;
  colorJitter?: (typeof COLOR_JITTERS)[number];
  backend: (typeof BACKEND_CHOICES)[number];
  liveMapEvery: number;
}

export interface TrainPreset {
  id: 'quick-cpu' | 'gpu-resnet18';
  label: string;
  description: string;
  overrides: PresetSettings;
}

/** Named starting points for the UI; users edit any field afterwards. */
export const TRAIN_PRESETS: readonly TrainPreset[] = [
  {
    id: 'quick-cpu',
    label: 'Quick CPU',
    description: 'Small CNN at 32 px, batch 64, Adam at 1e-3, light colour jitter, 10-minute budget: a usable map on any laptop.',
    // Adam at 1e-3 and small batches: the most optimizer steps a CPU budget buys. The paper's
    // LARS (trust 1e-3, LR 0.2·B/256) moves weights ~1e-4 of their norm per step, too little
    // for a few hundred steps.
    overrides: { preset: 'small', imageSize: 32, batchSize: 64, epochs: 30, minutes: 10, optimizer: 'adam', lr: 1e-3, colorJitter: 'light', backend: 'auto', liveMapEvery: 5 },
  },
  {
    id: 'gpu-resnet18',
    label: 'GPU ResNet-18',
    description: 'ResNet-18 at 96 px, batch 256, LARS, 200 epochs, blur on: the paper recipe at small scale.',
    overrides: { preset: 'resnet18', imageSize: 96, batchSize: 256, epochs: 200, optimizer: 'lars', backend: 'tensorflow-gpu', liveMapEvery: 10 },
  },
];
