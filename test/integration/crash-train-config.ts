import type { TrainConfigInput } from '../../main/engine/recipe/config';
import { TINY_CONFIG } from './train-fixture';

/** 16 images at batch 8: 2 steps an epoch, 2 epochs, a checkpoint after each. */
export const CRASH_TRAIN_CONFIG: TrainConfigInput = { ...TINY_CONFIG, batchSize: 8, epochs: 2 };
