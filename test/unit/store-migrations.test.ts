import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LATEST_VERSION, MIGRATIONS, migrate } from '../../main/store/migrations';
import { ProjectStore } from '../../main/store/project-store';
import { queryRows } from '../../main/store/read';
import { tempDir } from '../helpers/paths';

/** Opens the project file directly, outside the store, and closes it after fn. */
async function withRaw<T>(dir: string, fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const inst = await DuckDBInstance.create(path.join(dir, 'project.duckdb'));
  const conn = await inst.connect();
  try {
    return await fn(conn);
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

const tables = (conn: DuckDBConnection) =>
  queryRows<{ t: string }>(conn, `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1`).then((r) => r.map((x) => x.t));

describe('schema migrations', () => {
  let dir = '';
  let cleanup = async () => {};
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('byol-store-mig-'));
  });
  afterEach(() => cleanup());

  it('has ordered, contiguous versions', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: MIGRATIONS.length }, (_, i) => i + 1));
    expect(LATEST_VERSION).toBeGreaterThan(1);
  });

  it('migrates a version-1 project forward, keeping its images and ids', async () => {
    await withRaw(dir, async (conn) => {
      expect(await migrate(conn, 1)).toBe(1);
      expect(await tables(conn)).toEqual(['images', 'meta', 'schema_migrations', 'skipped']);
      await conn.run(`INSERT INTO images (id, rel_path, bytes, mtime_ms, width, height, hash) VALUES
        (7, 'old/a.png', 10, 1.5, 4, 4, 'x'), (9, 'old/b.png', 20, 2.5, 8, 8, 'x')`);
      await conn.run(`INSERT INTO meta VALUES ('name', 'Legacy')`);
    });

    const store = await ProjectStore.open(dir);
    try {
      const info = await store.info();
      expect(info).toMatchObject({ name: 'Legacy', images: 2, duplicates: 1, schemaVersion: LATEST_VERSION });
      const known = await store.knownFiles();
      expect(known.get('old/b.png')!.id).toBe(9);
      // Later steps' tables work: a new image continues the id sequence, embeddings go in.
      await store.upsertImages([{ relPath: 'new.png', bytes: 1, mtimeMs: 1, width: 1, height: 1, hash: 'n' }]);
      expect((await store.knownFiles()).get('new.png')!.id).toBe(10);
      const run = await store.createRun({});
      await store.putEmbeddings(run, [7, 9, 10], 2, new Float32Array([1, 2, 3, 4, 5, 6]));
      expect((await store.getEmbeddings())!.ids).toEqual(Int32Array.from([7, 9, 10]));
    } finally {
      await store.close();
    }

    await withRaw(dir, async (conn) => {
      const applied = await queryRows<{ version: number }>(conn, 'SELECT version FROM schema_migrations ORDER BY version');
      expect(applied.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
      expect(await tables(conn)).toEqual(expect.arrayContaining(['runs', 'embeddings', 'projections', 'labels', 'label_history', 'clusters']));
    });
  });

  it('rolls a failing step back whole and keeps the file at the previous version', async () => {
    await withRaw(dir, async (conn) => {
      await migrate(conn, 1);
      // Step 2 creates runs and embeddings, then projections, which this table blocks.
      await conn.run('CREATE TABLE projections (x INTEGER)');
    });
    await expect(ProjectStore.open(dir)).rejects.toThrow(/migration 2/);
    await withRaw(dir, async (conn) => {
      expect((await queryRows<{ v: number }>(conn, 'SELECT max(version) AS v FROM schema_migrations'))[0].v).toBe(1);
      const t = await tables(conn);
      expect(t).not.toContain('runs');
      expect(t).not.toContain('embeddings');
    });
  });

  it('refuses a project saved by a newer schema', async () => {
    await withRaw(dir, async (conn) => {
      await migrate(conn);
      await conn.run(`INSERT INTO schema_migrations (version, name) VALUES (${LATEST_VERSION + 1}, 'from the future')`);
    });
    await expect(ProjectStore.open(dir)).rejects.toThrow(/newer version of BYOL Explorer/);
  });
});
