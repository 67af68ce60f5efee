/**
 * Propagated predictions (one per image, replaced as a whole by each propagation run),
 * duplicate-review marks, and the joined rows the label export and the CLI need.
 */
import { DOUBLE, DuckDBDataChunk, INTEGER, VARCHAR } from '@duckdb/node-api';
import type { Db } from './db';
import { latestEmbeddingRun } from './embeddings';
import { queryRows } from './read';

export type DuplicateMark = 'keep' | 'remove' | 'not_duplicate';

export interface ImageIndexRow {
  id: number;
  path: string;
  hash: string;
}

export interface PredictionRow {
  imageId: number;
  classId: number;
  label: string;
  confidence: number;
  method: string;
}

export interface LabelExportRow {
  path: string;
  label: string;
  source: string;
  confidence: number | null;
}

const CHUNK_ROWS = 2048;

export class PredictionStore {
  constructor(private readonly db: Db) {}

  /** Present images, by id: what analyses line embeddings and paths up against. */
  imageIndex(): Promise<ImageIndexRow[]> {
    return this.db.read((c) => queryRows<ImageIndexRow>(c, 'SELECT id, rel_path AS path, hash FROM images WHERE NOT removed ORDER BY id'));
  }

  /** The run whose embeddings getEmbeddings() returns by default; null when none has any. */
  latestEmbeddingRun(): Promise<string | null> {
    return this.db.read(latestEmbeddingRun);
  }

  /** Replaces all predictions in one transaction. */
  replace(method: string, ids: Int32Array, classIds: Int32Array, confidence: Float32Array): Promise<void> {
    return this.db.write(async (c) => {
      await c.run('DELETE FROM predictions');
      const app = await c.createAppender('predictions');
      try {
        for (let start = 0; start < ids.length; start += CHUNK_ROWS) {
          const n = Math.min(CHUNK_ROWS, ids.length - start);
          const chunk = DuckDBDataChunk.create([INTEGER, INTEGER, DOUBLE, VARCHAR], n);
          chunk.setColumnValues(0, Array.from(ids.subarray(start, start + n)));
          chunk.setColumnValues(1, Array.from(classIds.subarray(start, start + n)));
          chunk.setColumnValues(2, Array.from(confidence.subarray(start, start + n)));
          chunk.setColumnValues(3, new Array<string>(n).fill(method));
          app.appendDataChunk(chunk);
        }
        app.flushSync();
      } finally {
        app.closeSync();
      }
    });
  }

  /** Predictions of present images whose class still exists (a merged-away class drops out). */
  list(minConfidence = 0): Promise<PredictionRow[]> {
    return this.db.read((c) =>
      queryRows<PredictionRow>(
        c,
        `SELECT p.image_id AS imageId, p.class_id AS classId, k.name AS label, p.confidence, p.method
         FROM predictions p JOIN label_classes k ON k.id = p.class_id JOIN images i ON i.id = p.image_id
         WHERE NOT i.removed AND p.confidence >= $1 ORDER BY p.image_id`,
        [minConfidence],
      ),
    );
  }

  /**
   * Export rows: every labelled image with its stored source, then every unlabelled image
   * with a prediction as 'propagated'. Ordered by path.
   */
  exportRows(): Promise<LabelExportRow[]> {
    return this.db.read((c) =>
      queryRows<LabelExportRow>(
        c,
        `SELECT i.rel_path AS path, l.label, l.source, l.confidence FROM labels l JOIN images i ON i.id = l.image_id WHERE NOT i.removed
         UNION ALL
         SELECT i.rel_path, k.name, 'propagated', p.confidence FROM predictions p JOIN label_classes k ON k.id = p.class_id
           JOIN images i ON i.id = p.image_id
         WHERE NOT i.removed AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.image_id = p.image_id)
         ORDER BY 1`,
      ),
    );
  }

  setDuplicateMarks(ids: ArrayLike<number>, mark: DuplicateMark | null): Promise<void> {
    return this.db.write(async (c) => {
      for (let i = 0; i < ids.length; i++) {
        await c.run('DELETE FROM duplicate_marks WHERE image_id = $1', [ids[i]]);
        if (mark) await c.run('INSERT INTO duplicate_marks (image_id, mark) VALUES ($1, $2)', [ids[i], mark]);
      }
    });
  }

  async duplicateMarks(): Promise<Map<number, DuplicateMark>> {
    const rows = await this.db.read((c) => queryRows<{ id: number; mark: DuplicateMark }>(c, 'SELECT image_id AS id, mark FROM duplicate_marks'));
    return new Map(rows.map((r) => [r.id, r.mark]));
  }
}
