// The "map" job: kNN graph + UMAP 3D of the latest embeddings, off the main thread. A PCA
// preview and improving UMAP layouts stream to the UI as 'map.updated' events; the final
// layout is aligned to the previous one so a re-projection does not make points jump.
import type { EventName, EventPayload } from '../../preload/contract';
import { alignToPrevious, sharedRows } from '../analysis/align';
import { projectInWorker } from '../analysis/projection-host';
import type { ProjectStore } from '../store/project-store';
import { loadMap, saveKnn, saveMap, type StoredMap } from '../store/map-files';
import type { JobContext } from './jobs';
import { UserError } from './errors';

export interface MapBuildOptions {
  nNeighbors?: number;
  minDist?: number;
  seed?: number;
}

type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** Layouts shown while a job runs, before the final one is written. */
export class LiveMap {
  current: StoredMap | null = null;
}

export async function buildMap(store: ProjectStore, ctx: JobContext, emit: Emit, live: LiveMap, o: MapBuildOptions = {}): Promise<{ points: number; seconds: number }> {
  const emb = await store.getEmbeddings();
  if (!emb || emb.ids.length === 0) throw new UserError('not_found', 'This project has no embeddings yet. Train (or import embeddings from Parquet) first, then build the map.');
  const runId = (await latestRunId(store)) ?? 'unknown';
  const n = emb.ids.length;
  const previous = await loadMap(store.dir);
  const started = performance.now();
  const publish = (layout: 'pca' | 'umap', coords: Float32Array) => {
    live.current = { runId, layout, ids: emb.ids, coords, createdAt: Date.now(), seconds: (performance.now() - started) / 1000 };
    emit('map.updated', { layout, points: n, final: false });
  };
  ctx.progress(0, 1, 'Preparing the projection');
  let lastStream = 0;
  const result = await projectInWorker(emb.data, n, emb.dim, {
    nNeighbors: o.nNeighbors ?? 15,
    minDist: o.minDist ?? 0.1,
    seed: o.seed ?? 42,
    signal: ctx.signal,
    onPreview: (coords) => publish('pca', coords),
    onStage: (stage) => ctx.progress(0, 1, stage),
    onEpoch: (epoch, total, coords) => {
      ctx.progress(epoch, total, `UMAP epoch ${epoch} of ${total}`);
      // Stream at most ~4 layouts a second: each one is a full copy to the renderer.
      if (performance.now() - lastStream > 250) {
        lastStream = performance.now();
        publish('umap', coords);
      }
    },
  });
  let coords = result.coords;
  if (previous && previous.ids.length > 0) {
    const pairs = sharedRows(previous.ids, emb.ids);
    if (pairs.prev.length >= 3) coords = alignToPrevious(previous.coords, coords, pairs).coords;
  }
  const seconds = (performance.now() - started) / 1000;
  await saveKnn(store.dir, { runId, n, k: result.knn.k, ids: emb.ids, indices: result.knn.indices, distances: result.knn.distances });
  const final: StoredMap = { runId, layout: 'umap', ids: emb.ids, coords, createdAt: Date.now(), seconds };
  await saveMap(store.dir, final);
  live.current = null;
  emit('map.updated', { layout: 'umap', points: n, final: true });
  return { points: n, seconds };
}

async function latestRunId(store: ProjectStore): Promise<string | null> {
  return store.latestEmbeddingRunId();
}
