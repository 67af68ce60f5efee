import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ProjectStore } from '../../store/project-store';
import { parseCsv } from '../csv';
import { toRelPath } from '../rel-path';
import { CliError, printResult } from '../output';
import { requireProject } from '../project-arg';
import type { CommandSpec } from '../command';

interface RowError {
  line: number;
  path: string;
  error: string;
}

export const labelCommand: CommandSpec = {
  name: 'label',
  usage: 'label --project <dir> --csv <file> [--json]',
  summary: 'Label images from a CSV of path,label rows (one undoable step; unknown paths are reported per row).',
  options: { project: { type: 'string' }, csv: { type: 'string' } },
  async run({ values, json }) {
    const dir = await requireProject(values.project);
    if (typeof values.csv !== 'string') throw new CliError('label needs --csv <file> with path,label rows.', 2);
    const text = await readFile(path.resolve(values.csv), 'utf8').catch((e: Error) => {
      throw new CliError(`Cannot read ${values.csv}: ${e.message}`, 2);
    });
    const store = await ProjectStore.open(dir);
    try {
      const source = await store.getMeta('sourceFolder');
      const byPath = new Map((await store.predictions.imageIndex()).map((r) => [r.path, r.id]));
      const rows = parseCsv(text);
      if (rows.length && /^path$/i.test(rows[0].fields[0]?.trim() ?? '') && /^label$/i.test(rows[0].fields[1]?.trim() ?? '')) rows.shift();
      const errors: RowError[] = [];
      const good: { imageId: number; label: string }[] = [];
      for (const r of rows) {
        const [p = '', label = ''] = r.fields;
        const rel = toRelPath(p, source);
        const id = byPath.get(rel);
        if (r.fields.length < 2 || label.trim() === '') errors.push({ line: r.line, path: p, error: 'expected two columns: path,label (label not empty)' });
        else if (id === undefined) errors.push({ line: r.line, path: p, error: `no image "${rel}" in this project (paths are relative to ${source ?? 'the ingested folder'})` });
        else good.push({ imageId: id, label: label.trim() });
      }
      for (const e of errors) process.stderr.write(`${values.csv}:${e.line}: ${e.path}: ${e.error}\n`);
      if (good.length === 0) throw new CliError(`No row of ${values.csv} could be used (${errors.length} errors); nothing was labelled.`);
      const res = await store.labels.assignNames(good, `Import ${good.length} label(s) from ${path.basename(values.csv)}`);
      const classes = await store.labels.classes();
      printResult(
        json,
        { labelled: good.length, changed: res.changed, createdClasses: res.createdClasses, classes: classes.map((k) => ({ name: k.name, count: k.count })), errors },
        `Labelled ${good.length} images (${res.changed} changed); classes: ${classes.map((k) => `${k.name} (${k.count})`).join(', ')}.${errors.length ? ` ${errors.length} rows had errors (above).` : ''}`,
      );
    } finally {
      await store.close();
    }
  },
};
