/**
 * Search by image: a picture from outside the project (dropped or picked in the Images tab)
 * goes through exactly what `embed` does to the project's own images (the pixel cache's
 * centred square, the encoder of the latest checkpoint in inference mode), so its vector
 * lies in the stored embeddings' space. Then the nearest images, and the few-shot
 * classifier's probabilities where its head was trained on those embeddings.
 */
import { decodeReason, openImage } from '../dataset/decode';
import { createEncoder } from '../engine/model/resnet';
import { decodeSquare } from '../engine/recipe/data-cache';
import { parseTrainConfig } from '../engine/recipe/config';
import { selectBackend } from '../engine/trainer/backend';
import { checkpointPath, readCheckpoint } from '../engine/trainer/checkpoint';
import { embedPixels } from '../engine/trainer/embed';
import type { Ranked } from '../store/similar';
import type { ProjectStore } from '../store/project-store';
import { classifierProbs, loadHead } from './classifier';
import { UserError } from './errors';

export interface ImageQueryResult {
  runId: string;
  items: Ranked[];
  /** The classifier's classes and probabilities, most likely first; null with a reason when there is none to use. */
  prediction: { classes: string[]; probs: number[] } | null;
  predictionNote: string | null;
}

/** The picture's centred square, opened as ingest opens files (formats, BMP, size limits) and cut as the pixel cache cuts them. */
async function querySquare(bytes: Buffer, side: number): Promise<Buffer> {
  let format: string | null = null;
  try {
    const opened = await openImage(bytes);
    format = opened.format;
    return await decodeSquare(opened.img, side);
  } catch (err) {
    throw new UserError('invalid_request', `That file is not an image BYOL Explorer can read (${decodeReason(err, bytes, format)}).`);
  }
}

export async function queryByImage(store: ProjectStore, bytes: Buffer, count: number): Promise<ImageQueryResult> {
  const file = checkpointPath(store.dir);
  const ckpt = readCheckpoint(file);
  if (!ckpt) throw new UserError('failed', 'Search by image needs the trained model, and this project has none yet. Train first.');
  const runId = await store.requireLatestEmbeddingRunId();
  if (ckpt.meta.runId && ckpt.meta.runId !== runId) {
    throw new UserError('failed', `The stored embeddings (${runId}) come from another model than the latest checkpoint (${ckpt.meta.runId}): wait for that training run to finish and store its embeddings, or run \`embed\`.`);
  }
  const cfg = parseTrainConfig(ckpt.config.input);
  const side = Math.round(cfg.cacheScale * cfg.imageSize);
  const pixels = await querySquare(bytes, side);
  await selectBackend(cfg.backend);
  const encoder = createEncoder(cfg.preset, { inputSize: cfg.imageSize, seed: cfg.seed });
  let features: Float32Array;
  try {
    encoder.setWeights(ckpt.weights.encoder);
    features = embedPixels(encoder, new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength), 1, side, { imageSize: cfg.imageSize, normalize: cfg.augment });
  } finally {
    encoder.dispose();
  }
  const items = await store.nearestToVector(runId, features, count);
  const head = await loadHead(store);
  if (!head) return { runId, items, prediction: null, predictionNote: 'No classifier yet: train one in the Map tab’s Classifier panel to see its prediction here.' };
  if (head.embeddingRun !== runId || head.dim !== features.length) {
    return { runId, items, prediction: null, predictionNote: `The classifier was trained on ${head.embeddingRun}'s embeddings, not ${runId}'s: train it again to see its prediction.` };
  }
  const p = classifierProbs(head, features, 1);
  const order = Array.from(p.keys()).sort((a, b) => p[b] - p[a]);
  return { runId, items, prediction: { classes: order.map((c) => head.classes[c]), probs: order.map((c) => p[c]) }, predictionNote: null };
}
