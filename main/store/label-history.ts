/**
 * Undoable label operations. Every change to classes or image labels is one row in label_ops
 * with its class before/after states (JSON, few) and its image before/after states
 * (label_changes, possibly 100k rows). Undo applies the befores, redo the afters; undone ops
 * always form a suffix, and a new op deletes that suffix (the redo branch is dropped).
 * All functions run inside the caller's write transaction.
 */
import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import { queryNumber, queryRows } from './read';

export interface ClassState {
  name: string;
  color: string;
}

export interface ClassChange {
  id: number;
  before: ClassState | null;
  after: ClassState | null;
}

/** Target state of one image: label null clears it. */
export interface LabelTarget {
  imageId: number;
  label: string | null;
  source: string | null;
  confidence: number | null;
}

export interface OpInfo {
  seq: number;
  kind: string;
  description: string;
}

/** Opens a new op (close it with finishOp); returns its sequence number. */
export async function beginOp(c: DuckDBConnection, kind: string, description: string): Promise<number> {
  const seq = (await queryNumber(c, 'SELECT coalesce(max(seq), 0) FROM label_ops')) + 1;
  await c.run(`INSERT INTO label_ops (seq, kind, description, class_changes) VALUES ($1, $2, $3, '[]')`, [seq, kind, description]);
  return seq;
}

/** Applies class changes (deletes first, so a name can move between ids) and records them. */
export async function changeClasses(c: DuckDBConnection, op: number, changes: ClassChange[]): Promise<void> {
  if (changes.length === 0) return;
  await writeClassStates(c, changes.map((ch) => ({ id: ch.id, state: ch.after })));
  const prev = await queryRows<{ j: string }>(c, 'SELECT class_changes AS j FROM label_ops WHERE seq = $1', [op]);
  const all = [...(JSON.parse(prev[0]?.j ?? '[]') as ClassChange[]), ...changes];
  await c.run('UPDATE label_ops SET class_changes = $2 WHERE seq = $1', [op, JSON.stringify(all)]);
}

async function writeClassStates(c: DuckDBConnection, rows: { id: number; state: ClassState | null }[]): Promise<void> {
  for (const r of rows) await c.run('DELETE FROM label_classes WHERE id = $1', [r.id]);
  for (const r of rows) if (r.state) await c.run('INSERT INTO label_classes (id, name, color) VALUES ($1, $2, $3)', [r.id, r.state.name, r.state.color]);
}

/**
 * Records and applies image label changes for op; call it at most once per op (each image
 * then has one before/after row, which undo and redo rely on). Targets equal to the current
 * state are skipped, and for an id given twice the first target wins; returns how many changed.
 */
export async function changeLabels(c: DuckDBConnection, op: number, targets: LabelTarget[]): Promise<number> {
  if (targets.length === 0) return 0;
  await c.run(
    `CREATE OR REPLACE TEMP TABLE label_stage AS SELECT unnest($1::INTEGER[]) AS image_id, unnest($2::VARCHAR[]) AS label,
       unnest($3::VARCHAR[]) AS source, unnest($4::DOUBLE[]) AS confidence`,
    [
      listValue(targets.map((t) => t.imageId)),
      listValue(targets.map((t) => t.label)),
      listValue(targets.map((t) => (t.label === null ? null : t.source))),
      listValue(targets.map((t) => (t.label === null ? null : t.confidence))),
    ],
  );
  if ((await queryNumber(c, 'SELECT count(*) FROM label_changes WHERE op = $1', [op])) > 0) throw new Error(`label op ${op} already changed images`);
  await c.run(
    `INSERT INTO label_changes
     SELECT $1, s.image_id, l.label, l.source, l.confidence, s.label, s.source, s.confidence
     FROM (SELECT * FROM label_stage QUALIFY row_number() OVER (PARTITION BY image_id ORDER BY rowid) = 1) s LEFT JOIN labels l USING (image_id)
     WHERE s.label IS DISTINCT FROM l.label OR s.source IS DISTINCT FROM l.source OR s.confidence IS DISTINCT FROM l.confidence`,
    [op],
  );
  await c.run('DROP TABLE label_stage');
  await applyImages(c, op, 'after');
  return queryNumber(c, 'SELECT count(*) FROM label_changes WHERE op = $1', [op]);
}

/** Writes the before or after side of op's image changes into labels. */
async function applyImages(c: DuckDBConnection, op: number, side: 'before' | 'after'): Promise<void> {
  const rows = '(SELECT * FROM label_changes WHERE op = $1)';
  await c.run(`DELETE FROM labels WHERE image_id IN (SELECT image_id FROM ${rows})`, [op]);
  await c.run(
    `INSERT INTO labels (image_id, label, source, confidence)
     SELECT image_id, ${side}_label, ${side}_source, ${side}_confidence FROM ${rows} WHERE ${side}_label IS NOT NULL`,
    [op],
  );
  // The append-only audit log from schema v3 keeps every state an image passed through.
  await c.run(
    `INSERT INTO label_history (image_id, label, source) SELECT image_id, ${side}_label, coalesce(${side}_source, 'cleared') FROM ${rows}`,
    [op],
  );
}

/**
 * Closes op: one that changed nothing is dropped (undo never lands on a no-op, and the redo
 * branch survives it); a real change drops the redo branch.
 */
export async function finishOp(c: DuckDBConnection, op: number): Promise<boolean> {
  const rows = await queryRows<{ j: string; n: number }>(
    c,
    'SELECT class_changes AS j, (SELECT count(*) FROM label_changes WHERE op = $1) AS n FROM label_ops WHERE seq = $1',
    [op],
  );
  const empty = rows.length === 0 || (rows[0].n === 0 && rows[0].j === '[]');
  if (empty) {
    await c.run('DELETE FROM label_ops WHERE seq = $1', [op]);
    return false;
  }
  await c.run('DELETE FROM label_changes WHERE op IN (SELECT seq FROM label_ops WHERE undone)');
  await c.run('DELETE FROM label_ops WHERE undone');
  return true;
}

async function replay(c: DuckDBConnection, seq: number, side: 'before' | 'after'): Promise<OpInfo> {
  const [row] = await queryRows<{ kind: string; description: string; j: string }>(
    c,
    'SELECT kind, description, class_changes AS j FROM label_ops WHERE seq = $1',
    [seq],
  );
  const changes = JSON.parse(row.j) as ClassChange[];
  // Undo walks the op's class changes backwards so chained changes to one id unwind in order.
  const ordered = side === 'before' ? [...changes].reverse() : changes;
  for (const ch of ordered) await writeClassStates(c, [{ id: ch.id, state: side === 'before' ? ch.before : ch.after }]);
  await applyImages(c, seq, side);
  await c.run('UPDATE label_ops SET undone = $2 WHERE seq = $1', [seq, side === 'before']);
  return { seq, kind: row.kind, description: row.description };
}

/** Undoes the newest op that is not undone; null when there is none. */
export async function undo(c: DuckDBConnection): Promise<OpInfo | null> {
  const seq = await queryNumber(c, 'SELECT coalesce(max(seq), 0) FROM label_ops WHERE NOT undone');
  return seq > 0 ? replay(c, seq, 'before') : null;
}

/** Redoes the oldest undone op; null when there is none. */
export async function redo(c: DuckDBConnection): Promise<OpInfo | null> {
  const seq = await queryNumber(c, 'SELECT coalesce(min(seq), 0) FROM label_ops WHERE undone');
  return seq > 0 ? replay(c, seq, 'after') : null;
}

export async function historyState(c: DuckDBConnection): Promise<{ canUndo: boolean; canRedo: boolean; undoDescription: string | null; redoDescription: string | null }> {
  const rows = await queryRows<{ d: string; undone: boolean }>(
    c,
    `(SELECT description AS d, undone FROM label_ops WHERE NOT undone ORDER BY seq DESC LIMIT 1)
     UNION ALL (SELECT description AS d, undone FROM label_ops WHERE undone ORDER BY seq LIMIT 1)`,
  );
  const u = rows.find((r) => !r.undone);
  const r = rows.find((x) => x.undone);
  return { canUndo: !!u, canRedo: !!r, undoDescription: u?.d ?? null, redoDescription: r?.d ?? null };
}
