import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import type { ImageFacets, ImageFilter, ImageItem, ProjectInfo, SkippedItem } from '../../preload/contract';
import { UserError } from '../api/errors';
import { Db } from './db';
import { makeDirs } from '../util/make-dirs';
import { ClusterStore } from './clusters';
import { LabelStore } from './labels';
import { PredictionStore } from './predictions';
import * as emb from './embeddings';
import * as img from './images';
import { nearestToVector, similarImages, type Ranked, type SimilarImages } from './similar';
import { migrate, NewerSchemaError, NotAProjectError } from './migrations';
import { exportParquet, importParquet } from './parquet';
import { queryValue } from './read';

export type { ImageRow, KnownFile } from './images';
export type { RunStatus } from './embeddings';

export const DB_FILE = 'project.duckdb';

/** Folders open in this process: a second DuckDB instance on the same file would corrupt it. */
const openDirs = new Set<string>();

function cannotOpen(dir: string, what: string, todo: string): UserError {
  return new UserError('failed', `Cannot open project at ${dir}: ${what}. ${todo}`);
}

async function openDb(dir: string, file: string): Promise<Db> {
  try {
    return await Db.open(file);
  } catch (err) {
    const msg = (err as Error).message;
    if (/lock/i.test(msg)) {
      throw new UserError('busy', `Cannot open project at ${dir}: another program has it open (${msg.split('\n')[0]}). Close the other BYOL Explorer window or process and try again.`);
    }
    if (/not a valid DuckDB|invalid.*database|magic|version number|Is a directory/i.test(msg)) {
      throw cannotOpen(dir, `${DB_FILE} is not a BYOL Explorer project database (${msg.split('\n')[0]})`, 'Choose another folder, or move that file away.');
    }
    throw cannotOpen(dir, msg.split('\n')[0], 'Check that the folder is writable and the disk is not full or read-only.');
  }
}

/** One image project: a DuckDB file plus a cache folder, inside the project folder. */
export class ProjectStore {
  readonly cacheDir: string;

  private constructor(
    readonly dir: string,
    private readonly db: Db,
    private readonly version: number,
  ) {
    this.cacheDir = path.join(dir, 'cache');
  }

  /** Creates the folder and database if needed and brings the schema up to date. */
  static async open(dir: string): Promise<ProjectStore> {
    const abs = path.resolve(dir);
    try {
      await makeDirs(path.join(abs, 'cache'));
      await access(abs, constants.W_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw cannotOpen(abs, `the folder cannot be created or written (${code})`, 'Choose a folder you are allowed to write to.');
    }
    if (openDirs.has(abs)) throw new UserError('busy', `The project at ${abs} is already open. Close it before opening it again.`);
    openDirs.add(abs);
    let db: Db | null = null;
    try {
      db = await openDb(abs, path.join(abs, DB_FILE));
      const version = await db.raw((conn) => migrate(conn));
      return new ProjectStore(abs, db, version);
    } catch (err) {
      await db?.close().catch(() => undefined);
      openDirs.delete(abs);
      if (err instanceof NotAProjectError) {
        throw cannotOpen(abs, `${DB_FILE} is a DuckDB database but not a BYOL Explorer project`, 'Choose another folder, or move that file away.');
      }
      if (err instanceof NewerSchemaError) {
        throw cannotOpen(abs, `it was saved by a newer version of BYOL Explorer (${err.message})`, 'Update the app to open it.');
      }
      if (err instanceof UserError) throw err;
      throw cannotOpen(abs, (err as Error).message, 'The file may be damaged; restore it from a backup or choose another folder.');
    }
  }

  async info(): Promise<ProjectInfo> {
    const [name, sourceFolder, counts] = await Promise.all([this.getMeta('name'), this.getMeta('sourceFolder'), this.db.read(img.imageCounts)]);
    return { dir: this.dir, name: name ?? path.basename(this.dir), sourceFolder, ...counts, schemaVersion: this.version };
  }

  async getMeta(key: string): Promise<string | null> {
    const v = await this.db.read((c) => queryValue(c, 'SELECT value FROM meta WHERE key = $1', [key]));
    return typeof v === 'string' ? v : null;
  }

  setMeta(key: string, value: string): Promise<void> {
    return this.db.write(async (c) => {
      await c.run('INSERT OR REPLACE INTO meta (key, value) VALUES ($1, $2)', [key, value]);
    });
  }

  /** Every image row, removed ones included, keyed by relative path (for incremental re-ingest). */
  knownFiles(): Promise<Map<string, img.KnownFile>> {
    return this.db.read(img.knownFiles);
  }

  /** One transaction: new paths get new ids, changed ones are updated in place and un-removed. */
  upsertImages(rows: img.ImageRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return this.db.write(async (c) => {
      await img.stageImages(c, rows);
      await img.mergeStaged(c);
    });
  }

  /** Rows stay (flagged) so labels and embeddings survive the file coming back. */
  markRemoved(relPaths: string[]): Promise<void> {
    if (relPaths.length === 0) return Promise.resolve();
    return this.db.write((c) => img.markRemoved(c, relPaths));
  }

  replaceSkipped(items: SkippedItem[]): Promise<void> {
    return this.db.write((c) => img.replaceSkipped(c, items));
  }

  pageImages(offset: number, limit: number, filter?: ImageFilter): Promise<{ total: number; items: ImageItem[] }> {
    return this.db.read((c) => img.pageImages(c, offset, limit, filter));
  }

  imageIds(filter: ImageFilter | undefined, offset = 0, limit = Number.MAX_SAFE_INTEGER): Promise<number[]> {
    return this.db.read((c) => img.imageIds(c, filter, offset, limit));
  }

  imagesByIds(ids: readonly number[]): Promise<ImageItem[]> {
    return this.db.read((c) => img.imagesByIds(c, ids));
  }

  imageFacets(): Promise<ImageFacets> {
    return this.db.read((c) => img.imageFacets(c));
  }

  pageSkipped(offset: number, limit: number): Promise<{ total: number; items: SkippedItem[] }> {
    return this.db.read((c) => img.pageSkipped(c, offset, limit));
  }

  imageById(id: number): Promise<ImageItem | null> {
    return this.db.read((c) => img.imageById(c, id));
  }

  /** Starts a training run; returns its id ('run-0001', ...). */
  createRun(config: object, kind = 'byol'): Promise<string> {
    return this.db.write((c) => emb.createRun(c, config, kind));
  }

  finishRun(runId: string, status: emb.RunStatus = 'done', summary?: object): Promise<void> {
    return this.db.write((c) => emb.finishRun(c, runId, status, summary));
  }

  runOutcome(runId: string): ReturnType<typeof emb.runOutcome> {
    return this.db.read((c) => emb.runOutcome(c, runId));
  }

  /** Replaces the run's embeddings in one transaction: row i is data[i*dim .. (i+1)*dim). */
  putEmbeddings(runId: string, ids: Int32Array | number[], dim: number, data: Float32Array): Promise<void> {
    return this.db.write((c) => emb.putEmbeddings(c, runId, ids, dim, data));
  }

  /** A run's embeddings ordered by image id; the latest run with embeddings by default. */
  getEmbeddings(runId?: string): Promise<{ ids: Int32Array; dim: number; data: Float32Array } | null> {
    return this.db.read((c) => emb.getEmbeddings(c, runId));
  }

  /** Label classes, per-image labels and their undoable history, on this project's database. */
  get labels(): LabelStore {
    return new LabelStore(this.db);
  }

  get clusters(): ClusterStore {
    return new ClusterStore(this.db);
  }

  /** Predictions, duplicate-review marks and label-export rows. */
  get predictions(): PredictionStore {
    return new PredictionStore(this.db);
  }

  /** Image `id` and the `count` − 1 present images nearest to it in the latest embeddings. */
  similarImages(id: number, count: number): Promise<SimilarImages> {
    return this.db.read((c) => similarImages(c, id, count));
  }

  /** The `count` present images nearest to `vector` in run `runId`'s embeddings. */
  nearestToVector(runId: string, vector: Float32Array, count: number): Promise<Ranked[]> {
    return this.db.read((c) => nearestToVector(c, runId, vector, count));
  }

  /** The run whose embeddings getEmbeddings() returns by default, or null. */
  latestEmbeddingRunId(): Promise<string | null> {
    return this.db.read((c) => emb.latestEmbeddingRun(c));
  }

  /** latestEmbeddingRunId, or a UserError asking to train first. */
  requireLatestEmbeddingRunId(): Promise<string> {
    return this.db.read((c) => emb.requireLatestEmbeddingRun(c));
  }

  /** See parquet.ts for the columns. */
  exportParquet(file: string): Promise<{ rows: number }> {
    return this.db.read((c) => exportParquet(c, file));
  }

  importParquet(file: string): Promise<{ rows: number }> {
    return this.db.write((c) => importParquet(c, file));
  }

  async close(): Promise<void> {
    await this.db.close();
    openDirs.delete(this.dir);
  }
}
