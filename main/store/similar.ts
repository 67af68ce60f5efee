import type { DuckDBConnection } from '@duckdb/node-api';
import { UserError } from '../api/errors';
import { requireLatestEmbeddingRun } from './embeddings';
import { queryRows, queryValue, type Params } from './read';

export interface Ranked {
  id: number;
  similarity: number;
}

export interface SimilarImages {
  runId: string;
  /** The query image first (when it is one of the project's), then the most similar present images. */
  items: Ranked[];
}

/**
 * Ranks the present images of run $1 by cosine similarity to the `q` CTE's vector, by
 * exhaustive search inside DuckDB (vectorised and multi-threaded: about 40 ms for the top
 * 1,000 of 100k × 128), so the answer is exact and nothing is held in memory between calls.
 * An all-zero vector has no direction and sorts last.
 */
async function rank(conn: DuckDBConnection, q: string, params: Params, count: number, firstId: number | null): Promise<Ranked[]> {
  const rows = await queryRows<Ranked & { similarity: number | null }>(
    conn,
    `WITH q AS (${q})
     SELECT e.image_id AS id, list_cosine_similarity(e.vector, q.vector) AS similarity
     FROM embeddings e JOIN images i ON i.id = e.image_id AND NOT i.removed, q
     WHERE e.run_id = $1
     ORDER BY ${firstId === null ? '' : `e.image_id = ${Math.trunc(firstId)} DESC, `}isnan(similarity) OR similarity IS NULL, similarity DESC, e.image_id
     LIMIT ${Math.max(1, Math.trunc(count))}`,
    params,
  );
  return rows.map((r) => ({ id: r.id, similarity: r.similarity === null || Number.isNaN(r.similarity) ? 0 : r.similarity }));
}

/** Image `id` and the `count` − 1 present images nearest to it in the latest embeddings. */
export async function similarImages(conn: DuckDBConnection, id: number, count: number): Promise<SimilarImages> {
  const runId = await requireLatestEmbeddingRun(conn);
  const present = await queryValue(conn, 'SELECT NOT removed FROM images WHERE id = $1', [id]);
  if (present !== true) throw new UserError('not_found', `Image ${id} is not in this project.`);
  const has = await queryValue(conn, 'SELECT 1 FROM embeddings WHERE run_id = $1 AND image_id = $2', [runId, id]);
  if (has === null) throw new UserError('failed', `Image ${id} has no embedding in ${runId}: it was added after training. Run \`embed\` (or train again) to include it.`);
  const items = await rank(conn, 'SELECT vector FROM embeddings WHERE run_id = $1 AND image_id = $2', [runId, id], count, id);
  return { runId, items };
}

/** The `count` present images nearest to a vector computed elsewhere (an image from outside the project). */
export async function nearestToVector(conn: DuckDBConnection, runId: string, vector: Float32Array, count: number): Promise<Ranked[]> {
  const dim = await queryValue(conn, 'SELECT len(vector) FROM embeddings WHERE run_id = $1 LIMIT 1', [runId]);
  if (dim === null) throw new UserError('failed', `Run ${runId} has no embeddings. Train the model (or run \`embed\`) first.`);
  if (Number(dim) !== vector.length) throw new UserError('failed', `The query has ${vector.length} dimensions but ${runId}'s embeddings have ${Number(dim)}.`);
  // A float32 printed by JS reads back as the same float32.
  return rank(conn, 'SELECT $2::FLOAT[] AS vector', [runId, `[${Array.from(vector).join(',')}]`], count, null);
}
