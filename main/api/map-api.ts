import { MapState as MapStateSchema, type EventName, type EventPayload, type MapMeta, type MapState } from '../../preload/contract';
import type { ProjectStore } from '../store/project-store';
import { loadKnn, loadMap, loadMapState, saveMapState } from '../store/map-files';
import { buildMapBundle } from './map-data';
import { MapBuilds, type MapBuildOptions } from './map-service';
import type { JobRunner } from './jobs';
import { UserError } from './errors';

interface Deps {
  jobs: JobRunner;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  requireStore(): ProjectStore;
}

/** The map's requests: build (a job), metadata, the binary bundle, and saved view state. */
export class MapApi {
  /** Shared with the training service, whose live builds queue behind ours. */
  private readonly builds: MapBuilds;

  constructor(private readonly deps: Deps) {
    this.builds = MapBuilds.for(deps.jobs, deps.emit);
  }

  private get live() {
    return this.builds.live;
  }

  build(o: MapBuildOptions): { jobId: string } {
    return this.builds.build(this.deps.requireStore(), o);
  }

  async meta(): Promise<MapMeta> {
    const store = this.deps.requireStore();
    const m = this.live.current ?? (await loadMap(store.dir));
    if (!m) return { available: false, layout: 'none', points: 0, runId: null, seconds: null };
    return { available: true, layout: m.layout, points: m.ids.length, runId: m.runId, seconds: m.seconds };
  }

  async neighbors(id: number, count: number): Promise<{ neighbors: { id: number; distance: number }[] }> {
    const store = this.deps.requireStore();
    const map = await loadMap(store.dir);
    const knn = map && (await loadKnn(store.dir, map.runId));
    if (!knn) throw new UserError('not_found', 'No neighbour graph yet: build the map first.');
    const row = knn.ids.indexOf(id);
    if (row < 0) throw new UserError('not_found', `Image ${id} is not on the map.`);
    const neighbors = [];
    for (let j = 0; j < Math.min(count, knn.k); j++) {
      const nb = knn.indices[row * knn.k + j];
      if (nb >= 0) neighbors.push({ id: knn.ids[nb], distance: knn.distances[row * knn.k + j] });
    }
    return { neighbors };
  }

  /** The bytes behind dataUrl('map'), or null when there is no map yet. */
  bundle(): Promise<Uint8Array | null> {
    return buildMapBundle(this.deps.requireStore(), this.live.current);
  }

  async getState(): Promise<{ state: MapState | null }> {
    const raw = await loadMapState(this.deps.requireStore().dir);
    const parsed = MapStateSchema.safeParse(raw);
    return { state: parsed.success ? parsed.data : null };
  }

  async saveState(state: MapState): Promise<{ saved: boolean }> {
    await saveMapState(this.deps.requireStore().dir, state);
    return { saved: true };
  }
}
