import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { UserError } from '../api/errors';

/**
 * DuckDB reports a failed write as e.g. `Failed to commit: Could not write file "…wal": No space
 * left on device`, which says what broke but not what to do. The transaction was rolled back,
 * so what was committed before is intact; say so, and say how to get going again.
 */
export function storageError(err: unknown, file: string): unknown {
  const msg = err instanceof Error ? err.message : String(err);
  const cause = msg.split('\n')[0];
  const dir = path.dirname(file);
  if (/no space left|ENOSPC|disk (is )?full|quota exceeded|EDQUOT/i.test(msg)) {
    return new UserError('failed', `Cannot save to the project at ${dir}: the disk is full (${cause}). Free some disk space, then run the step again; what was saved before is intact.`);
  }
  // Only when it is the project's own file that cannot be written (not, say, a Parquet file being read).
  if (/read-only file system|EROFS|permission denied|EACCES|EPERM/i.test(msg) && msg.includes(dir)) {
    return new UserError('failed', `Cannot save to the project at ${dir}: the folder is read-only (${cause}). Make it writable, or copy the project to a writable folder, then try again.`);
  }
  return err;
}

/**
 * Runs async tasks one after another. A DuckDB connection runs one statement at a time,
 * and a transaction must never interleave with other work on its connection.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/**
 * One DuckDB file with two connections: all writes go through `write` (serialized, each
 * call one transaction), reads through `read` on a second connection, so a long ingest
 * never blocks paging and readers only ever see committed data (MVCC snapshots).
 */
export class Db {
  private readonly writeQueue = new Serial();
  private readonly readQueue = new Serial();
  private closed = false;

  private constructor(
    private readonly file: string,
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
    private readonly reader: DuckDBConnection,
  ) {}

  static async open(file: string): Promise<Db> {
    const instance = await DuckDBInstance.create(file);
    try {
      const writer = await instance.connect();
      const reader = await instance.connect();
      return new Db(file, instance, writer, reader);
    } catch (err) {
      instance.closeSync();
      throw err;
    }
  }

  /** Work outside any explicit transaction (e.g. the migration runner, which makes its own). */
  raw<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.writeQueue.run(() => fn(this.live(this.writer)));
  }

  /** One transaction on the writer connection: committed when fn resolves, rolled back if it throws. */
  write<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.writeQueue.run(async () => {
      const conn = this.live(this.writer);
      await conn.run('BEGIN TRANSACTION');
      try {
        const result = await fn(conn);
        await conn.run('COMMIT');
        return result;
      } catch (err) {
        // A failed statement may already have aborted the transaction; ROLLBACK then errors too.
        await conn.run('ROLLBACK').catch(() => undefined);
        throw storageError(err, this.file);
      }
    });
  }

  read<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.readQueue.run(() => fn(this.live(this.reader)));
  }

  /** Folds the WAL into the file, then releases the file lock. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.writeQueue.run(async () => {
      await this.writer.run('CHECKPOINT').catch(() => undefined);
    });
    await this.readQueue.run(async () => undefined);
    this.closed = true;
    this.reader.closeSync();
    this.writer.closeSync();
    this.instance.closeSync();
  }

  private live(conn: DuckDBConnection): DuckDBConnection {
    if (this.closed) throw new UserError('no_project', 'This project was closed. Open it again to continue.');
    return conn;
  }
}
