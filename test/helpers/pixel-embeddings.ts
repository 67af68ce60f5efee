import path from 'node:path';
import sharp from 'sharp';
import type { ProjectStore } from '../../main/store/project-store';

/** Tiny colour-layout embeddings straight from the pixels (4×4 RGB, 48-D): enough structure
 *  for a map without training, stored as a finished run like real embeddings. */
export async function pixelEmbeddings(store: ProjectStore, root: string): Promise<void> {
  const { items } = await store.pageImages(0, 100_000);
  const dim = 48;
  const data = new Float32Array(items.length * dim);
  for (let i = 0; i < items.length; i++) {
    const px = await sharp(path.join(root, items[i].path)).resize(4, 4, { fit: 'fill' }).removeAlpha().raw().toBuffer();
    for (let j = 0; j < dim; j++) data[i * dim + j] = px[j] / 255 - 0.5;
  }
  const run = await store.createRun({ kind: 'pixels' }, 'import');
  await store.putEmbeddings(run, Int32Array.from(items.map((it) => it.id)), dim, data);
  await store.finishRun(run);
}
