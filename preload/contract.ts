// The one contract between the UI and the Node side. Electron IPC (main/app) and serve mode
// (main/serve) are two transports over exactly these requests and events; the Node side
// validates every request with these schemas before using it.
import { z } from 'zod';
import { labelRequests } from './contract-labels';
import { BACKEND_CHOICES, COLOR_JITTERS, ENCODER_PRESETS, OPTIMIZERS } from './train-options';

const Id = z.number().int().nonnegative();
const Path = z.string().min(1).max(4096);

export const JobKind = z.enum(['ingest', 'train', 'embed', 'map', 'export', 'cluster', 'propagate', 'classifier']);
export type JobKind = z.infer<typeof JobKind>;

export const ProjectInfo = z.object({
  dir: z.string(),
  name: z.string(),
  sourceFolder: z.string().nullable(),
  images: z.number().int(),
  removed: z.number().int(),
  skipped: z.number().int(),
  duplicates: z.number().int(),
  schemaVersion: z.number().int(),
});
export type ProjectInfo = z.infer<typeof ProjectInfo>;

/** Search by image takes files up to 12 MB (16M base64 characters); larger ones are downsized by the renderer first. */
export const MAX_QUERY_IMAGE_BYTES = 12 * 1024 * 1024;
const MAX_QUERY_IMAGE_BASE64 = Math.ceil(MAX_QUERY_IMAGE_BYTES / 3) * 4;
/** A similarity search's answer: image ids, most similar first, with their cosine similarity. */
const RankedImages = z.array(z.object({ id: Id, similarity: z.number() }));

export const ImageItem = z.object({
  id: Id,
  path: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  bytes: z.number().int(),
  mtimeMs: z.number(),
  hash: z.string(),
  duplicateGroup: z.number().int().nullable(),
  /** The image's class (a human or an accepted label), null when it has none. */
  label: z.string().nullable(),
  /** The last propagation's class for it and its confidence (0–1), null when there is none. */
  predicted: z.string().nullable(),
  confidence: z.number().nullable(),
});
export type ImageItem = z.infer<typeof ImageItem>;

/** Narrows the Images grid; every field that is set must hold. */
export const ImageFilter = z
  .object({
    /** Case-insensitive substring of the relative path. */
    text: z.string().max(500).optional(),
    /** A parent folder, as the map's legend names it ('(root)' for files at the top). */
    folder: z.string().max(4096).optional(),
    /** A class name, or null for images without a label. */
    label: z.string().max(500).nullable().optional(),
    duplicates: z.boolean().optional(),
    /** Unlabelled images the propagation gave this class. */
    predicted: z.string().max(500).optional(),
    /** Unlabelled images whose predicted class is less certain than this (0–1). */
    maxConfidence: z.number().min(0).max(1).optional(),
  })
  .strict();
export type ImageFilter = z.infer<typeof ImageFilter>;

export const ImageFacets = z.object({
  folders: z.array(z.object({ name: z.string(), count: z.number().int() })),
  labels: z.array(z.object({ name: z.string(), color: z.string(), count: z.number().int() })),
  unlabelled: z.number().int(),
  duplicates: z.number().int(),
  /** Unlabelled images by predicted class (empty before any propagation). */
  predicted: z.array(z.object({ name: z.string(), count: z.number().int() })),
});
export type ImageFacets = z.infer<typeof ImageFacets>;

export const SkippedItem = z.object({ path: z.string(), reason: z.string() });
export type SkippedItem = z.infer<typeof SkippedItem>;

export const RecentProject = z.object({ dir: z.string(), name: z.string(), openedAt: z.number() });
export type RecentProject = z.infer<typeof RecentProject>;

export const FsEntry = z.object({ name: z.string(), isDir: z.boolean() });
export type FsEntry = z.infer<typeof FsEntry>;

export const IngestSummary = z.object({
  images: z.number().int(),
  added: z.number().int(),
  changed: z.number().int(),
  unchanged: z.number().int(),
  removed: z.number().int(),
  skipped: z.array(SkippedItem),
  duplicates: z.number().int(),
  seconds: z.number(),
});
export type IngestSummary = z.infer<typeof IngestSummary>;


// Training (issue 3). The Node side validates the overrides again with the full
// TrainConfigSchema; this schema only bounds what may be sent.
export const TrainBackendChoice = z.enum(BACKEND_CHOICES);
export const TrainConfigOverrides = z
  .object({
    preset: z.enum(ENCODER_PRESETS),
    imageSize: z.number().int().min(16).max(512),
    batchSize: z.number().int().min(2).max(8192),
    epochs: z.number().int().positive(),
    minutes: z.number().positive().nullable(),
    optimizer: z.enum(OPTIMIZERS),
    lr: z.number().positive().nullable(),
    weightDecay: z.number().min(0).nullable(),
    tauBase: z.number().min(0).max(1).nullable(),
    warmupEpochs: z.number().min(0),
    seed: z.number().int(),
    backend: TrainBackendChoice,
    /** Epochs between live map updates during training; 0 = off. */
    liveMapEvery: z.number().int().min(0).max(100_000),
    /** The paper's colour jitter, or a light one for short CPU runs. */
    colorJitter: z.enum(COLOR_JITTERS),
  })
  .partial()
  .strict();
export type TrainConfigOverrides = z.infer<typeof TrainConfigOverrides>;

export const TrainState = z.enum(['idle', 'running', 'paused', 'stopping', 'done', 'failed']);
export type TrainState = z.infer<typeof TrainState>;

export const TrainBackendInfo = z.object({
  backend: z.enum(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']),
  /** Why each other backend was not used. */
  reasons: z.array(z.object({ backend: z.string(), reason: z.string() })),
  warning: z.string().nullable(),
  threads: z.number().int(),
});
export type TrainBackendInfo = z.infer<typeof TrainBackendInfo>;

export const TrainProgress = z.object({
  epoch: z.number().int(),
  epochs: z.number().int(),
  step: z.number().int(),
  totalSteps: z.number().int(),
  loss: z.number(),
  lossAvg: z.number(),
  imagesPerSecond: z.number(),
  lr: z.number(),
  tau: z.number(),
  etaSeconds: z.number().nullable(),
  elapsedSeconds: z.number(),
  /** Collapse monitor: std ratio ≈ 1 healthy, → 0 collapsed; pair cosine → 1 collapsed. */
  collapse: z.object({ stdRatio: z.number(), meanDimStd: z.number(), meanPairCosine: z.number() }).nullable(),
  /** Set when collapse (or divergence) is detected. */
  warning: z.string().nullable(),
  stallMs: z.number(),
});
export type TrainProgress = z.infer<typeof TrainProgress>;

/** The project's latest checkpoint, described for the Train tab (it may come from the CLI or an earlier session). */
export const LastRun = z.object({
  runId: z.string().nullable(),
  /** Optimizer steps taken, and the length of the run's schedule. */
  steps: z.number().int(),
  totalSteps: z.number().int(),
  epochs: z.number(),
  trainedSeconds: z.number(),
  lastLoss: z.number().nullable(),
  preset: z.string(),
  imageSize: z.number().int(),
  batchSize: z.number().int(),
  /** When the checkpoint was written (ISO 8601). */
  savedAt: z.string(),
  /** How the run ended, from the project store: 'running' with no live run means it was interrupted. */
  status: z.enum(['running', 'done', 'failed', 'cancelled']).nullable(),
  /** Why the trainer stopped ('completed', 'time-budget', 'stopped'), where it reported it. */
  stopReason: z.string().nullable(),
  backend: z.string().nullable(),
  imagesPerSecond: z.number().nullable(),
  /** Steps remain in its schedule, so train.start with resume continues it. */
  resumable: z.boolean(),
});
export type LastRun = z.infer<typeof LastRun>;

export const TrainStatus = z.object({
  state: TrainState,
  jobId: z.string().nullable(),
  runId: z.string().nullable(),
  backend: TrainBackendInfo.nullable(),
  progress: TrainProgress.nullable(),
  /** Null where the open project has no checkpoint (or no project is open). */
  last: LastRun.nullable(),
});
export type TrainStatus = z.infer<typeof TrainStatus>;

const Vec3 = z.tuple([z.number().finite(), z.number().finite(), z.number().finite()]);
export const ColorMode = z.enum(['none', 'folder', 'cluster', 'label', 'predicted', 'confidence', 'outlier', 'duplicate']);
export type ColorMode = z.infer<typeof ColorMode>;
/** What the map remembers per project: camera, colour mode and selection (ids, capped). */
export const MapState = z
  .object({
    camera: z.object({ position: Vec3, target: Vec3 }).strict().nullable(),
    colorMode: ColorMode,
    selection: z.array(z.number().int().nonnegative()).max(1_000_000),
    hidden: z.array(z.string().max(500)).max(10_000).default([]),
  })
  .strict();
export type MapState = z.infer<typeof MapState>;
export const MapMeta = z.object({
  available: z.boolean(),
  layout: z.enum(['pca', 'umap', 'none']),
  points: z.number().int(),
  runId: z.string().nullable(),
  seconds: z.number().nullable(),
});
export type MapMeta = z.infer<typeof MapMeta>;

const Empty = z.object({}).strict();
const Page = z.object({ offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(5000).default(200) }).strict();

/** Every request: its params schema and its result schema. */
export const requests = {
  ...labelRequests,
  'app.info': {
    params: Empty,
    result: z.object({ mode: z.enum(['electron', 'serve']), version: z.string(), home: z.string(), projectsRoot: z.string() }),
  },
  'project.recent': { params: Empty, result: z.object({ items: z.array(RecentProject) }) },
  'project.current': { params: Empty, result: z.object({ project: ProjectInfo.nullable() }) },
  /** Open an existing project folder (or create an empty one there). */
  'project.open': { params: z.object({ dir: Path }).strict(), result: ProjectInfo },
  /** Start ingesting an image folder. Without projectDir, the current project is used, or a
   *  default project for that folder is created under projectsRoot. */
  'ingest.start': {
    params: z.object({ folder: Path, projectDir: Path.optional() }).strict(),
    result: z.object({ jobId: z.string(), project: ProjectInfo }),
  },
  'job.cancel': { params: z.object({ jobId: z.string().min(1).max(100) }).strict(), result: z.object({ cancelled: z.boolean() }) },
  'job.list': {
    params: Empty,
    result: z.object({ jobs: z.array(z.object({ jobId: z.string(), kind: JobKind, startedAt: z.number() })) }),
  },
  'images.page': { params: Page.extend({ filter: ImageFilter.optional() }), result: z.object({ total: z.number().int(), items: z.array(ImageItem) }) },
  /** Ids of the (filtered) images in path order, from offset: a range or "select all" in the grid. */
  'images.ids': {
    params: z.object({ filter: ImageFilter.optional(), offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(2_000_000).default(2_000_000) }).strict(),
    result: z.object({ ids: z.array(z.number().int()) }),
  },
  /** These images in the order given (the grid showing a map selection); removed ones are left out. */
  'images.byIds': { params: z.object({ ids: z.array(Id).max(5000) }).strict(), result: z.object({ items: z.array(ImageItem) }) },
  /** Image `id` first, then the images nearest to it by cosine similarity of the latest embeddings. */
  'images.similar': {
    params: z.object({ id: Id, count: z.number().int().min(1).max(5000).default(1000) }).strict(),
    result: z.object({ runId: z.string(), items: RankedImages }),
  },
  /** Search by image: a picture from outside the project (its bytes, base64), embedded by the latest model,
   *  then the nearest images and the few-shot classifier's prediction where there is one. */
  'images.searchByImage': {
    params: z.object({ data: z.string().min(1).max(MAX_QUERY_IMAGE_BASE64), count: z.number().int().min(1).max(5000).default(1000) }).strict(),
    result: z.object({
      runId: z.string(),
      items: RankedImages,
      prediction: z.object({ classes: z.array(z.string()), probs: z.array(z.number()) }).nullable(),
      predictionNote: z.string().nullable(),
    }),
  },
  /** What the grid's filters offer: folders, classes, and how many images each holds. */
  'images.facets': { params: Empty, result: ImageFacets },
  'images.skipped': { params: Page, result: z.object({ total: z.number().int(), items: z.array(SkippedItem) }) },
  /** Browse the Node side's folders (serve mode cannot receive a dropped folder's path). */
  'fs.list': {
    params: z.object({ dir: Path.optional() }).strict(),
    result: z.object({ dir: z.string(), parent: z.string().nullable(), entries: z.array(FsEntry) }),
  },
  /** Native folder dialog; only Electron has one, serve mode answers folder: null. */
  'dialog.openFolder': { params: Empty, result: z.object({ folder: z.string().nullable() }) },
  /** Train BYOL on the open project in a worker; `resume` continues from the last checkpoint. */
  'train.start': {
    params: z.object({ config: TrainConfigOverrides.default({}), resume: z.boolean().default(false) }).strict(),
    result: z.object({ jobId: z.string(), runId: z.string() }),
  },
  /** Pause / resume / stop the running training; pause and stop write a checkpoint. */
  'train.pause': { params: Empty, result: z.object({ state: TrainState }) },
  'train.resume': { params: Empty, result: z.object({ state: TrainState }) },
  'train.stop': { params: Empty, result: z.object({ state: TrainState }) },
  'train.status': { params: Empty, result: TrainStatus },
  /** kNN graph + UMAP 3D of the latest embeddings, as a job; layouts stream as map.updated. */
  'map.build': {
    params: z
      .object({ nNeighbors: z.number().int().min(2).max(200).optional(), minDist: z.number().min(0).max(1).optional(), seed: z.number().int().optional() })
      .strict(),
    result: z.object({ jobId: z.string() }),
  },
  /** Whether a map exists; its points come as binary from ByolApi.dataUrl('map'). */
  'map.meta': { params: Empty, result: MapMeta },
  /** An image's nearest neighbours in the stored kNN graph (cosine distance, nearest first). */
  'map.neighbors': {
    params: z.object({ id: Id, count: z.number().int().min(1).max(100).default(12) }).strict(),
    result: z.object({ neighbors: z.array(z.object({ id: Id, distance: z.number() })) }),
  },
  'map.state.get': { params: Empty, result: z.object({ state: MapState.nullable() }) },
  'map.state.save': { params: z.object({ state: MapState }).strict(), result: z.object({ saved: z.boolean() }) },
} as const;

export type Method = keyof typeof requests;
export type Params<M extends Method> = z.input<(typeof requests)[M]['params']>;
export type Result<M extends Method> = z.infer<(typeof requests)[M]['result']>;

export const JobProgress = z.object({
  jobId: z.string(),
  kind: JobKind,
  done: z.number(),
  total: z.number(),
  /** Items per second. */
  rate: z.number(),
  etaSeconds: z.number().nullable(),
  message: z.string(),
});
export type JobProgress = z.infer<typeof JobProgress>;

export const JobFinished = z.object({
  jobId: z.string(),
  kind: JobKind,
  status: z.enum(['ok', 'cancelled', 'error']),
  error: z.string().optional(),
  summary: z.unknown().optional(),
});
export type JobFinished = z.infer<typeof JobFinished>;

/** Every event the Node side pushes to the UI. */
export const events = {
  'job.progress': JobProgress,
  'job.finished': JobFinished,
  'project.changed': ProjectInfo,
  'train.progress': TrainProgress.extend({ jobId: z.string() }),
  'train.backend': TrainBackendInfo.extend({ jobId: z.string() }),
  'train.state': z.object({ jobId: z.string(), state: TrainState }),
  /** Human-readable notes from the trainer (pixel cache, adjusted settings). */
  'train.log': z.object({ jobId: z.string(), message: z.string() }),
  /** A new layout is available at dataUrl('map'): the PCA preview, a UMAP step, or the final one. */
  'map.updated': z.object({
    layout: z.enum(['pca', 'umap']),
    points: z.number().int(),
    final: z.boolean(),
    /** Set for a live layout made during training: the epoch its embeddings were taken at. */
    trainEpoch: z.number().optional(),
  }),
} as const;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

/** What window.byol (Electron) and the WebSocket client (browser) both provide. */
export interface ByolApi {
  call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** URL of a cached thumbnail: 'small' for the map atlas and grid, 'large' for the inspector. */
  thumbUrl(id: number, size: 'small' | 'large'): string;
  /** URL of a binary resource: 'map' is the map bundle (preload/map-bundle.ts). */
  dataUrl(name: 'map'): string;
  /** Electron only: the path of a dropped file or folder (browsers never reveal it). */
  pathForFile?(file: File): string;
}

/** Error carried across either transport; `code` lets the UI react without parsing text. */
export interface WireError {
  code: 'invalid_request' | 'unknown_method' | 'not_found' | 'no_project' | 'busy' | 'failed' | 'unauthorized';
  message: string;
}

export const isMethod = (m: unknown): m is Method => typeof m === 'string' && Object.prototype.hasOwnProperty.call(requests, m);
