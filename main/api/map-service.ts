// The "map" job: kNN graph + UMAP 3D of the latest embeddings, off the main thread. A PCA
// preview and improving UMAP layouts stream to the UI as 'map.updated' events; the final
// layout is aligned to the previous one so a re-projection does not make points jump.
// MapBuilds keeps it to one build at a time, and queues the live builds made during training.
import type { EventName, EventPayload, JobFinished } from '../../preload/contract';
import { alignToPrevious, sharedRows } from '../analysis/align';
import { projectInWorker } from '../analysis/projection-host';
import type { ProjectStore } from '../store/project-store';
import { loadMap, saveKnn, saveMap, type StoredMap } from '../store/map-files';
import type { JobContext, JobRunner } from './jobs';
import { UserError } from './errors';

export interface MapBuildOptions {
  nNeighbors?: number;
  minDist?: number;
  seed?: number;
}

/** Embeddings handed over in memory (a live build during training) instead of read from the store. */
export interface MapSource {
  runId: string;
  ids: Int32Array;
  dim: number;
  data: Float32Array;
  /** The training epoch they were taken at; absent for a run's final embeddings. */
  trainEpoch?: number;
}

export interface MapBuildExtras {
  source?: MapSource;
  /**
   * Stream the PCA preview and UMAP steps (default true). Live builds do not: those layouts
   * are not aligned yet, so only the aligned result is shown and points move, never jump.
   */
  stream?: boolean;
  /** Projection threads; 1 during training, so the trainer keeps a core to itself. */
  threads?: number;
}

export interface MapBuildSummary {
  points: number;
  seconds: number;
  runId: string;
  trainEpoch: number | null;
  /** The Procrustes fit onto the previous layout over the images both contain; null without one. */
  alignment: { shared: number; rmsd: number; unalignedRmsd: number } | null;
}

type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** Layouts shown while a job runs, before the final one is written. */
export class LiveMap {
  current: StoredMap | null = null;
}

export async function buildMap(store: ProjectStore, ctx: JobContext, emit: Emit, live: LiveMap, o: MapBuildOptions = {}, x: MapBuildExtras = {}): Promise<MapBuildSummary> {
  const emb = x.source ?? (await store.getEmbeddings());
  if (!emb || emb.ids.length === 0) throw new UserError('not_found', 'This project has no embeddings yet. Train (or import embeddings from Parquet) first, then build the map.');
  const runId = x.source?.runId ?? (await store.latestEmbeddingRunId()) ?? 'unknown';
  const trainEpoch = x.source?.trainEpoch;
  const stream = x.stream ?? true;
  const n = emb.ids.length;
  const previous = await loadMap(store.dir);
  const started = performance.now();
  const publish = (layout: 'pca' | 'umap', coords: Float32Array) => {
    live.current = { runId, layout, ids: emb.ids, coords, createdAt: Date.now(), seconds: (performance.now() - started) / 1000 };
    emit('map.updated', { layout, points: n, final: false });
  };
  ctx.progress(0, 1, trainEpoch === undefined ? 'Preparing the projection' : `Live map: projecting the embeddings of epoch ${trainEpoch}`);
  let lastStream = 0;
  const result = await projectInWorker(emb.data, n, emb.dim, {
    nNeighbors: o.nNeighbors ?? 15,
    minDist: o.minDist ?? 0.1,
    seed: o.seed ?? 42,
    threads: x.threads,
    // Unstreamed builds need no per-epoch copies; the callback still checks for cancel.
    epochsPerUpdate: stream ? undefined : 25,
    signal: ctx.signal,
    onPreview: (coords) => stream && publish('pca', coords),
    onStage: (stage) => ctx.progress(0, 1, stage),
    onEpoch: (epoch, total, coords) => {
      ctx.progress(epoch, total, `UMAP epoch ${epoch} of ${total}`);
      // Stream at most ~4 layouts a second: each one is a full copy to the renderer.
      if (stream && performance.now() - lastStream > 250) {
        lastStream = performance.now();
        publish('umap', coords);
      }
    },
  });
  let coords = result.coords;
  let alignment: MapBuildSummary['alignment'] = null;
  if (previous && previous.ids.length > 0) {
    const pairs = sharedRows(previous.ids, emb.ids);
    if (pairs.prev.length >= 3) {
      const a = alignToPrevious(previous.coords, coords, pairs);
      alignment = { shared: pairs.prev.length, rmsd: a.rmsd, unalignedRmsd: rmsdOver(previous.coords, coords, pairs) };
      coords = a.coords;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await saveKnn(store.dir, { runId, n, k: result.knn.k, ids: emb.ids, indices: result.knn.indices, distances: result.knn.distances });
  const final: StoredMap = { runId, layout: 'umap', ids: emb.ids, coords, createdAt: Date.now(), seconds };
  await saveMap(store.dir, final);
  live.current = null;
  emit('map.updated', { layout: 'umap', points: n, final: true, ...(trainEpoch === undefined ? {} : { trainEpoch }) });
  return { points: n, seconds, runId, trainEpoch: trainEpoch ?? null, alignment };
}

/** Root-mean-square distance between paired rows of two 3D layouts, as they are. */
function rmsdOver(a: Float32Array, b: Float32Array, pairs: { prev: Int32Array; next: Int32Array }): number {
  let s = 0;
  for (let t = 0; t < pairs.prev.length; t++) for (let d = 0; d < 3; d++) s += (a[pairs.prev[t] * 3 + d] - b[pairs.next[t] * 3 + d]) ** 2;
  return Math.sqrt(s / Math.max(1, pairs.prev.length));
}

type Work = (ctx: JobContext) => Promise<MapBuildSummary>;

/**
 * One map build at a time. A build the user asks for fails fast while another runs; live
 * builds from training queue instead, and only the newest waiting one is kept (older
 * embeddings are stale by then). One instance per JobRunner, i.e. per app, so the map and
 * training services share it without knowing each other.
 */
export class MapBuilds {
  private static readonly byRunner = new WeakMap<JobRunner, MapBuilds>();

  static for(jobs: JobRunner, emit: Emit): MapBuilds {
    let b = MapBuilds.byRunner.get(jobs);
    if (!b) MapBuilds.byRunner.set(jobs, (b = new MapBuilds(jobs, emit)));
    return b;
  }

  /** The layout the running build streams, served before it is saved. */
  readonly live = new LiveMap();
  private running: Promise<JobFinished> | null = null;
  private pending: { store: ProjectStore; source: MapSource } | null = null;
  private idleWaiters: (() => void)[] = [];

  private constructor(private readonly jobs: JobRunner, private readonly emit: Emit) {}

  build(store: ProjectStore, o: MapBuildOptions): { jobId: string } {
    if (this.running || this.jobs.busyWith('map')) throw new UserError('busy', 'A map is already being built. Wait for it or cancel it.');
    return this.launch((ctx) => buildMap(store, ctx, this.emit, this.live, o));
  }

  /** Re-projects these embeddings once the running build (if any) is done, aligned to the map before. */
  requestLive(store: ProjectStore, source: MapSource): void {
    this.pending = { store, source };
    if (!this.running) this.next();
  }

  /** Resolves when no build runs and none waits. */
  idle(): Promise<void> {
    if (!this.running && !this.pending) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private launch(work: Work): { jobId: string } {
    const { jobId, done } = this.jobs.start('map', work);
    this.running = done;
    void done.then((f) => {
      this.running = null;
      // A cancelled build (the user, or the app closing) also drops the one waiting behind it.
      if (f.status === 'cancelled') this.pending = null;
      this.next();
    });
    return { jobId };
  }

  private next(): void {
    const p = this.pending;
    if (!p) {
      for (const r of this.idleWaiters.splice(0)) r();
      return;
    }
    if (this.jobs.busyWith('map')) {
      // A map job started outside this queue: look again shortly.
      setTimeout(() => this.running || this.next(), 250).unref();
      return;
    }
    this.pending = null;
    this.launch((ctx) => buildMap(p.store, ctx, this.emit, this.live, {}, { source: p.source, stream: false, threads: 1 }));
  }
}
