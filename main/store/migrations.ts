import type { DuckDBConnection } from '@duckdb/node-api';
import { queryNumber, queryRows } from './read';

/**
 * The project schema, as an ordered list of steps. Never edit a released step: add a new
 * one. Each step runs in its own transaction together with its schema_migrations row, so a
 * crash leaves the file at a whole version.
 *
 * Embedding vectors are FLOAT[] rather than BLOB. FLOAT holds a float32 bit for bit; Parquet
 * export and import are then plain SQL (COPY, INSERT ... SELECT), where a BLOB would need a
 * per-float trip through JS (DuckDB cannot cast BLOB to FLOAT[]); and SQL can query vectors.
 * Cost at 100k x 128 (test/bench/store.bench.ts, 2 cores): writing via data chunks takes
 * ~1.2 s, 1.6-4x a BLOB append; reading takes ~0.7 s, about the same as BLOBs (0.6-3 s).
 */
export interface Migration {
  version: number;
  name: string;
  sql: string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'images, skipped files, meta',
    sql: [
      `CREATE TABLE schema_migrations (
         version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,
         applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)`,
      `CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`,
      // id is assigned by the store (max + 1), never reused, and kept when a file changes, so
      // labels and embeddings keyed by image_id survive re-ingest.
      `CREATE TABLE images (
         id INTEGER PRIMARY KEY, rel_path VARCHAR NOT NULL UNIQUE,
         bytes BIGINT NOT NULL, mtime_ms DOUBLE NOT NULL,
         width INTEGER NOT NULL, height INTEGER NOT NULL, hash VARCHAR NOT NULL,
         removed BOOLEAN NOT NULL DEFAULT false,
         added_at TIMESTAMP NOT NULL DEFAULT current_timestamp)`,
      `CREATE TABLE skipped (rel_path VARCHAR NOT NULL, reason VARCHAR NOT NULL)`,
    ],
  },
  {
    version: 2,
    name: 'training runs, embeddings, projections',
    sql: [
      `CREATE TABLE runs (
         id VARCHAR PRIMARY KEY, seq INTEGER NOT NULL, kind VARCHAR NOT NULL,
         config VARCHAR NOT NULL, status VARCHAR NOT NULL, dim INTEGER,
         created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
         finished_at TIMESTAMP, summary VARCHAR)`,
      // No index: rows are replaced per run in bulk and read per run in bulk.
      `CREATE TABLE embeddings (run_id VARCHAR NOT NULL, image_id INTEGER NOT NULL, vector FLOAT[] NOT NULL)`,
      `CREATE TABLE projections (
         run_id VARCHAR NOT NULL, method VARCHAR NOT NULL, image_id INTEGER NOT NULL,
         x FLOAT NOT NULL, y FLOAT NOT NULL, z FLOAT NOT NULL)`,
    ],
  },
  {
    version: 3,
    name: 'labels, label history, clusters',
    sql: [
      `CREATE TABLE labels (
         image_id INTEGER PRIMARY KEY, label VARCHAR NOT NULL, source VARCHAR NOT NULL,
         confidence DOUBLE, updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp)`,
      `CREATE SEQUENCE label_history_seq`,
      // label NULL records that a label was cleared.
      `CREATE TABLE label_history (
         seq BIGINT NOT NULL DEFAULT nextval('label_history_seq'), image_id INTEGER NOT NULL,
         label VARCHAR, source VARCHAR NOT NULL, changed_at TIMESTAMP NOT NULL DEFAULT current_timestamp)`,
      `CREATE TABLE clusters (run_id VARCHAR NOT NULL, image_id INTEGER NOT NULL, cluster INTEGER NOT NULL)`,
    ],
  },
  {
    version: 4,
    name: 'label classes, undoable label operations, cluster runs, predictions, duplicate marks',
    sql: [
      // Names are kept unique by the store, not a constraint: an undo deletes and re-inserts rows.
      `CREATE TABLE label_classes (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, color VARCHAR NOT NULL)`,
      // One row per user action; class_changes is JSON [{id, before, after}] (few rows per op).
      `CREATE TABLE label_ops (
         seq INTEGER PRIMARY KEY, kind VARCHAR NOT NULL, description VARCHAR NOT NULL,
         class_changes VARCHAR NOT NULL, undone BOOLEAN NOT NULL DEFAULT false,
         created_at TIMESTAMP NOT NULL DEFAULT current_timestamp)`,
      // Per-image before/after of an op (label NULL = no label), so undo and redo are exact.
      `CREATE TABLE label_changes (
         op INTEGER NOT NULL, image_id INTEGER NOT NULL,
         before_label VARCHAR, before_source VARCHAR, before_confidence DOUBLE,
         after_label VARCHAR, after_source VARCHAR, after_confidence DOUBLE)`,
      // clusters.run_id holds a cluster run id ('cl-0001'); the embedding run is recorded here.
      `CREATE TABLE cluster_runs (
         id VARCHAR PRIMARY KEY, seq INTEGER NOT NULL, embedding_run VARCHAR NOT NULL, method VARCHAR NOT NULL,
         k INTEGER NOT NULL, params VARCHAR NOT NULL, scores VARCHAR NOT NULL,
         created_at TIMESTAMP NOT NULL DEFAULT current_timestamp)`,
      `CREATE TABLE cluster_names (run_id VARCHAR NOT NULL, cluster INTEGER NOT NULL, name VARCHAR NOT NULL)`,
      `CREATE TABLE predictions (
         image_id INTEGER PRIMARY KEY, class_id INTEGER NOT NULL, confidence DOUBLE NOT NULL, method VARCHAR NOT NULL)`,
      `CREATE TABLE duplicate_marks (
         image_id INTEGER PRIMARY KEY, mark VARCHAR NOT NULL, updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp)`,
    ],
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export class NotAProjectError extends Error {}
export class NewerSchemaError extends Error {
  constructor(readonly version: number) {
    super(`schema version ${version} is newer than this app understands (${LATEST_VERSION})`);
  }
}

/** 0 for an empty database; throws NotAProjectError for a DuckDB file that holds other tables. */
export async function schemaVersion(conn: DuckDBConnection): Promise<number> {
  const tables = await queryRows<{ name: string }>(
    conn,
    `SELECT table_name AS name FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = 'main'`,
  );
  if (tables.length === 0) return 0;
  if (!tables.some((t) => t.name === 'schema_migrations')) throw new NotAProjectError('no schema_migrations table');
  return queryNumber(conn, 'SELECT coalesce(max(version), 0) FROM schema_migrations');
}

/** Applies every step above the current version up to `target`; returns the resulting version. */
export async function migrate(conn: DuckDBConnection, target = LATEST_VERSION): Promise<number> {
  let version = await schemaVersion(conn);
  if (version > LATEST_VERSION) throw new NewerSchemaError(version);
  for (const step of MIGRATIONS) {
    if (step.version <= version || step.version > target) continue;
    await conn.run('BEGIN TRANSACTION');
    try {
      for (const sql of step.sql) await conn.run(sql);
      await conn.run('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [step.version, step.name]);
      await conn.run('COMMIT');
    } catch (err) {
      await conn.run('ROLLBACK').catch(() => undefined);
      throw new Error(`Schema migration ${step.version} (${step.name}) failed: ${(err as Error).message}`);
    }
    version = step.version;
  }
  return version;
}
