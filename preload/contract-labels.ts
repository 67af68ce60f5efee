// Requests for issue 5 (labels, clusters, propagation, duplicates, the few-shot classifier),
// spread into `requests` in contract.ts: part of the one contract, kept in its own file so
// concurrent edits to contract.ts stay one line each. Long work returns a jobId; its result
// arrives as the job.finished event's summary.
import { z } from 'zod';

const Id = z.number().int().nonnegative();
const Path = z.string().min(1).max(4096);
const Empty = z.object({}).strict();
const Name = z.string().trim().min(1).max(200);
const Color = z.string().regex(/^#[0-9a-fA-F]{6}$/);
const Job = z.object({ jobId: z.string() });

export const LabelClass = z.object({ id: Id, name: z.string(), color: z.string(), count: z.number().int() });
export type LabelClass = z.infer<typeof LabelClass>;

export const LabelHistory = z.object({
  canUndo: z.boolean(),
  canRedo: z.boolean(),
  undoDescription: z.string().nullable(),
  redoDescription: z.string().nullable(),
});

const LabelOp = z.object({ kind: z.string(), description: z.string() }).nullable();

export const ClusterCount = z.object({ cluster: z.number().int(), count: z.number().int(), name: z.string().nullable() });
export const ClusterRun = z.object({
  id: z.string(),
  embeddingRun: z.string(),
  method: z.string(),
  k: z.number().int(),
  params: z.record(z.string(), z.unknown()),
  /** k-means with automatic k: { chooseK: [{ k, silhouette, inertia }], inertia }; HDBSCAN: { stability, noise }. */
  scores: z.unknown(),
  createdAt: z.number(),
});

const ScoredImage = z.object({ id: Id, path: z.string(), score: z.number() });
export const DuplicateGroup = z.object({
  ids: z.array(Id),
  paths: z.array(z.string()),
  marks: z.array(z.enum(['keep', 'remove', 'not_duplicate']).nullable()),
});
export type DuplicateGroup = z.infer<typeof DuplicateGroup>;

export const PredictionItem = z.object({ imageId: Id, classId: Id, label: z.string(), confidence: z.number(), method: z.string() });

export const labelRequests = {
  'label.classes': { params: Empty, result: z.object({ classes: z.array(LabelClass), history: LabelHistory }) },
  'label.createClass': { params: z.object({ name: Name, color: Color.optional() }).strict(), result: LabelClass },
  'label.renameClass': { params: z.object({ classId: Id, name: Name }).strict(), result: LabelClass },
  /** Moves every image of the source classes into the target and deletes the sources. */
  'label.mergeClasses': { params: z.object({ sourceIds: z.array(Id).min(1).max(1000), targetId: Id }).strict(), result: LabelClass },
  'label.setColor': { params: z.object({ classId: Id, color: Color }).strict(), result: LabelClass },
  /** Label the selection (keys 1–9 map to classes); classId null clears their labels. */
  'label.assign': { params: z.object({ ids: z.array(Id).min(1).max(1_000_000), classId: Id.nullable() }).strict(), result: z.object({ changed: z.number().int() }) },
  'label.undo': { params: Empty, result: z.object({ op: LabelOp, history: LabelHistory }) },
  'label.redo': { params: Empty, result: z.object({ op: LabelOp, history: LabelHistory }) },
  /** Rows: path, label, source (human | accepted | propagated), confidence. */
  'label.export': { params: z.object({ format: z.enum(['csv', 'json']), file: Path }).strict(), result: z.object({ file: z.string(), rows: z.number().int() }) },
  /** Job; summary { runId, method, k, scores, clusters }. Without k, k-means picks k by silhouette. */
  'cluster.run': { params: z.object({ method: z.enum(['kmeans', 'hdbscan']).default('kmeans'), k: z.number().int().min(2).max(500).optional() }).strict(), result: Job },
  'cluster.list': { params: z.object({ runId: z.string().max(100).optional() }).strict(), result: z.object({ run: ClusterRun.nullable(), clusters: z.array(ClusterCount) }) },
  /** Names a cluster of the latest (or given) run and labels all its images with the name. */
  'cluster.name': {
    params: z.object({ clusterId: z.number().int(), name: Name, runId: z.string().max(100).optional() }).strict(),
    result: z.object({ runId: z.string(), labelled: z.number().int(), changed: z.number().int() }),
  },
  /** Job; summary { method, classes, labelled, predicted, meanConfidence }. */
  'propagate.run': { params: z.object({ method: z.enum(['spreading', 'logreg']).default('spreading') }).strict(), result: Job },
  'predictions.page': {
    params: z.object({ offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(5000).default(1000), minConfidence: z.number().min(0).max(1).default(0) }).strict(),
    result: z.object({ total: z.number().int(), items: z.array(PredictionItem) }),
  },
  'predictions.acceptAbove': { params: z.object({ threshold: z.number().min(0).max(1) }).strict(), result: z.object({ accepted: z.number().int() }) },
  'suggest.next': { params: z.object({ count: z.number().int().min(1).max(500).default(20) }).strict(), result: z.object({ items: z.array(ScoredImage) }) },
  'duplicates.near': { params: z.object({ threshold: z.number().min(0).max(1).default(0.95) }).strict(), result: z.object({ threshold: z.number(), groups: z.array(DuplicateGroup) }) },
  'duplicates.exact': { params: Empty, result: z.object({ groups: z.array(DuplicateGroup) }) },
  'duplicates.mark': {
    params: z.object({ ids: z.array(Id).min(1).max(100_000), mark: z.enum(['keep', 'remove', 'not_duplicate']).nullable() }).strict(),
    result: z.object({ marked: z.number().int() }),
  },
  /** The most unusual images: mean cosine distance to their k nearest neighbours. */
  outliers: {
    params: z.object({ k: z.number().int().min(1).max(100).default(10), limit: z.number().int().min(1).max(5000).default(200) }).strict(),
    result: z.object({ k: z.number().int(), items: z.array(ScoredImage) }),
  },
  /** Job; summary { classes, cvAccuracy, trainedOn, includeAccepted, embeddingRun, dim }. */
  'classifier.train': { params: z.object({ includeAccepted: z.boolean().default(false) }).strict(), result: Job },
  /** The project's trained few-shot head, if any; `current` is false once newer embeddings exist. */
  'classifier.status': {
    params: z.object({}).strict(),
    result: z.object({
      trained: z
        .object({ classes: z.array(z.string()), cvAccuracy: z.number().nullable(), trainedOn: z.number().int(), includeAccepted: z.boolean(), embeddingRun: z.string(), current: z.boolean() })
        .nullable(),
    }),
  },
  /** Job; summary { outDir, files, classes, cvAccuracy }. */
  'classifier.export': { params: z.object({ outDir: Path }).strict(), result: Job },
} as const;
