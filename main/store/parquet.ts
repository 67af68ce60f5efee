/**
 * Parquet export and import of a project's images, embeddings and labels.
 *
 * Columns (one row per image, ordered by path):
 *
 * | column    | type      | meaning                                                          |
 * |-----------|-----------|------------------------------------------------------------------|
 * | id        | INTEGER   | image id in the exporting project (import ignores it)             |
 * | path      | VARCHAR   | image path relative to the source folder; REQUIRED on import      |
 * | width     | INTEGER   | pixels                                                            |
 * | height    | INTEGER   | pixels                                                            |
 * | bytes     | BIGINT    | file size                                                         |
 * | mtime_ms  | DOUBLE    | file modification time, milliseconds since 1970                   |
 * | hash      | VARCHAR   | content hash; exact duplicates share it                           |
 * | embedding | FLOAT[]   | the latest run's embedding (float32, bit-exact), NULL if none     |
 * | label     | VARCHAR   | the image's label, NULL if unlabeled                              |
 *
 * On import only `path` is required; missing optional columns default to 0 / '' / NULL,
 * other columns are ignored. `embedding` may also be DOUBLE[] or fixed-size FLOAT[n] /
 * DOUBLE[n] (rounded to float32); all non-NULL embeddings must have the same length.
 * Imported embeddings become a new run of kind 'import', so vectors computed elsewhere can
 * be explored here.
 */
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { UserError } from '../api/errors';
import { createRun, finishRun, latestEmbeddingRun } from './embeddings';
import { mergeStaged, resetStage } from './images';
import { queryNumber, queryRows, queryValue } from './read';

const INT = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/;
const NUM = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL\(\d+,\d+\))$/;

/** Accepted import columns: the type each must have, and the value used when it is absent. */
const COLUMNS: Record<string, { ok: RegExp; want: string; cast: string; missing: string }> = {
  path: { ok: /^VARCHAR$/, want: 'VARCHAR', cast: 'VARCHAR', missing: '' },
  bytes: { ok: INT, want: 'an integer', cast: 'BIGINT', missing: '0' },
  mtime_ms: { ok: NUM, want: 'a number', cast: 'DOUBLE', missing: '0' },
  width: { ok: INT, want: 'an integer', cast: 'INTEGER', missing: '0' },
  height: { ok: INT, want: 'an integer', cast: 'INTEGER', missing: '0' },
  hash: { ok: /^VARCHAR$/, want: 'VARCHAR', cast: 'VARCHAR', missing: "''" },
  embedding: { ok: /^(FLOAT|DOUBLE)\[\d*\]$/, want: 'FLOAT[] (a list of float32)', cast: 'FLOAT[]', missing: 'NULL' },
  label: { ok: /^VARCHAR$/, want: 'VARCHAR', cast: 'VARCHAR', missing: 'NULL' },
};

function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** Writes to a sibling temp file first, so a crash never leaves a half-written Parquet file. */
export async function exportParquet(conn: DuckDBConnection, file: string): Promise<{ rows: number }> {
  const target = path.resolve(file);
  const dirStat = await stat(path.dirname(target)).catch(() => null);
  if (!dirStat?.isDirectory()) {
    throw new UserError('not_found', `Cannot export to ${target}: the folder ${path.dirname(target)} does not exist. Choose an existing folder.`);
  }
  const run = (await latestEmbeddingRun(conn)) ?? '';
  const partial = `${target}.partial-${process.pid}`;
  try {
    const result = await conn.run(
      `COPY (
         SELECT i.id, i.rel_path AS path, i.width, i.height, i.bytes, i.mtime_ms, i.hash,
           e.vector AS embedding, l.label
         FROM images i
         LEFT JOIN embeddings e ON e.image_id = i.id AND e.run_id = $1
         LEFT JOIN labels l ON l.image_id = i.id
         WHERE NOT i.removed ORDER BY i.rel_path
       ) TO ${sqlString(partial)} (FORMAT parquet)`,
      [run],
    );
    await rename(partial, target);
    return { rows: result.rowsChanged };
  } catch (err) {
    await rm(partial, { force: true });
    if (err instanceof UserError) throw err;
    throw new UserError('failed', `Cannot write ${target}: ${(err as Error).message}. Check that the folder is writable and the disk is not full.`);
  }
}

async function describe(conn: DuckDBConnection, file: string): Promise<Map<string, string>> {
  try {
    const rows = await queryRows<{ column_name: string; column_type: string }>(conn, 'DESCRIBE SELECT * FROM read_parquet($1)', [file]);
    return new Map(rows.map((r) => [r.column_name, r.column_type]));
  } catch (err) {
    throw new UserError('failed', `Cannot read ${file} as Parquet: ${(err as Error).message}. Choose a .parquet file exported by this app or with the documented columns.`);
  }
}

/** The SELECT list that maps the file's columns onto ours, after checking their types. */
function selectList(file: string, types: Map<string, string>): string {
  if (!types.has('path')) {
    throw new UserError('invalid_request', `${file} has no "path" column. Each row needs the image's relative path in a VARCHAR column named "path".`);
  }
  return Object.entries(COLUMNS)
    .map(([name, spec]) => {
      const type = types.get(name);
      if (type === undefined) return `${spec.missing}::${spec.cast} AS ${name}`;
      if (!spec.ok.test(type)) {
        throw new UserError('invalid_request', `Column "${name}" in ${file} is ${type}, but it must be ${spec.want}. Convert it and import again.`);
      }
      // NULLs in the numeric / hash columns mean "unknown", like a missing column.
      const value = spec.missing === 'NULL' || name === 'path' ? `"${name}"::${spec.cast}` : `coalesce("${name}"::${spec.cast}, ${spec.missing})`;
      return `${value} AS ${name}`;
    })
    .join(', ');
}

/** Imports inside the caller's transaction, so a bad file changes nothing. */
export async function importParquet(conn: DuckDBConnection, file: string): Promise<{ rows: number }> {
  const source = path.resolve(file);
  const st = await stat(source).catch(() => null);
  if (!st?.isFile()) throw new UserError('not_found', `Cannot import ${source}: no such file. Choose an existing .parquet file.`);
  const select = selectList(source, await describe(conn, source));
  await conn.run(`CREATE OR REPLACE TEMP TABLE import_src AS SELECT ${select} FROM read_parquet($1)`, [source]);
  const src = 'temp.main.import_src';

  const dims = await queryRows<{ d: number }>(conn, `SELECT DISTINCT len(embedding) AS d FROM ${src} WHERE embedding IS NOT NULL LIMIT 2`);
  if (dims.length > 1) throw new UserError('invalid_request', `Embeddings in ${source} have different lengths; every row must have the same number of values.`);
  if (dims.length === 1 && dims[0].d === 0) throw new UserError('invalid_request', `Embeddings in ${source} are empty lists.`);

  await resetStage(conn);
  await conn.run(`INSERT INTO temp.main.stage_images SELECT path, bytes, mtime_ms, width, height, hash FROM ${src}`);
  await mergeStaged(conn);

  if (dims.length === 1) {
    const runId = await createRun(conn, { source: 'parquet', file: path.basename(source) }, 'import');
    await conn.run(
      `INSERT INTO embeddings SELECT $1, i.id, s.embedding FROM ${src} s JOIN images i ON i.rel_path = s.path WHERE s.embedding IS NOT NULL`,
      [runId],
    );
    await conn.run('UPDATE runs SET dim = $2 WHERE id = $1', [runId, dims[0].d]);
    await finishRun(conn, runId, 'done', { rows: await queryNumber(conn, 'SELECT count(*) FROM embeddings WHERE run_id = $1', [runId]) });
  }

  if ((await queryValue(conn, `SELECT 1 FROM ${src} WHERE label IS NOT NULL LIMIT 1`)) !== null) {
    const labelled = `SELECT i.id, s.label FROM ${src} s JOIN images i ON i.rel_path = s.path WHERE s.label IS NOT NULL`;
    await conn.run(`INSERT OR REPLACE INTO labels (image_id, label, source, confidence, updated_at)
      SELECT id, label, 'import', NULL, current_timestamp FROM (${labelled})`);
    await conn.run(`INSERT INTO label_history (image_id, label, source) SELECT id, label, 'import' FROM (${labelled})`);
  }
  return { rows: await queryNumber(conn, `SELECT count(*) FROM ${src}`) };
}
