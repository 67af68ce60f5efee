/**
 * The project's latest checkpoint as the Train tab shows it: the run may have been trained
 * from the CLI, in an earlier session, or cut short by a crash, and the user should see
 * what the map's embeddings came from and whether the run can be continued.
 */
import type { LastRun } from '../../preload/contract';
import { checkpointPath, readCheckpointInfo } from '../engine/trainer/checkpoint-info';
import type { ProjectStore } from '../store/project-store';

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Null where the project has no checkpoint; throws where the checkpoint cannot be read. */
export async function lastRun(store: ProjectStore): Promise<LastRun | null> {
  const info = readCheckpointInfo(checkpointPath(store.dir));
  if (!info) return null;
  const cfg = info.config.input as Record<string, unknown> | undefined;
  const { globalStep, totalSteps } = info.position;
  const perEpoch = num(cfg?.stepsPerEpoch);
  const outcome = info.meta.runId ? await store.runOutcome(info.meta.runId) : null;
  return {
    runId: info.meta.runId,
    steps: globalStep,
    totalSteps,
    epochs: perEpoch ? globalStep / perEpoch : 0,
    trainedSeconds: info.meta.trainedMs / 1000,
    lastLoss: info.meta.lastLoss,
    preset: String(cfg?.preset ?? 'unknown'),
    imageSize: num(cfg?.imageSize) ?? 0,
    batchSize: num(cfg?.effectiveBatchSize) ?? num(cfg?.batchSize) ?? 0,
    savedAt: info.createdAt,
    status: outcome?.status ?? null,
    stopReason: str(outcome?.summary?.stopReason),
    backend: str(outcome?.summary?.backend),
    imagesPerSecond: num(outcome?.summary?.imagesPerSecond),
    resumable: globalStep < totalSteps,
  };
}
