import type { DuckDBConnection } from '@duckdb/node-api';
import { UserError } from '../api/errors';
import { latestEmbeddingRun } from './embeddings';
import { queryRows, queryValue } from './read';

export interface SimilarImages {
  runId: string;
  /** The query image first, then the most similar present images, most similar first. */
  items: { id: number; similarity: number }[];
}

/**
 * The `count` images whose latest embeddings are nearest to image `id`'s by cosine similarity,
 * by exhaustive search inside DuckDB (vectorised and multi-threaded: about 55 ms over 100k
 * images of 192 dimensions), so the answer is exact and nothing is held in memory between
 * calls. Removed images are left out; an all-zero vector has no direction and sorts last.
 */
export async function similarImages(conn: DuckDBConnection, id: number, count: number): Promise<SimilarImages> {
  const runId = await latestEmbeddingRun(conn);
  if (!runId) throw new UserError('failed', 'This project has no embeddings yet. Train the model (or run `embed`) first.');
  const present = await queryValue(conn, 'SELECT NOT removed FROM images WHERE id = $1', [id]);
  if (present !== true) throw new UserError('not_found', `Image ${id} is not in this project.`);
  const has = await queryValue(conn, 'SELECT 1 FROM embeddings WHERE run_id = $1 AND image_id = $2', [runId, id]);
  if (has === null) throw new UserError('failed', `Image ${id} has no embedding in ${runId}: it was added after training. Run \`embed\` (or train again) to include it.`);
  const rows = await queryRows<{ id: number; similarity: number | null }>(
    conn,
    `WITH q AS (SELECT vector FROM embeddings WHERE run_id = $1 AND image_id = $2)
     SELECT e.image_id AS id, list_cosine_similarity(e.vector, q.vector) AS similarity
     FROM embeddings e JOIN images i ON i.id = e.image_id AND NOT i.removed, q
     WHERE e.run_id = $1
     ORDER BY e.image_id = $2 DESC, isnan(similarity) OR similarity IS NULL, similarity DESC, e.image_id
     LIMIT $3`,
    [runId, id, count],
  );
  return { runId, items: rows.map((r) => ({ id: r.id, similarity: r.similarity === null || Number.isNaN(r.similarity) ? 0 : r.similarity })) };
}
