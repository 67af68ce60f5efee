// Builds the binary map bundle (preload/map-bundle.ts) the renderer draws: coordinates plus
// every per-point attribute the colour modes need, in the layout's point order.
import { encodeMapBundle, type MapSections } from '../../preload/map-bundle';
import { outlierScores, percentileRanks } from '../analysis/labels/outliers';
import type { ProjectStore } from '../store/project-store';
import { loadKnn, loadMap, type StoredMap } from '../store/map-files';

/** Top-level folder of a relative path ('' for files at the root). */
export function folderOf(relPath: string): string {
  const i = relPath.lastIndexOf('/');
  return i < 0 ? '(root)' : relPath.slice(0, i);
}

export async function buildMapBundle(store: ProjectStore, live: StoredMap | null): Promise<Uint8Array | null> {
  const map = live ?? (await loadMap(store.dir));
  if (!map) return null;
  const n = map.ids.length;
  const { items } = await store.pageImages(0, Number.MAX_SAFE_INTEGER);
  const byId = new Map(items.map((it) => [it.id, it]));

  const folders: string[] = [];
  const folderIndex = new Map<string, number>();
  const folder = new Int32Array(n).fill(-1);
  const duplicate = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const it = byId.get(map.ids[i]);
    if (!it) continue;
    const f = folderOf(it.path);
    let fi = folderIndex.get(f);
    if (fi === undefined) {
      fi = folders.push(f) - 1;
      folderIndex.set(f, fi);
    }
    folder[i] = fi;
    duplicate[i] = it.duplicateGroup === null ? -1 : it.duplicateGroup - 1;
  }

  const outlier = new Float32Array(n).fill(NaN);
  const knn = await loadKnn(store.dir, map.runId);
  if (knn && knn.n === n) outlier.set(percentileRanks(outlierScores({ n: knn.n, k: knn.k, indices: knn.indices, distances: knn.distances })));

  const sections: MapSections = {
    ids: map.ids,
    coords: map.coords,
    folder,
    cluster: new Int32Array(n).fill(-1),
    label: new Int32Array(n).fill(-1),
    predicted: new Int32Array(n).fill(-1),
    confidence: new Float32Array(n).fill(NaN),
    outlier,
    duplicate,
  };
  return encodeMapBundle({ n, layout: map.layout, runId: map.runId, folders, clusters: [], labels: [] }, sections);
}
