/**
 * Cluster runs: which embedding run and method produced them, k, the quality scores shown to
 * the user (e.g. silhouette per k tried), and each image's cluster (−1 = noise). Naming a
 * cluster records the name here; the labels themselves go through LabelStore (undoable).
 */
import { DuckDBDataChunk, INTEGER, VARCHAR } from '@duckdb/node-api';
import type { Db } from './db';
import { queryNumber, queryRows } from './read';

export interface ClusterRunInfo {
  id: string;
  embeddingRun: string;
  method: string;
  k: number;
  params: Record<string, unknown>;
  scores: unknown;
  createdAt: number;
}

export interface ClusterCount {
  cluster: number;
  count: number;
  name: string | null;
}

const CHUNK_ROWS = 2048;

export class ClusterStore {
  constructor(private readonly db: Db) {}

  /** Saves a whole run in one transaction; returns its id ('cl-0001', ...). */
  saveRun(r: { embeddingRun: string; method: string; k: number; params: object; scores: unknown; ids: Int32Array; clusters: Int32Array }): Promise<string> {
    return this.db.write(async (c) => {
      const seq = (await queryNumber(c, 'SELECT coalesce(max(seq), 0) FROM cluster_runs')) + 1;
      const id = `cl-${String(seq).padStart(4, '0')}`;
      await c.run('INSERT INTO cluster_runs (id, seq, embedding_run, method, k, params, scores) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        id, seq, r.embeddingRun, r.method, r.k, JSON.stringify(r.params), JSON.stringify(r.scores),
      ]);
      const app = await c.createAppender('clusters');
      try {
        for (let start = 0; start < r.ids.length; start += CHUNK_ROWS) {
          const n = Math.min(CHUNK_ROWS, r.ids.length - start);
          const chunk = DuckDBDataChunk.create([VARCHAR, INTEGER, INTEGER], n);
          chunk.setColumnValues(0, new Array<string>(n).fill(id));
          chunk.setColumnValues(1, Array.from(r.ids.subarray(start, start + n)));
          chunk.setColumnValues(2, Array.from(r.clusters.subarray(start, start + n)));
          app.appendDataChunk(chunk);
        }
        app.flushSync();
      } finally {
        app.closeSync();
      }
      return id;
    });
  }

  async runs(): Promise<ClusterRunInfo[]> {
    const rows = await this.db.read((c) =>
      queryRows<{ id: string; embedding_run: string; method: string; k: number; params: string; scores: string; created_at: number }>(
        c,
        'SELECT id, embedding_run, method, k, params, scores, created_at FROM cluster_runs ORDER BY seq',
      ),
    );
    return rows.map((r) => ({
      id: r.id, embeddingRun: r.embedding_run, method: r.method, k: r.k,
      params: JSON.parse(r.params) as Record<string, unknown>, scores: JSON.parse(r.scores) as unknown, createdAt: r.created_at,
    }));
  }

  async latestRun(): Promise<ClusterRunInfo | null> {
    return (await this.runs()).at(-1) ?? null;
  }

  /** Images per cluster of a run (present images only), with names given so far. */
  counts(runId: string): Promise<ClusterCount[]> {
    return this.db.read((c) =>
      queryRows<ClusterCount>(
        c,
        `SELECT k.cluster, count(*) AS count,
           (SELECT last(n.name) FROM cluster_names n WHERE n.run_id = k.run_id AND n.cluster = k.cluster) AS name
         FROM clusters k JOIN images i ON i.id = k.image_id WHERE k.run_id = $1 AND NOT i.removed
         GROUP BY k.run_id, k.cluster ORDER BY k.cluster`,
        [runId],
      ),
    );
  }

  /** Present image ids in one cluster, ascending. */
  async members(runId: string, cluster: number): Promise<Int32Array> {
    const rows = await this.db.read((c) =>
      queryRows<{ id: number }>(
        c,
        'SELECT k.image_id AS id FROM clusters k JOIN images i ON i.id = k.image_id WHERE k.run_id = $1 AND k.cluster = $2 AND NOT i.removed ORDER BY 1',
        [runId, cluster],
      ),
    );
    return Int32Array.from(rows, (r) => r.id);
  }

  setName(runId: string, cluster: number, name: string): Promise<void> {
    return this.db.write(async (c) => {
      await c.run('DELETE FROM cluster_names WHERE run_id = $1 AND cluster = $2', [runId, cluster]);
      await c.run('INSERT INTO cluster_names (run_id, cluster, name) VALUES ($1, $2, $3)', [runId, cluster, name]);
    });
  }
}
