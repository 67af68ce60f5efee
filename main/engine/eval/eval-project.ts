/**
 * `eval`: for users with a labelled copy of their data (each image's parent folder is its
 * class). Weighted kNN top-1 of the stored embeddings, and of a randomly initialised
 * encoder of the same preset and seed, computed on the fly, so the gain from training shows.
 */
import type { ProjectStore } from '../../store/project-store';
import { createEncoder } from '../model/resnet';
import { parseTrainConfig, type TrainConfig } from '../recipe/config';
import { selectBackend, type BackendChoice } from '../trainer/backend';
import { checkpointPath, readCheckpointInfo } from '../trainer/checkpoint';
import { embedCache } from '../trainer/embed';
import { listProjectImages } from '../trainer/project-images';
import type { TrainEvent } from '../trainer/protocol';
import { preparePixelCache } from '../trainer/train-setup';
import { indexLabels, knnLeaveOneOut, type KnnOptions } from './knn';

export interface EvalResult {
  images: number;
  classes: number;
  knnTop1: number;
  knnTop1RandomInit: number;
  k: number;
  temperature: number;
}

/** Rows of `data` (ids ascending or any order) picked in the order of `want`; missing ids are skipped. */
function pick(ids: Int32Array, dim: number, data: Float32Array, want: number[]): { rows: Float32Array; found: number[] } {
  const at = new Map<number, number>();
  ids.forEach((id, i) => at.set(id, i));
  const found = want.filter((id) => at.has(id));
  const rows = new Float32Array(found.length * dim);
  found.forEach((id, r) => rows.set(data.subarray(at.get(id)! * dim, (at.get(id)! + 1) * dim), r * dim));
  return { rows, found };
}

/** The settings of the project's trained model (for the random-init twin), or the defaults. */
function modelConfig(projectDir: string): TrainConfig {
  const info = readCheckpointInfo(checkpointPath(projectDir));
  return parseTrainConfig(info ? info.config.input : {});
}

export async function evaluateProject(
  store: ProjectStore,
  o: KnnOptions & { backend?: BackendChoice; onEvent?: (e: TrainEvent) => void } = {},
): Promise<EvalResult> {
  const emb = await store.getEmbeddings();
  if (!emb) throw new Error('This project has no embeddings yet. Train first (npm run cli -- train --project <dir>) or run embed.');
  const images = await listProjectImages(store);
  const folderOf = new Map(images.map((im) => [im.id, im.folder]));
  // kNN accuracy with a single class is 100% whatever the embeddings: say so instead.
  const folders = new Set(images.map((im) => im.folder));
  if (folders.size < 2) {
    const only = [...folders][0] || '(the top level)';
    throw new Error(`eval takes each image's parent folder as its class, and every image of this project is in one folder, ${only}. Run it on a labelled copy with one folder per class.`);
  }

  const cfg = modelConfig(store.dir);
  await selectBackend(o.backend ?? cfg.backend);
  const cache = await preparePixelCache(store.dir, { images }, cfg.imageSize, cfg.cacheScale, cfg.seed, o.onEvent ?? (() => undefined));
  const encoder = createEncoder(cfg.preset, { inputSize: cfg.imageSize, seed: cfg.seed });
  let random;
  try {
    random = embedCache(encoder, cache, { imageSize: cfg.imageSize, normalize: cfg.augment });
  } finally {
    encoder.dispose();
    await cache.close();
  }
  // Both evaluations use the same images, in the same order, with the same labels: the
  // project's images that have a stored embedding and decoded for the random encoder.
  const inRandom = new Set(random.ids);
  const want = images.map((im) => im.id).filter((id) => inRandom.has(id));
  const trained = pick(emb.ids, emb.dim, emb.data, want);
  if (trained.found.length < 2) throw new Error('Fewer than two images have embeddings; run embed first.');
  const rand = pick(random.ids, random.dim, random.data, trained.found);
  const { labels, classNames } = indexLabels(trained.found.map((id) => folderOf.get(id)!));
  const a = knnLeaveOneOut(trained.rows, trained.found.length, emb.dim, labels, o);
  const b = knnLeaveOneOut(rand.rows, rand.found.length, random.dim, labels, o);
  return { images: a.images, classes: classNames.length, knnTop1: a.top1, knnTop1RandomInit: b.top1, k: a.k, temperature: a.temperature };
}
