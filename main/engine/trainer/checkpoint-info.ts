/**
 * What a checkpoint says about its run, read from the header alone: where the file lives,
 * the settings, the schedule position and the meta. Kept free of TensorFlow.js so the app
 * can describe the last run (train.status) without loading the engine.
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import path from 'node:path';

export const CHECKPOINT_MAGIC = 'BYOLCKPT';
export const CHECKPOINT_DIR = 'checkpoints';
export const LATEST_CHECKPOINT = 'latest.ckpt';

/** Where the schedule stands: the next step to run is (epoch, stepInEpoch). */
export interface SchedulePosition {
  epoch: number;
  stepInEpoch: number;
  /** Optimizer steps taken so far (LR and τ schedules index this). */
  globalStep: number;
  /** Schedule length fixed when the run started (a time budget sizes it once). */
  totalSteps: number;
}

/** Store run id, training time so far and the last loss, for reports. */
export interface CheckpointMeta { runId: string | null; trainedMs: number; lastLoss: number | null; images: number }

export interface CheckpointInfo {
  /** The resolved training settings the run uses; resume reuses them. */
  config: Record<string, unknown>;
  position: SchedulePosition;
  meta: CheckpointMeta;
  /** When this checkpoint was written (ISO 8601). */
  createdAt: string;
}

export function checkpointPath(projectDir: string): string {
  return path.join(projectDir, CHECKPOINT_DIR, LATEST_CHECKPOINT);
}

/** Settings, position and meta without loading the weights (cheap for large models). */
export function readCheckpointInfo(file: string): CheckpointInfo | null {
  if (!existsSync(file)) return null;
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(12);
    readSync(fd, head, 0, 12, 0);
    if (head.toString('latin1', 0, 8) !== CHECKPOINT_MAGIC) throw new Error(`${file} is not a BYOL Explorer checkpoint.`);
    const json = Buffer.alloc(head.readUInt32LE(8));
    readSync(fd, json, 0, json.length, 12);
    const h = JSON.parse(json.toString('utf8')) as CheckpointInfo;
    return { config: h.config, position: h.position, meta: h.meta, createdAt: h.createdAt };
  } finally {
    closeSync(fd);
  }
}
