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

  const row = new Map<number, number>();
  for (let i = 0; i < n; i++) row.set(map.ids[i], i);
  const { label, predicted, confidence, labels } = await labelSections(store, row, n);
  const { cluster, clusters } = await clusterSections(store, row, n);
  const sections: MapSections = { ids: map.ids, coords: map.coords, folder, cluster, label, predicted, confidence, outlier, duplicate };
  return encodeMapBundle({ n, layout: map.layout, runId: map.runId, folders, clusters, labels }, sections);
}

/** Labels and predictions share the class list, so one legend serves both colour modes. */
async function labelSections(store: ProjectStore, row: Map<number, number>, n: number) {
  const classes = await store.labels.classes();
  const classIndex = new Map(classes.map((c, i) => [c.name, i]));
  const label = new Int32Array(n).fill(-1);
  for (const l of await store.labels.labels()) {
    const i = row.get(l.imageId);
    const ci = classIndex.get(l.label);
    if (i !== undefined && ci !== undefined) label[i] = ci;
  }
  const predicted = new Int32Array(n).fill(-1);
  const confidence = new Float32Array(n).fill(NaN);
  for (const p of await store.predictions.list()) {
    const i = row.get(p.imageId);
    const ci = classIndex.get(p.label);
    if (i === undefined || ci === undefined) continue;
    predicted[i] = ci;
    confidence[i] = p.confidence;
  }
  // Labelled images have no prediction; colour them by their label so the predicted view
  // shows every image. Their confidence stays NaN: it is the model's, and they have none.
  for (let i = 0; i < n; i++) if (predicted[i] < 0 && label[i] >= 0) predicted[i] = label[i];
  return { label, predicted, confidence, labels: classes.map((c) => ({ name: c.name, color: c.color })) };
}

async function clusterSections(store: ProjectStore, row: Map<number, number>, n: number) {
  const cluster = new Int32Array(n).fill(-1);
  const run = await store.clusters.latestRun();
  if (!run) return { cluster, clusters: [] as string[] };
  const counts = await store.clusters.counts(run.id);
  const clusters: string[] = [];
  for (const c of counts) {
    if (c.cluster < 0) continue;
    const idx = clusters.push(c.name ?? `Cluster ${c.cluster + 1}`) - 1;
    for (const id of await store.clusters.members(run.id, c.cluster)) {
      const i = row.get(id);
      if (i !== undefined) cluster[i] = idx;
    }
  }
  return { cluster, clusters };
}
