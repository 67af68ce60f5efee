import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csvField, exportLabels, labelsCsv } from '../../main/api/label-export';
import { parseCsv } from '../../main/cli/csv';
import { ProjectStore, type ImageRow } from '../../main/store/project-store';
import { tempDir } from '../helpers/paths';

const row = (relPath: string): ImageRow => ({ relPath, bytes: 1, mtimeMs: 1, width: 8, height: 8, hash: `h-${relPath}` });

describe('label export rows', () => {
  let dir = '';
  let cleanup = async () => {};
  let store: ProjectStore;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('byol-label-export-'));
    store = await ProjectStore.open(path.join(dir, 'proj'));
  });
  afterEach(async () => {
    await store.close();
    await cleanup();
  });

  it('quotes CSV fields only where needed, and the reader gets back what was written', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(null)).toBe('');
    const rows = [{ path: 'dir/x, y.png', label: 'cat "tabby"', source: 'human', confidence: null }, { path: 'é\nz.png', label: 'dog', source: 'propagated', confidence: 0.25 }];
    const back = parseCsv(labelsCsv(rows));
    expect(back.map((r) => r.fields)).toEqual([['path', 'label', 'source', 'confidence'], ['dir/x, y.png', 'cat "tabby"', 'human', ''], ['é\nz.png', 'dog', 'propagated', '0.25']]);
    expect(back.map((r) => r.line)).toEqual([1, 2, 3]);
  });

  it('writes one row per labelled or predicted present image, with its source and confidence', async () => {
    await store.upsertImages(['a.png', 'b.png', 'c.png', 'd.png'].map(row));
    const id = Object.fromEntries([...(await store.knownFiles())].map(([p, f]) => [p, f.id]));
    const cat = await store.labels.createClass('cat');
    const dog = await store.labels.createClass('dog');
    await store.labels.assign([id['a.png']], cat.id);
    await store.labels.assign([id['b.png']], dog.id, 'accepted', 0.9);
    // c has a prediction; so does a, whose human label wins.
    await store.predictions.replace('spreading', Int32Array.from([id['a.png'], id['c.png']]), Int32Array.from([dog.id, cat.id]), Float32Array.from([0.5, 0.75]));
    await store.markRemoved(['d.png']);
    const file = path.join(dir, 'out.json');
    expect(await exportLabels(store, 'json', file)).toEqual({ file, rows: 3 });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual([
      { path: 'a.png', label: 'cat', source: 'human', confidence: null },
      { path: 'b.png', label: 'dog', source: 'accepted', confidence: expect.closeTo(0.9, 6) as number },
      { path: 'c.png', label: 'cat', source: 'propagated', confidence: 0.75 },
    ]);
    // A class merged away takes its predictions with it; undo brings them back.
    await store.labels.mergeClasses([cat.id], dog.id);
    expect((await store.predictions.list()).map((p) => p.label)).toEqual(['dog']);
    await store.labels.undo();
    expect((await store.predictions.list()).map((p) => p.label)).toEqual(['dog', 'cat']);
    await expect(exportLabels(store, 'csv', path.join(dir, 'missing-folder', 'x.csv'))).rejects.toThrow(/Cannot write/);
  });
});
