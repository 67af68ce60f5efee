import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import type { ImageFacets, ImageFilter, ImageItem, SkippedItem } from '../../preload/contract';
import { UserError } from '../api/errors';
import { queryNumber, queryRows, queryValue, type Params } from './read';

export interface ImageRow {
  relPath: string;
  bytes: number;
  mtimeMs: number;
  width: number;
  height: number;
  hash: string;
}

export interface KnownFile {
  id: number;
  bytes: number;
  mtimeMs: number;
  hash: string;
  removed: boolean;
}

const STAGE = 'temp.main.stage_images';
const PATHS = 'temp.main.stage_paths';

/**
 * Empties (or creates) the connection-local staging table that upserts merge from. Temp
 * tables never reach the database file or its WAL, so a crash leaves nothing behind.
 */
export async function resetStage(conn: DuckDBConnection): Promise<void> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE stage_images (
    rel_path VARCHAR, bytes BIGINT, mtime_ms DOUBLE, width INTEGER, height INTEGER, hash VARCHAR)`);
}

/** Bulk-loads rows into the staging table with the appender (far faster than INSERTs). */
export async function stageImages(conn: DuckDBConnection, rows: readonly ImageRow[]): Promise<void> {
  await resetStage(conn);
  const app = await conn.createAppender('stage_images', 'main', 'temp');
  try {
    for (const r of rows) {
      app.appendVarchar(r.relPath);
      app.appendBigInt(BigInt(Math.round(r.bytes)));
      app.appendDouble(r.mtimeMs);
      app.appendInteger(r.width);
      app.appendInteger(r.height);
      app.appendVarchar(r.hash);
      app.endRow();
    }
    app.flushSync();
  } finally {
    app.closeSync();
  }
}

/**
 * Merges the staging table into images inside the caller's transaction: changed rows are
 * updated in place (keeping their id), new paths get ids above the current maximum.
 * Returns the number of inserted rows.
 */
export async function mergeStaged(conn: DuckDBConnection): Promise<number> {
  const dup = await queryValue(conn, `SELECT rel_path FROM ${STAGE} GROUP BY rel_path HAVING count(*) > 1 LIMIT 1`);
  if (dup !== null) throw new UserError('invalid_request', `The image list names "${String(dup)}" twice. Each path may appear only once.`);
  const bad = await queryValue(conn, `SELECT count(*) FROM ${STAGE} WHERE rel_path IS NULL OR rel_path = ''`);
  if (Number(bad) > 0) throw new UserError('invalid_request', 'Some images have an empty path. Every image needs its relative path.');
  await conn.run(`UPDATE images SET bytes = s.bytes, mtime_ms = s.mtime_ms, width = s.width,
      height = s.height, hash = s.hash, removed = false
    FROM ${STAGE} s
    WHERE images.rel_path = s.rel_path
      AND (images.removed OR images.bytes <> s.bytes OR images.mtime_ms <> s.mtime_ms OR images.width <> s.width
        OR images.height <> s.height OR images.hash <> s.hash)`);
  const inserted = await conn.run(`INSERT INTO images (id, rel_path, bytes, mtime_ms, width, height, hash, removed)
    SELECT (SELECT coalesce(max(id), 0) FROM images) + row_number() OVER (ORDER BY s.rel_path),
      s.rel_path, s.bytes, s.mtime_ms, s.width, s.height, s.hash, false
    FROM ${STAGE} s
    WHERE NOT EXISTS (SELECT 1 FROM images i WHERE i.rel_path = s.rel_path)`);
  return inserted.rowsChanged;
}

export async function markRemoved(conn: DuckDBConnection, relPaths: readonly string[]): Promise<void> {
  await conn.run('CREATE OR REPLACE TEMP TABLE stage_paths (rel_path VARCHAR)');
  const app = await conn.createAppender('stage_paths', 'main', 'temp');
  try {
    for (const p of relPaths) {
      app.appendVarchar(p);
      app.endRow();
    }
    app.flushSync();
  } finally {
    app.closeSync();
  }
  await conn.run(`UPDATE images SET removed = true WHERE NOT removed AND rel_path IN (SELECT rel_path FROM ${PATHS})`);
}

export async function replaceSkipped(conn: DuckDBConnection, items: readonly SkippedItem[]): Promise<void> {
  await conn.run('DELETE FROM skipped');
  const app = await conn.createAppender('skipped');
  try {
    for (const it of items) {
      app.appendVarchar(it.path);
      app.appendVarchar(it.reason);
      app.endRow();
    }
    app.flushSync();
  } finally {
    app.closeSync();
  }
}

export async function knownFiles(conn: DuckDBConnection): Promise<Map<string, KnownFile>> {
  const rows = await queryRows<KnownFile & { relPath: string }>(
    conn,
    'SELECT rel_path AS relPath, id, bytes, mtime_ms AS mtimeMs, hash, removed FROM images',
  );
  const out = new Map<string, KnownFile>();
  for (const r of rows) out.set(r.relPath, { id: r.id, bytes: r.bytes, mtimeMs: r.mtimeMs, hash: r.hash, removed: r.removed });
  return out;
}

// Duplicate groups: hashes shared by more than one non-removed image, numbered 1, 2, ... in
// the order of each group's first path, so numbers follow the paging order. An empty hash
// means "unknown", never a duplicate.
const DUPLICATED = `FROM images WHERE NOT removed AND hash <> '' GROUP BY hash HAVING count(*) > 1`;
const DUPLICATE_HASHES = `SELECT hash ${DUPLICATED}`;
const GROUPS = `groups AS (SELECT hash, row_number() OVER (ORDER BY min(rel_path)) AS grp ${DUPLICATED})`;

const ITEM_COLUMNS = `i.id, i.rel_path AS path, i.width, i.height, i.bytes, i.mtime_ms AS "mtimeMs", i.hash,
  g.grp AS "duplicateGroup", l.label, pk.name AS predicted, p.confidence`;
/** Predictions whose class still exists (a merged-away class drops out), as in predictions.ts. */
const PREDICTIONS = 'LEFT JOIN predictions p ON p.image_id = i.id LEFT JOIN label_classes pk ON pk.id = p.class_id';
/** What ITEM_COLUMNS reads beside images i. */
const ITEM_JOINS = `LEFT JOIN groups g ON g.hash = i.hash LEFT JOIN labels l ON l.image_id = i.id ${PREDICTIONS}`;

/** The parent folder of rel_path, as folderOf() in map-data.ts names it ('(root)' at the top). */
const FOLDER = `CASE WHEN strpos(i.rel_path, '/') = 0 THEN '(root)'
  ELSE left(i.rel_path, length(i.rel_path) - strpos(reverse(i.rel_path), '/')) END`;

/** LIKE's wildcards and its escape character, taken literally. */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The WHERE clause of a filter over filterFrom()'s tables, with its parameters numbered from $1. */
function filterWhere(f: ImageFilter | undefined): { where: string; params: Params } {
  const terms = ['NOT i.removed'];
  const params: Params = [];
  const text = f?.text?.trim();
  if (text) {
    params.push(`%${likeLiteral(text)}%`);
    terms.push(`i.rel_path ILIKE $${params.length} ESCAPE '\\'`);
  }
  if (f?.folder !== undefined) {
    params.push(f.folder);
    terms.push(`${FOLDER} = $${params.length}`);
  }
  if (f?.label === null) terms.push('l.label IS NULL');
  else if (f?.label !== undefined) {
    params.push(f.label);
    terms.push(`l.label = $${params.length}`);
  }
  if (f?.duplicates) terms.push(`i.hash IN (${DUPLICATE_HASHES})`);
  if (f?.predicted !== undefined) {
    params.push(f.predicted);
    terms.push(`pk.name = $${params.length} AND l.label IS NULL`);
  }
  if (f?.maxConfidence !== undefined) {
    params.push(f.maxConfidence);
    terms.push(`pk.name IS NOT NULL AND p.confidence < $${params.length} AND l.label IS NULL`);
  }
  return { where: terms.join(' AND '), params };
}

/** The tables a filter reads, and no more (labels and predictions only when it filters by them). */
function filterFrom(f: ImageFilter | undefined): string {
  const byPrediction = f?.predicted !== undefined || f?.maxConfidence !== undefined;
  const byLabel = f?.label !== undefined || byPrediction;
  return ['images i', byLabel ? 'LEFT JOIN labels l ON l.image_id = i.id' : '', byPrediction ? PREDICTIONS : ''].join(' ');
}

/** A page of the (filtered) images in path order, and how many match in all. */
export async function pageImages(conn: DuckDBConnection, offset: number, limit: number, filter?: ImageFilter): Promise<{ total: number; items: ImageItem[] }> {
  const { where, params } = filterWhere(filter);
  // The count joins only what the filter reads: numbering the duplicate groups costs a window
  // over every image, which doubled an unfiltered page's time at 1M images.
  const total = await queryNumber(conn, `SELECT count(*) FROM ${filterFrom(filter)} WHERE ${where}`, params);
  // The page's rows are chosen first, then joined to their columns: joining labels and
  // predictions for the page alone, not for every image before the sort, halved a page's time
  // at 1M images with predictions.
  const n = params.length;
  const items = await queryRows<ImageItem>(
    conn,
    `WITH ${GROUPS},
       page AS (SELECT i.id, i.rel_path FROM ${filterFrom(filter)} WHERE ${where}
                ORDER BY i.rel_path LIMIT $${n + 1}::BIGINT OFFSET $${n + 2}::BIGINT)
     SELECT ${ITEM_COLUMNS} FROM page JOIN images i ON i.id = page.id ${ITEM_JOINS} ORDER BY page.rel_path`,
    [...params, limit, offset],
  );
  return { total, items };
}

/** The ids of the (filtered) images in path order, from `offset`: what a range or "select all" in the grid selects. */
export async function imageIds(conn: DuckDBConnection, filter: ImageFilter | undefined, offset: number, limit: number): Promise<number[]> {
  const { where, params } = filterWhere(filter);
  const n = params.length;
  const rows = await queryRows<{ id: number }>(
    conn,
    `SELECT i.id FROM ${filterFrom(filter)} WHERE ${where} ORDER BY i.rel_path LIMIT $${n + 1}::BIGINT OFFSET $${n + 2}::BIGINT`,
    [...params, limit, offset],
  );
  return rows.map((r) => r.id);
}

/** The grid filters' choices: every folder and class with its image count. */
export async function imageFacets(conn: DuckDBConnection): Promise<ImageFacets> {
  const folders = await queryRows<{ name: string; count: number }>(
    conn,
    `SELECT ${FOLDER} AS name, count(*) AS count FROM images i WHERE NOT i.removed GROUP BY name ORDER BY name`,
  );
  const labels = await queryRows<{ name: string; color: string; count: number }>(
    conn,
    `SELECT k.name, k.color, count(i.id) AS count FROM label_classes k
     LEFT JOIN labels l ON l.label = k.name LEFT JOIN images i ON i.id = l.image_id AND NOT i.removed
     GROUP BY k.id, k.name, k.color ORDER BY k.id`,
  );
  // Membership is all these counts need: no group numbers, no predictions.
  const [row] = await queryRows<{ unlabelled: number; duplicates: number }>(
    conn,
    `SELECT count(*) FILTER (WHERE l.label IS NULL) AS unlabelled, count(*) FILTER (WHERE i.hash IN (${DUPLICATE_HASHES})) AS duplicates
     FROM images i LEFT JOIN labels l ON l.image_id = i.id WHERE NOT i.removed`,
  );
  const predicted = await queryRows<{ name: string; count: number }>(
    conn,
    `SELECT pk.name, count(*) AS count FROM images i LEFT JOIN labels l ON l.image_id = i.id ${PREDICTIONS}
     WHERE NOT i.removed AND l.label IS NULL AND pk.name IS NOT NULL GROUP BY pk.id, pk.name ORDER BY pk.id`,
  );
  return { folders, labels, unlabelled: row?.unlabelled ?? 0, duplicates: row?.duplicates ?? 0, predicted };
}

/** The images with these ids, in the order given; removed and unknown ids are left out. */
export async function imagesByIds(conn: DuckDBConnection, ids: readonly number[]): Promise<ImageItem[]> {
  if (ids.length === 0) return [];
  return queryRows<ImageItem>(
    conn,
    `WITH ${GROUPS},
       want AS (SELECT unnest(l) AS id, generate_subscripts(l, 1) AS k FROM (SELECT $1::INTEGER[] AS l))
     SELECT ${ITEM_COLUMNS} FROM want w JOIN images i ON i.id = w.id ${ITEM_JOINS}
     WHERE NOT i.removed ORDER BY w.k`,
    [listValue([...ids])],
  );
}

/** A non-removed image, or null (removed images are no longer part of the project's view). */
export async function imageById(conn: DuckDBConnection, id: number): Promise<ImageItem | null> {
  return (await imagesByIds(conn, [id]))[0] ?? null;
}

export async function pageSkipped(conn: DuckDBConnection, offset: number, limit: number): Promise<{ total: number; items: SkippedItem[] }> {
  const total = await queryNumber(conn, 'SELECT count(*) FROM skipped');
  const items = await queryRows<SkippedItem>(
    conn,
    'SELECT rel_path AS path, reason FROM skipped ORDER BY rel_path LIMIT $1::BIGINT OFFSET $2::BIGINT',
    [limit, offset],
  );
  return { total, items };
}

export interface ImageCounts {
  images: number;
  removed: number;
  skipped: number;
  duplicates: number;
}

export async function imageCounts(conn: DuckDBConnection): Promise<ImageCounts> {
  const [row] = await queryRows<ImageCounts>(
    conn,
    `SELECT
       (SELECT count(*) FROM images WHERE NOT removed) AS images,
       (SELECT count(*) FROM images WHERE removed) AS removed,
       (SELECT count(*) FROM skipped) AS skipped,
       (SELECT coalesce(sum(n - 1), 0) FROM (
          SELECT count(*) AS n FROM images WHERE NOT removed AND hash <> '' GROUP BY hash HAVING count(*) > 1)) AS duplicates`,
  );
  return row;
}
