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
