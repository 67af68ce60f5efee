/**
 * Label classes and per-image labels. Every write is one transaction and one undoable op
 * (label-history.ts). A label row names its class (labels.label = label_classes.name), so
 * renaming or merging a class rewrites the rows it owns, inside the same op.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { UserError } from '../api/errors';
import type { Db } from './db';
import * as hist from './label-history';
import { queryNumber, queryRows } from './read';

export type LabelSource = 'human' | 'propagated' | 'accepted';

export interface LabelClass {
  id: number;
  name: string;
  color: string;
  count: number;
}

export interface ImageLabel {
  imageId: number;
  label: string;
  source: LabelSource;
  confidence: number | null;
}

/** Distinct hues for new classes (Tableau 10), reused cyclically. */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
const COLOR = /^#[0-9a-fA-F]{6}$/;

function cleanName(name: string): string {
  const n = name.trim();
  if (n === '' || n.length > 200) throw new UserError('invalid_request', 'A label name must be 1 to 200 characters long.');
  return n;
}

async function classRows(c: DuckDBConnection): Promise<LabelClass[]> {
  return queryRows<LabelClass>(
    c,
    `SELECT k.id, k.name, k.color, (SELECT count(*) FROM labels l JOIN images i ON i.id = l.image_id WHERE l.label = k.name AND NOT i.removed) AS count
     FROM label_classes k ORDER BY k.id`,
  );
}

async function requireClass(c: DuckDBConnection, id: number): Promise<LabelClass> {
  const k = (await classRows(c)).find((x) => x.id === id);
  if (!k) throw new UserError('not_found', `Label class ${id} does not exist. Refresh the class list and try again.`);
  return k;
}

async function nameTaken(c: DuckDBConnection, name: string, except = -1): Promise<boolean> {
  return (await queryNumber(c, 'SELECT count(*) FROM label_classes WHERE lower(name) = lower($1) AND id <> $2', [name, except])) > 0;
}

/** Adds a class inside op; the id is never reused while the op history holds it. */
async function addClass(c: DuckDBConnection, op: number, name: string, color?: string): Promise<number> {
  if (await nameTaken(c, name)) throw new UserError('invalid_request', `A label class named "${name}" already exists.`);
  const maxOp = await queryRows<{ j: string }>(c, 'SELECT class_changes AS j FROM label_ops');
  let id = (await queryNumber(c, 'SELECT coalesce(max(id), 0) FROM label_classes')) + 1;
  for (const r of maxOp) for (const ch of JSON.parse(r.j) as hist.ClassChange[]) id = Math.max(id, ch.id + 1);
  if (color !== undefined && !COLOR.test(color)) throw new UserError('invalid_request', `Colour "${color}" is not of the form #rrggbb.`);
  await hist.changeClasses(c, op, [{ id, before: null, after: { name, color: color ?? PALETTE[(id - 1) % PALETTE.length] } }]);
  return id;
}

export class LabelStore {
  constructor(private readonly db: Db) {}

  classes(): Promise<LabelClass[]> {
    return this.db.read(classRows);
  }

  createClass(name: string, color?: string): Promise<LabelClass> {
    const n = cleanName(name);
    return this.db.write(async (c) => {
      const op = await hist.beginOp(c, 'create', `Create class "${n}"`);
      const id = await addClass(c, op, n, color);
      await hist.finishOp(c, op);
      return requireClass(c, id);
    });
  }

  renameClass(id: number, name: string): Promise<LabelClass> {
    const n = cleanName(name);
    return this.db.write(async (c) => {
      const k = await requireClass(c, id);
      if (k.name === n) return k;
      if (await nameTaken(c, n, id)) throw new UserError('invalid_request', `A label class named "${n}" already exists; merge the classes instead.`);
      const op = await hist.beginOp(c, 'rename', `Rename "${k.name}" to "${n}"`);
      await hist.changeClasses(c, op, [{ id, before: { name: k.name, color: k.color }, after: { name: n, color: k.color } }]);
      await hist.changeLabels(c, op, await relabelTargets(c, [k.name], n));
      await hist.finishOp(c, op);
      return requireClass(c, id);
    });
  }

  setColor(id: number, color: string): Promise<LabelClass> {
    if (!COLOR.test(color)) return Promise.reject(new UserError('invalid_request', `Colour "${color}" is not of the form #rrggbb.`));
    return this.db.write(async (c) => {
      const k = await requireClass(c, id);
      const op = await hist.beginOp(c, 'color', `Colour "${k.name}"`);
      await hist.changeClasses(c, op, [{ id, before: { name: k.name, color: k.color }, after: { name: k.name, color } }]);
      await hist.finishOp(c, op);
      return requireClass(c, id);
    });
  }

  /** Moves every image of the source classes to the target class and deletes the sources. */
  mergeClasses(sourceIds: number[], targetId: number): Promise<LabelClass> {
    return this.db.write(async (c) => {
      const target = await requireClass(c, targetId);
      const sources = [];
      for (const id of new Set(sourceIds)) if (id !== targetId) sources.push(await requireClass(c, id));
      if (sources.length === 0) return target;
      const op = await hist.beginOp(c, 'merge', `Merge ${sources.map((s) => `"${s.name}"`).join(', ')} into "${target.name}"`);
      await hist.changeClasses(c, op, sources.map((s) => ({ id: s.id, before: { name: s.name, color: s.color }, after: null })));
      await hist.changeLabels(c, op, await relabelTargets(c, sources.map((s) => s.name), target.name));
      await hist.finishOp(c, op);
      return requireClass(c, targetId);
    });
  }

  /** Gives the images a class (null clears their labels); returns how many changed. */
  assign(imageIds: ArrayLike<number>, classId: number | null, source: LabelSource = 'human', confidence: number | null = null): Promise<{ changed: number }> {
    return this.db.write(async (c) => {
      const name = classId === null ? null : (await requireClass(c, classId)).name;
      await requireImages(c, imageIds);
      const op = await hist.beginOp(c, 'assign', name === null ? `Clear ${imageIds.length} label(s)` : `Label ${imageIds.length} image(s) "${name}"`);
      const targets = Array.from(imageIds, (imageId) => ({ imageId, label: name, source, confidence }));
      const changed = await hist.changeLabels(c, op, targets);
      await hist.finishOp(c, op);
      return { changed };
    });
  }

  /**
   * Labels images by class name in one op, creating classes that do not exist yet (the CSV
   * import, cluster naming, accepting predictions).
   */
  assignNames(rows: { imageId: number; label: string; source?: LabelSource; confidence?: number | null }[], description: string): Promise<{ changed: number; createdClasses: string[] }> {
    return this.db.write(async (c) => {
      await requireImages(c, rows.map((r) => r.imageId));
      const op = await hist.beginOp(c, 'assign', description);
      const existing = new Map((await classRows(c)).map((k) => [k.name.toLowerCase(), k.name]));
      const created: string[] = [];
      const targets: hist.LabelTarget[] = [];
      for (const r of rows) {
        const name = cleanName(r.label);
        let canonical = existing.get(name.toLowerCase());
        if (!canonical) {
          await addClass(c, op, name);
          existing.set(name.toLowerCase(), (canonical = name));
          created.push(name);
        }
        targets.push({ imageId: r.imageId, label: canonical, source: r.source ?? 'human', confidence: r.confidence ?? null });
      }
      const changed = await hist.changeLabels(c, op, targets);
      await hist.finishOp(c, op);
      return { changed, createdClasses: created };
    });
  }

  /** Every stored label of a present (not removed) image, by image id. */
  labels(): Promise<ImageLabel[]> {
    return this.db.read((c) =>
      queryRows<ImageLabel>(
        c,
        `SELECT l.image_id AS imageId, l.label, l.source, l.confidence FROM labels l JOIN images i ON i.id = l.image_id WHERE NOT i.removed ORDER BY l.image_id`,
      ),
    );
  }

  undo(): Promise<hist.OpInfo | null> {
    return this.db.write(hist.undo);
  }

  redo(): Promise<hist.OpInfo | null> {
    return this.db.write(hist.redo);
  }

  history(): ReturnType<typeof hist.historyState> {
    return this.db.read(hist.historyState);
  }
}

async function relabelTargets(c: DuckDBConnection, from: string[], to: string): Promise<hist.LabelTarget[]> {
  const rows: { image_id: number; source: string; confidence: number | null }[] = [];
  for (const name of from) rows.push(...(await queryRows<(typeof rows)[number]>(c, 'SELECT image_id, source, confidence FROM labels WHERE label = $1', [name])));
  return rows.map((r) => ({ imageId: r.image_id, label: to, source: r.source, confidence: r.confidence }));
}

async function requireImages(c: DuckDBConnection, ids: ArrayLike<number>): Promise<void> {
  if (ids.length === 0) return;
  const known = new Set((await queryRows<{ id: number }>(c, 'SELECT id FROM images WHERE NOT removed')).map((r) => r.id));
  for (let i = 0; i < ids.length; i++) {
    if (!known.has(ids[i])) throw new UserError('not_found', `Image ${ids[i]} is not in this project (or was removed); nothing was labelled.`);
  }
}
