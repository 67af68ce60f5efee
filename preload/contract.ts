// The one contract between the UI and the Node side. Electron IPC (main/app) and serve mode
// (main/serve) are two transports over exactly these requests and events; the Node side
// validates every request with these schemas before using it.
import { z } from 'zod';

const Id = z.number().int().nonnegative();
const Path = z.string().min(1).max(4096);

export const JobKind = z.enum(['ingest', 'train', 'embed', 'map', 'export']);
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

export const ImageItem = z.object({
  id: Id,
  path: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  bytes: z.number().int(),
  mtimeMs: z.number(),
  hash: z.string(),
  duplicateGroup: z.number().int().nullable(),
});
export type ImageItem = z.infer<typeof ImageItem>;

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

const Empty = z.object({}).strict();
const Page = z.object({ offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(5000).default(200) }).strict();

/** Every request: its params schema and its result schema. */
export const requests = {
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
  'images.page': { params: Page, result: z.object({ total: z.number().int(), items: z.array(ImageItem) }) },
  'images.skipped': { params: Page, result: z.object({ total: z.number().int(), items: z.array(SkippedItem) }) },
  /** Browse the Node side's folders (serve mode cannot receive a dropped folder's path). */
  'fs.list': {
    params: z.object({ dir: Path.optional() }).strict(),
    result: z.object({ dir: z.string(), parent: z.string().nullable(), entries: z.array(FsEntry) }),
  },
  /** Native folder dialog; only Electron has one, serve mode answers folder: null. */
  'dialog.openFolder': { params: Empty, result: z.object({ folder: z.string().nullable() }) },
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
} as const;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

/** What window.byol (Electron) and the WebSocket client (browser) both provide. */
export interface ByolApi {
  call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** URL of a cached thumbnail: 'small' for the map atlas and grid, 'large' for the inspector. */
  thumbUrl(id: number, size: 'small' | 'large'): string;
  /** Electron only: the path of a dropped file or folder (browsers never reveal it). */
  pathForFile?(file: File): string;
}

/** Error carried across either transport; `code` lets the UI react without parsing text. */
export interface WireError {
  code: 'invalid_request' | 'unknown_method' | 'not_found' | 'no_project' | 'busy' | 'failed' | 'unauthorized';
  message: string;
}

export const isMethod = (m: unknown): m is Method => typeof m === 'string' && Object.prototype.hasOwnProperty.call(requests, m);
