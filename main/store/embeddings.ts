import { DuckDBDataChunk, FLOAT, INTEGER, LIST, VARCHAR, listValue, type DuckDBConnection } from '@duckdb/node-api';
import { UserError } from '../api/errors';
import { queryFloatRows, queryNumber, queryRows, queryValue, type FloatRows } from './read';

export type RunStatus = 'running' | 'done' | 'failed' | 'cancelled';

/** Rows per appended data chunk: DuckDB's standard vector size. */
const CHUNK_ROWS = 2048;

/** Creates a run in the caller's transaction; ids are 'run-0001', 'run-0002', ... in creation order. */
export async function createRun(conn: DuckDBConnection, config: object, kind = 'byol'): Promise<string> {
  const seq = (await queryNumber(conn, 'SELECT coalesce(max(seq), 0) FROM runs')) + 1;
  const id = `run-${String(seq).padStart(4, '0')}`;
  await conn.run(`INSERT INTO runs (id, seq, kind, config, status) VALUES ($1, $2, $3, $4, 'running')`, [
    id,
    seq,
    kind,
    JSON.stringify(config),
  ]);
  return id;
}

async function requireRun(conn: DuckDBConnection, runId: string): Promise<void> {
  const found = await queryValue(conn, 'SELECT id FROM runs WHERE id = $1', [runId]);
  if (found === null) throw new UserError('not_found', `Training run "${runId}" does not exist in this project. Start a new run.`);
}

export async function finishRun(conn: DuckDBConnection, runId: string, status: RunStatus, summary?: object): Promise<void> {
  await requireRun(conn, runId);
  await conn.run('UPDATE runs SET status = $2, finished_at = current_timestamp, summary = $3 WHERE id = $1', [
    runId,
    status,
    summary === undefined ? null : JSON.stringify(summary),
  ]);
}

/** A run's status and its summary (JSON as the trainer reported it), or null if there is no such run. */
export async function runOutcome(conn: DuckDBConnection, runId: string): Promise<{ status: RunStatus; summary: Record<string, unknown> | null } | null> {
  const [row] = await queryRows<{ status: RunStatus; summary: string | null }>(conn, 'SELECT status, summary FROM runs WHERE id = $1', [runId]);
  if (!row) return null;
  return { status: row.status, summary: row.summary === null ? null : (JSON.parse(row.summary) as Record<string, unknown>) };
}

function checkShape(ids: Int32Array | readonly number[], dim: number, data: Float32Array): void {
  if (!Number.isInteger(dim) || dim <= 0) throw new UserError('invalid_request', `Embedding dimension must be a positive integer, got ${dim}.`);
  if (data.length !== ids.length * dim) {
    throw new UserError('invalid_request', `Embedding data holds ${data.length} floats but ${ids.length} ids x ${dim} dims need ${ids.length * dim}.`);
  }
  const seen = new Set<number>();
  for (const id of ids) {
    if (!Number.isInteger(id)) throw new UserError('invalid_request', `Image id ${id} is not an integer.`);
    if (seen.has(id)) throw new UserError('invalid_request', `Image id ${id} appears twice in one embedding batch.`);
    seen.add(id);
  }
}

/**
 * Replaces all of a run's embeddings, inside the caller's transaction. Rows go in through
 * data chunks (a LIST(FLOAT) child vector filled in bulk): the row appender's appendList
 * creates one native value per float and is ~30x slower.
 */
export async function putEmbeddings(
  conn: DuckDBConnection,
  runId: string,
  ids: Int32Array | readonly number[],
  dim: number,
  data: Float32Array,
): Promise<void> {
  checkShape(ids, dim, data);
  await requireRun(conn, runId);
  await conn.run('DELETE FROM embeddings WHERE run_id = $1', [runId]);
  const app = await conn.createAppender('embeddings');
  try {
    for (let start = 0; start < ids.length; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, ids.length - start);
      const chunk = DuckDBDataChunk.create([VARCHAR, INTEGER, LIST(FLOAT)], n);
      const runCol: string[] = new Array<string>(n).fill(runId);
      const idCol: number[] = new Array<number>(n);
      const vecCol = new Array<ReturnType<typeof listValue>>(n);
      for (let i = 0; i < n; i++) {
        const row = start + i;
        idCol[i] = ids[row];
        vecCol[i] = listValue(Array.from(data.subarray(row * dim, (row + 1) * dim)));
      }
      chunk.setColumnValues(0, runCol);
      chunk.setColumnValues(1, idCol);
      chunk.setColumnValues(2, vecCol);
      app.appendDataChunk(chunk);
    }
    app.flushSync();
  } finally {
    app.closeSync();
  }
  const unknown = await queryValue(
    conn,
    'SELECT e.image_id FROM embeddings e WHERE e.run_id = $1 AND NOT EXISTS (SELECT 1 FROM images i WHERE i.id = e.image_id) LIMIT 1',
    [runId],
  );
  if (unknown !== null) throw new UserError('invalid_request', `Image id ${String(unknown)} is not in this project; no embeddings were saved.`);
  await conn.run('UPDATE runs SET dim = $2 WHERE id = $1', [runId, dim]);
}

/** The run with the newest embeddings, or null when no run has any. */
export async function latestEmbeddingRun(conn: DuckDBConnection): Promise<string | null> {
  const id = await queryValue(
    conn,
    'SELECT r.id FROM runs r WHERE EXISTS (SELECT 1 FROM embeddings e WHERE e.run_id = r.id) ORDER BY r.seq DESC LIMIT 1',
  );
  return typeof id === 'string' ? id : null;
}

export const NO_EMBEDDINGS = 'This project has no embeddings yet. Train the model (or run `embed`) first.';

/** latestEmbeddingRun, for the actions that cannot go on without one. */
export async function requireLatestEmbeddingRun(conn: DuckDBConnection): Promise<string> {
  const runId = await latestEmbeddingRun(conn);
  if (!runId) throw new UserError('failed', NO_EMBEDDINGS);
  return runId;
}

/** A run's embeddings ordered by image id (latest run with embeddings by default); null if none. */
export async function getEmbeddings(conn: DuckDBConnection, runId?: string): Promise<FloatRows | null> {
  const run = runId ?? (await latestEmbeddingRun(conn));
  if (run === null) return null;
  const rows = await queryFloatRows(conn, 'SELECT image_id, vector FROM embeddings WHERE run_id = $1 ORDER BY image_id', [run]);
  return rows.ids.length === 0 ? null : rows;
}
