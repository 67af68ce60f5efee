/**
 * `embed`: recompute every image's representation from the project's latest checkpoint
 * (e.g. after images were added) and store it under the checkpoint's run.
 */
import type { ProjectStore } from '../../store/project-store';
import { createEncoder } from '../model/resnet';
import { parseTrainConfig } from '../recipe/config';
import { selectBackend, type BackendChoice, type BackendReport } from './backend';
import { checkpointPath, readCheckpoint } from './checkpoint';
import { embedCache, storeEmbeddings } from './embed';
import { listProjectImages } from './project-images';
import type { TrainEvent } from './protocol';
import { preparePixelCache } from './train-setup';

export interface EmbedProjectResult {
  runId: string;
  images: number;
  dim: number;
  backend: BackendReport;
  seconds: number;
}

export async function embedFromCheckpoint(
  store: ProjectStore,
  o: { backend?: BackendChoice; onEvent?: (e: TrainEvent) => void; onProgress?: (done: number, total: number) => void } = {},
): Promise<EmbedProjectResult> {
  const t0 = performance.now();
  const file = checkpointPath(store.dir);
  const ckpt = readCheckpoint(file);
  if (!ckpt) throw new Error(`No trained model in this project (no ${file}). Train first: npm run cli -- train --project ${store.dir}`);
  const cfg = parseTrainConfig(ckpt.config.input);
  const emit = o.onEvent ?? (() => undefined);
  const backend = await selectBackend(o.backend ?? cfg.backend);
  const images = await listProjectImages(store);
  const cache = await preparePixelCache(store.dir, { images }, cfg.imageSize, cfg.cacheScale, cfg.seed, emit);
  const encoder = createEncoder(cfg.preset, { inputSize: cfg.imageSize, seed: cfg.seed });
  try {
    encoder.setWeights(ckpt.weights.encoder);
    const e = embedCache(encoder, cache, { imageSize: cfg.imageSize, normalize: cfg.augment, onProgress: o.onProgress });
    const runId = ckpt.meta.runId ?? (await store.createRun({ ...cfg, source: 'embed' }));
    await storeEmbeddings(store, runId, e);
    if (!ckpt.meta.runId) await store.finishRun(runId, 'done', { source: 'embed', steps: ckpt.position.globalStep });
    return { runId, images: e.ids.length, dim: e.dim, backend, seconds: (performance.now() - t0) / 1000 };
  } finally {
    encoder.dispose();
    await cache.close();
  }
}
