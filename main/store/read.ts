/**
 * The ONLY place that reads DuckDB results. Everything leaving here is plain JS (numbers,
 * strings, copied Uint8Arrays / Float32Arrays), never a view into DuckDB's native memory:
 * Electron forbids external buffers from native addons, and a view into a result chunk
 * would dangle once the chunk is freed (DESIGN.md, "Facts worth knowing").
 */
import {
  DuckDBArrayValue,
  DuckDBBlobValue,
  DuckDBListValue,
  DuckDBListVector,
  DuckDBTimestampValue,
  type DuckDBConnection,
  type DuckDBValue,
} from '@duckdb/node-api';

export type Plain = null | boolean | number | string | Uint8Array | Plain[];
export type Row = Record<string, Plain>;
export type Params = DuckDBValue[];

function plain(v: DuckDBValue): Plain {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  // Counts, ids and byte sizes all fit in 2^53.
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof DuckDBBlobValue) return Uint8Array.from(v.bytes);
  if (v instanceof DuckDBListValue || v instanceof DuckDBArrayValue) return v.items.map(plain);
  if (v instanceof DuckDBTimestampValue) return Number(v.micros) / 1000;
  return String(v);
}

/** All rows as plain objects keyed by column name. The row type is the caller's promise. */
export async function queryRows<T extends object = Row>(conn: DuckDBConnection, sql: string, params?: Params): Promise<T[]> {
  const reader = await conn.runAndReadAll(sql, params);
  const names = reader.columnNames();
  return reader.getRows().map((values) => {
    const row: Row = {};
    for (let c = 0; c < names.length; c++) row[names[c]] = plain(values[c]);
    return row as T;
  });
}

/** The first column of the first row, or null when there is no row. */
export async function queryValue(conn: DuckDBConnection, sql: string, params?: Params): Promise<Plain> {
  const reader = await conn.runAndReadAll(sql, params);
  if (reader.currentRowCount === 0) return null;
  return plain(reader.value(0, 0));
}

export async function queryNumber(conn: DuckDBConnection, sql: string, params?: Params): Promise<number> {
  const v = await queryValue(conn, sql, params);
  return typeof v === 'number' ? v : 0;
}

export interface FloatRows {
  ids: Int32Array;
  dim: number;
  data: Float32Array;
}

/**
 * Reads (INTEGER id, FLOAT[] vector) rows straight from the result vectors into one
 * Float32Array. Going through per-row list values would build a JS number array per
 * row; this reads each child float once and writes it into our own buffer (a copy).
 */
export async function queryFloatRows(conn: DuckDBConnection, sql: string, params?: Params): Promise<FloatRows> {
  const result = await conn.run(sql, params);
  const idParts: Int32Array[] = [];
  const dataParts: Float32Array[] = [];
  let dim = -1;
  let rows = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const n = chunk.rowCount;
    const idVec = chunk.getColumnVector(0);
    const listVec = chunk.getColumnVector(1);
    if (!(listVec instanceof DuckDBListVector)) throw new Error('queryFloatRows expects a FLOAT[] second column.');
    const child = listVec.childVector;
    const ids = new Int32Array(n);
    let data: Float32Array | null = null;
    for (let i = 0; i < n; i++) {
      const len = listVec.getEntryLength(i);
      if (dim < 0) dim = len;
      if (len !== dim) throw new Error(`Stored vectors have mixed lengths (${dim} and ${len}).`);
      data ??= new Float32Array(n * dim);
      ids[i] = Number(idVec.getItem(i));
      const off = listVec.getEntryOffset(i);
      const base = i * dim;
      for (let k = 0; k < dim; k++) data[base + k] = child.getItem(off + k) as number;
    }
    idParts.push(ids);
    dataParts.push(data ?? new Float32Array(0));
    rows += n;
  }
  const ids = new Int32Array(rows);
  const data = new Float32Array(rows * Math.max(dim, 0));
  let r = 0;
  for (let p = 0; p < idParts.length; p++) {
    ids.set(idParts[p], r);
    data.set(dataParts[p], r * dim);
    r += idParts[p].length;
  }
  return { ids, dim: Math.max(dim, 0), data };
}
