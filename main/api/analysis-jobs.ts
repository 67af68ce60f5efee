/**
 * Store-facing analysis actions: load the embeddings of present images, run the compute on
 * a worker thread (analysis-thread.ts), write results back in one transaction each.
 */
import { NO_EMBEDDINGS } from '../store/embeddings';
import type { ProjectStore } from '../store/project-store';
import type { ClusterCount, ClusterRunInfo } from '../store/clusters';
import type { DuplicateMark } from '../store/predictions';
import { exactDuplicateGroups } from '../analysis/labels/duplicates';
import type { ClusterOutput, PropagateOutput, Rows } from './analysis-compute';
import { runAnalysis } from './analysis-thread';
import { UserError } from './errors';

export interface EmbeddingRows extends Rows {
  runId: string;
  /** Image id per row, ascending. */
  ids: Int32Array;
  paths: string[];
  hashes: string[];
}

/** Embeddings of the present images, in id order (a fresh copy: tasks take its buffer). */
export async function loadRows(store: ProjectStore): Promise<EmbeddingRows> {
  const runId = await store.predictions.latestEmbeddingRun();
  const emb = runId ? await store.getEmbeddings(runId) : null;
  if (!runId || !emb) throw new UserError('failed', NO_EMBEDDINGS);
  const index = await store.predictions.imageIndex();
  const byId = new Map(index.map((r) => [r.id, r]));
  const keep: number[] = [];
  for (let r = 0; r < emb.ids.length; r++) if (byId.has(emb.ids[r])) keep.push(r);
  const d = emb.dim;
  const data = new Float32Array(keep.length * d);
  keep.forEach((r, i) => data.set(emb.data.subarray(r * d, r * d + d), i * d));
  const ids = Int32Array.from(keep, (r) => emb.ids[r]);
  return { runId, data, n: keep.length, d, ids, paths: Array.from(ids, (id) => byId.get(id)!.path), hashes: Array.from(ids, (id) => byId.get(id)!.hash) };
}

/** Class index per row from the stored labels (−1 = none), over the current classes. */
export async function labelSeeds(store: ProjectStore, ids: Int32Array, sources: string[]): Promise<{ seeds: Int32Array; classIds: number[]; classNames: string[] }> {
  const classes = await store.labels.classes();
  const idx = new Map(classes.map((k, i) => [k.name, i]));
  const row = new Map(Array.from(ids, (id, r) => [id, r]));
  const seeds = new Int32Array(ids.length).fill(-1);
  for (const l of await store.labels.labels()) {
    const r = row.get(l.imageId);
    const c = idx.get(l.label);
    if (r !== undefined && c !== undefined && sources.includes(l.source)) seeds[r] = c;
  }
  return { seeds, classIds: classes.map((k) => k.id), classNames: classes.map((k) => k.name) };
}

export interface ClusterRunResult {
  runId: string;
  method: string;
  k: number;
  scores: ClusterOutput['scores'];
  clusters: ClusterCount[];
}

export async function runClustering(store: ProjectStore, o: { method: 'kmeans' | 'hdbscan'; k?: number; seed?: number }, signal?: AbortSignal): Promise<ClusterRunResult> {
  const rows = await loadRows(store);
  if (rows.n < 3) throw new UserError('failed', `Clustering needs at least 3 images with embeddings; this project has ${rows.n}.`);
  const { ids, runId: embeddingRun } = rows;
  const seed = o.seed ?? 0;
  const out = await runAnalysis<ClusterOutput>({ op: 'cluster', data: rows.data, n: rows.n, d: rows.d, method: o.method, k: o.k, seed }, signal);
  signal?.throwIfAborted();
  const runId = await store.clusters.saveRun({ embeddingRun, method: o.method, k: out.k, params: { k: o.k ?? null, seed }, scores: out.scores, ids, clusters: out.labels });
  return { runId, method: o.method, k: out.k, scores: out.scores, clusters: await store.clusters.counts(runId) };
}

export async function listClusters(store: ProjectStore, runId?: string): Promise<{ run: ClusterRunInfo | null; clusters: ClusterCount[] }> {
  const run = runId ? ((await store.clusters.runs()).find((r) => r.id === runId) ?? null) : await store.clusters.latestRun();
  if (runId && !run) throw new UserError('not_found', `Cluster run "${runId}" does not exist. Run clustering first.`);
  return { run, clusters: run ? await store.clusters.counts(run.id) : [] };
}

/** Names a cluster and labels all its images with that name (one undoable op). */
export async function nameCluster(store: ProjectStore, o: { clusterId: number; name: string; runId?: string }): Promise<{ runId: string; labelled: number; changed: number }> {
  const { run } = await listClusters(store, o.runId);
  if (!run) throw new UserError('failed', 'There are no clusters yet. Run clustering first.');
  const members = await store.clusters.members(run.id, o.clusterId);
  if (members.length === 0) throw new UserError('not_found', `Cluster ${o.clusterId} of ${run.id} has no images.`);
  const r = await store.labels.assignNames(Array.from(members, (imageId) => ({ imageId, label: o.name })), `Name cluster ${o.clusterId} "${o.name.trim()}"`);
  await store.clusters.setName(run.id, o.clusterId, o.name.trim());
  return { runId: run.id, labelled: members.length, changed: r.changed };
}

export interface PropagateResult {
  method: string;
  classes: string[];
  labelled: number;
  predicted: number;
  meanConfidence: number;
}

/** Predicts every unlabelled image from the human and accepted labels; replaces the predictions. */
export async function propagate(store: ProjectStore, method: 'spreading' | 'logreg', signal?: AbortSignal): Promise<PropagateResult> {
  const rows = await loadRows(store);
  const { seeds, classIds, classNames } = await labelSeeds(store, rows.ids, ['human', 'accepted']);
  const labelled = seeds.reduce((s, v) => s + (v >= 0 ? 1 : 0), 0);
  const present = new Set(seeds).size - (labelled < seeds.length ? 1 : 0);
  if (present < 2) throw new UserError('failed', 'Propagation needs labelled images of at least two classes. Label a few images of each class first.');
  const out = await runAnalysis<PropagateOutput>({ op: 'propagate', data: rows.data, n: rows.n, d: rows.d, method, seeds, classes: classNames.length, seed: 0 }, signal);
  signal?.throwIfAborted();
  const keep: number[] = [];
  for (let r = 0; r < rows.n; r++) if (seeds[r] < 0 && out.predicted[r] >= 0) keep.push(r);
  const ids = Int32Array.from(keep, (r) => rows.ids[r]);
  const cls = Int32Array.from(keep, (r) => classIds[out.predicted[r]]);
  const conf = Float32Array.from(keep, (r) => out.confidence[r]);
  await store.predictions.replace(method, ids, cls, conf);
  const mean = conf.reduce((s, v) => s + v, 0) / Math.max(1, conf.length);
  return { method, classes: classNames, labelled, predicted: keep.length, meanConfidence: mean };
}

/** Turns predictions at or above the threshold on still-unlabelled images into 'accepted' labels. */
export async function acceptAbove(store: ProjectStore, threshold: number): Promise<{ accepted: number }> {
  const labelled = new Set((await store.labels.labels()).map((l) => l.imageId));
  const rows = (await store.predictions.list(threshold)).filter((p) => !labelled.has(p.imageId));
  if (rows.length === 0) return { accepted: 0 };
  const r = await store.labels.assignNames(
    rows.map((p) => ({ imageId: p.imageId, label: p.label, source: 'accepted' as const, confidence: p.confidence })),
    `Accept ${rows.length} prediction(s) ≥ ${threshold}`,
  );
  return { accepted: r.changed };
}

/** "Label these next": uncertainty (of label spreading) × diversity. */
export async function suggest(store: ProjectStore, count: number, signal?: AbortSignal): Promise<{ items: { id: number; path: string; score: number }[] }> {
  const rows = await loadRows(store);
  const { seeds, classNames } = await labelSeeds(store, rows.ids, ['human', 'accepted']);
  const labelled = Int32Array.from(Array.from(seeds.keys()).filter((r) => seeds[r] >= 0));
  let probs: Float32Array;
  let classes = classNames.length;
  if (labelled.length > 0 && classes >= 2) {
    probs = (await runAnalysis<PropagateOutput>({ op: 'propagate', data: Float32Array.from(rows.data), n: rows.n, d: rows.d, method: 'spreading', seeds, classes, seed: 0 }, signal)).scores;
  } else {
    // Nothing to be uncertain about yet: a flat distribution makes the pick purely diverse.
    classes = 2;
    probs = new Float32Array(rows.n * 2).fill(0.5);
  }
  const s = await runAnalysis<{ ids: Int32Array; scores: Float32Array }>({ op: 'suggest', data: rows.data, n: rows.n, d: rows.d, probs, classes, labelled, count }, signal);
  return { items: Array.from(s.ids, (r, t) => ({ id: rows.ids[r], path: rows.paths[r], score: s.scores[t] })) };
}

export interface DuplicateGroup {
  ids: number[];
  paths: string[];
  marks: (DuplicateMark | null)[];
}

async function toGroups(store: ProjectStore, groups: Int32Array[], ids: ArrayLike<number>, paths: string[]): Promise<DuplicateGroup[]> {
  const marks = await store.predictions.duplicateMarks();
  return groups.map((g) => ({ ids: Array.from(g, (r) => ids[r]), paths: Array.from(g, (r) => paths[r]), marks: Array.from(g, (r) => marks.get(ids[r]) ?? null) }));
}

export async function nearDuplicates(store: ProjectStore, threshold: number, signal?: AbortSignal): Promise<{ threshold: number; groups: DuplicateGroup[] }> {
  const rows = await loadRows(store);
  const { ids, paths } = rows;
  const out = await runAnalysis<{ groups: Int32Array[] }>({ op: 'near', data: rows.data, n: rows.n, d: rows.d, threshold, k: 10, seed: 0 }, signal);
  return { threshold, groups: await toGroups(store, out.groups, ids, paths) };
}

/** Exact duplicates by ingest hash; needs no embeddings. */
export async function exactDuplicates(store: ProjectStore): Promise<{ groups: DuplicateGroup[] }> {
  const index = await store.predictions.imageIndex();
  const groups = exactDuplicateGroups(index.map((r) => r.hash));
  return { groups: await toGroups(store, groups, index.map((r) => r.id), index.map((r) => r.path)) };
}

/** The `limit` most unusual images: mean cosine distance to their k nearest neighbours. */
export async function outliers(store: ProjectStore, k: number, limit: number, signal?: AbortSignal): Promise<{ k: number; items: { id: number; path: string; score: number }[] }> {
  const rows = await loadRows(store);
  const { ids, paths } = rows;
  const { scores } = await runAnalysis<{ scores: Float32Array }>({ op: 'outliers', data: rows.data, n: rows.n, d: rows.d, k, seed: 0 }, signal);
  const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b).slice(0, limit);
  return { k, items: order.map((r) => ({ id: ids[r], path: paths[r], score: scores[r] })) };
}
