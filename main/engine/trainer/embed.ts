/**
 * Representations of every image: the online encoder's global-average-pooled features,
 * BatchNorm in inference mode (moving statistics), on a centre crop without augmentation,
 * in batches. Input is the training pixel cache, whose images are already the centred
 * square of each picture, so no JPEG is decoded again.
 */
import * as tf from '@tensorflow/tfjs';
import type { Network } from '../model/network';
import type { AugmentConfig } from '../recipe/augment-config';
import { pixelsToTensor } from '../recipe/augment';
import type { PixelCache } from '../recipe/data-cache';
import type { ProjectStore } from '../../store/project-store';
import type { EmbeddingsPayload } from './protocol';

export interface EmbedOptions {
  imageSize: number;
  /** ImageNet mean/std applied in training (the augmentation config's). */
  normalize: Pick<AugmentConfig, 'mean' | 'std'>;
  batchSize?: number;
  /** Side of the centred crop as a fraction of the cached square (1 = all of it). */
  cropFraction?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Features of one uint8 batch [n, s, s, 3] → Float32Array n×dim. */
export function embedPixels(encoder: Network, data: Uint8Array, n: number, side: number, o: EmbedOptions): Float32Array {
  const f = o.cropFraction ?? 1;
  const lo = (1 - f) / 2;
  const hi = 1 - lo;
  return tf.tidy(() => {
    const x = pixelsToTensor({ data, batch: n, height: side, width: side });
    const boxes = tf.tensor2d(Float32Array.from({ length: 4 * n }, (_, i) => (i % 4 < 2 ? lo : hi)), [n, 4]);
    const idx = tf.tensor1d(Int32Array.from({ length: n }, (_, i) => i), 'int32');
    const crop = tf.image.cropAndResize(x, boxes, idx, [o.imageSize, o.imageSize], 'bilinear');
    const norm = tf.div(tf.sub(crop, tf.tensor4d(o.normalize.mean, [1, 1, 1, 3])), tf.tensor4d(o.normalize.std, [1, 1, 1, 3]));
    return encoder.apply(norm, { training: false }).dataSync() as Float32Array;
  });
}

/** Embeds every cached image, in cache order; ids are the store's image ids. */
export function embedCache(encoder: Network, cache: PixelCache, o: EmbedOptions): EmbeddingsPayload {
  const dim = encoder.spec.outDim;
  const n = cache.count;
  const bs = Math.max(1, o.batchSize ?? 256);
  const data = new Float32Array(n * dim);
  for (let start = 0; start < n; start += bs) {
    const m = Math.min(bs, n - start);
    const idx = Int32Array.from({ length: m }, (_, i) => start + i);
    data.set(embedPixels(encoder, cache.readBatch(idx), m, cache.size, o), start * dim);
    o.onProgress?.(start + m, n);
  }
  return { ids: Int32Array.from(cache.ids), dim, data };
}

/** Stores embeddings as the run's float32 rows (putEmbeddings replaces the run's old ones). */
export async function storeEmbeddings(store: ProjectStore, runId: string, e: EmbeddingsPayload): Promise<void> {
  await store.putEmbeddings(runId, e.ids, e.dim, e.data);
}
