import { MAX_QUERY_IMAGE_BYTES } from '../../preload/contract';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { splitPath } from '../format';
import { showToast, useApp } from './app-store';
import { clearGridSelection } from './grid-selection';
import { imagePages, type IdSource } from './image-pages';

/** How many images "Similar images" lists: past a few hundred they are rarely alike any more. */
export const SIMILAR_COUNT = 1000;

/** Opens the Images tab on exactly these images, in this order (a filter set later replaces them). */
export function showInGrid(ids: readonly number[], source: IdSource): void {
  clearGridSelection();
  imagePages.showIds(ids, useApp.getState().project?.dir ?? null, source);
  useApp.setState({ tab: 'images', preview: null, previewIndex: null });
}

/** Counts requests, so a slow answer cannot replace the list of a later one. */
let seq = 0;

/** Opens the Images tab on image `id` and the images most like it, most similar first. */
export async function showSimilar(id: number, path: string): Promise<boolean> {
  const mine = ++seq;
  try {
    const r = await api.call('images.similar', { id, count: SIMILAR_COUNT });
    if (mine !== seq) return false;
    const similarity = new Map(r.items.map((x) => [x.id, x.similarity]));
    showInGrid(r.items.map((x) => x.id), { kind: 'similar', id, name: splitPath(path).name, similarity });
    return true;
  } catch (err) {
    if (mine === seq) showToast('error', `Could not find similar images: ${errorMessage(err)}`);
    return false;
  }
}

/** A picture's bytes as base64, downsized first (longest side 2048 px, PNG) when it is over the contract's limit. */
async function queryBytes(file: File): Promise<string> {
  let blob: Blob = file;
  if (file.size > MAX_QUERY_IMAGE_BYTES) {
    const bmp = await createImageBitmap(file).catch(() => {
      throw new Error(`${file.name} is over ${MAX_QUERY_IMAGE_BYTES / 2 ** 20} MB and this browser cannot decode it to shrink it.`);
    });
    const k = Math.min(1, 2048 / Math.max(bmp.width, bmp.height));
    const canvas = new OffscreenCanvas(Math.round(bmp.width * k), Math.round(bmp.height * k));
    canvas.getContext('2d')!.drawImage(bmp, 0, 0, canvas.width, canvas.height);
    bmp.close();
    blob = await canvas.convertToBlob({ type: 'image/png' });
  }
  // FileReader encodes natively; a JS loop over 12 MB would hold the main thread.
  const url = await new Promise<string>((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result as string);
    r.onerror = () => reject(r.error ?? new Error(`Could not read ${file.name}.`));
    r.readAsDataURL(blob);
  });
  return url.slice(url.indexOf(',') + 1);
}

let queryThumb: string | null = null;
/** The latest search by image: only it clears the "Embedding…" state, whatever ran since. */
let latestImageSearch = 0;

/** Search by image: embeds a picture from outside the project and lists the images most like it. */
export async function searchByImage(file: File): Promise<boolean> {
  if (file.type && !file.type.startsWith('image/')) {
    showToast('error', `${file.name} is not an image (${file.type}).`);
    return false;
  }
  const mine = ++seq;
  latestImageSearch = mine;
  useApp.setState({ imageSearch: file.name });
  try {
    const r = await api.call('images.searchByImage', { data: await queryBytes(file), count: SIMILAR_COUNT });
    if (mine !== seq) return false;
    if (queryThumb) URL.revokeObjectURL(queryThumb);
    queryThumb = URL.createObjectURL(file);
    const similarity = new Map(r.items.map((x) => [x.id, x.similarity]));
    showInGrid(r.items.map((x) => x.id), { kind: 'image', name: file.name, thumb: queryThumb, similarity, prediction: r.prediction, predictionNote: r.predictionNote });
    return true;
  } catch (err) {
    if (mine === seq) showToast('error', `Could not search by ${file.name}: ${errorMessage(err)}`);
    return false;
  } finally {
    if (mine === latestImageSearch) useApp.setState({ imageSearch: null });
  }
}
