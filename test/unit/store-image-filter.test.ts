/** The Images grid's filters, on a real DuckDB project: text, folder, label, duplicates, and their counts. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageFilter } from '../../preload/contract';
import { ProjectStore, type ImageRow } from '../../main/store/project-store';
import { tempDir } from '../helpers/paths';

const row = (relPath: string, hash: string): ImageRow => ({ relPath, bytes: 10, mtimeMs: 1, width: 32, height: 32, hash });
const PATHS = ['top.png', 'cats/a.png', 'cats/b_1.png', 'cats/b%2.png', 'cats/kittens/c.png', 'dogs/Cat-lookalike.png', 'dogs/d.png', 'dogs/gone.png'];

describe('image filters', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let store: ProjectStore;
  const paths = async (filter?: ImageFilter, offset = 0, limit = 100) => {
    const r = await store.pageImages(offset, limit, filter);
    return { total: r.total, paths: r.items.map((i) => i.path) };
  };

  beforeAll(async () => {
    tmp = await tempDir('byol-image-filter-');
    store = await ProjectStore.open(path.join(tmp.dir, 'proj'));
    // cats/a.png and dogs/d.png are exact duplicates; dogs/gone.png is removed.
    await store.upsertImages(PATHS.map((p, i) => row(p, p === 'dogs/d.png' || p === 'cats/a.png' ? 'same' : `h${i}`)));
    const ids = Object.fromEntries([...(await store.knownFiles())].map(([p, f]) => [p, f.id]));
    const cat = await store.labels.createClass('cat');
    const dog = await store.labels.createClass('dog');
    await store.labels.assign([ids['cats/a.png'], ids['cats/kittens/c.png'], ids['dogs/gone.png']], cat.id);
    await store.labels.assign([ids['dogs/d.png']], dog.id, 'accepted', 0.9);
    // Propagated classes: one for a labelled image (its label wins) and one for a removed image.
    const pred: [string, number, number][] = [['cats/b%2.png', cat.id, 0.6], ['cats/b_1.png', dog.id, 0.95], ['top.png', cat.id, 0.4], ['cats/a.png', dog.id, 0.8], ['dogs/gone.png', dog.id, 0.3]];
    await store.predictions.replace('spreading', Int32Array.from(pred, (r) => ids[r[0]]), Int32Array.from(pred, (r) => r[1]), Float32Array.from(pred, (r) => r[2]));
    await store.markRemoved(['dogs/gone.png']);
  });
  afterAll(async () => {
    await store.close();
    await tmp.cleanup();
  });

  it('with no filter lists every image in path order, each with its label', async () => {
    const r = await store.pageImages(0, 100);
    expect(r.total).toBe(7);
    expect(r.items.map((i) => [i.path, i.label])).toEqual([
      ['cats/a.png', 'cat'], ['cats/b%2.png', null], ['cats/b_1.png', null], ['cats/kittens/c.png', 'cat'],
      ['dogs/Cat-lookalike.png', null], ['dogs/d.png', 'dog'], ['top.png', null],
    ]);
  });

  it('matches text anywhere in the path, ignoring case, with % and _ taken literally', async () => {
    expect(await paths({ text: 'cat' })).toEqual({ total: 5, paths: ['cats/a.png', 'cats/b%2.png', 'cats/b_1.png', 'cats/kittens/c.png', 'dogs/Cat-lookalike.png'] });
    expect(await paths({ text: ' KITTENS/ ' })).toEqual({ total: 1, paths: ['cats/kittens/c.png'] });
    expect((await paths({ text: 'b%' })).paths).toEqual(['cats/b%2.png']);
    expect((await paths({ text: 'b_' })).paths).toEqual(['cats/b_1.png']);
    expect((await paths({ text: '%' })).paths).toEqual(['cats/b%2.png']);
    expect(await paths({ text: 'nothing like it' })).toEqual({ total: 0, paths: [] });
    expect((await paths({ text: '   ' })).total).toBe(7);
  });

  it('selects a parent folder exactly (not its subfolders), and (root)', async () => {
    expect((await paths({ folder: 'cats' })).paths).toEqual(['cats/a.png', 'cats/b%2.png', 'cats/b_1.png']);
    expect((await paths({ folder: 'cats/kittens' })).paths).toEqual(['cats/kittens/c.png']);
    expect((await paths({ folder: '(root)' })).paths).toEqual(['top.png']);
    expect((await paths({ folder: 'dogs' })).total).toBe(2);
  });

  it('selects a class, the unlabelled images, and duplicates; filters combine', async () => {
    expect((await paths({ label: 'cat' })).paths).toEqual(['cats/a.png', 'cats/kittens/c.png']);
    expect((await paths({ label: 'dog' })).paths).toEqual(['dogs/d.png']);
    expect((await paths({ label: null })).total).toBe(4);
    expect((await paths({ duplicates: true })).paths).toEqual(['cats/a.png', 'dogs/d.png']);
    expect((await paths({ folder: 'cats', label: null })).paths).toEqual(['cats/b%2.png', 'cats/b_1.png']);
    expect((await paths({ text: 'cat', duplicates: true, label: 'cat' })).paths).toEqual(['cats/a.png']);
    // Paging runs over the filtered set; the total stays the filtered count.
    expect(await paths({ text: 'cat' }, 3, 1)).toEqual({ total: 5, paths: ['cats/kittens/c.png'] });
  });

  it('lists the ids of a filter in path order, from an offset', async () => {
    for (const filter of [{}, { text: 'cat' }, { label: null }, { folder: 'cats', duplicates: true }] as ImageFilter[]) {
      const page = await store.pageImages(0, 100, filter);
      expect(await store.imageIds(filter)).toEqual(page.items.map((i) => i.id));
      expect(await store.imageIds(filter, 1, 2)).toEqual(page.items.slice(1, 3).map((i) => i.id));
    }
  });

  it('gives images by id in the order asked, without removed or unknown ids', async () => {
    const ids = Object.fromEntries([...(await store.knownFiles())].map(([p, f]) => [p, f.id]));
    const items = await store.imagesByIds([ids['dogs/d.png'], 99_999, ids['top.png'], ids['dogs/gone.png'], ids['cats/a.png']]);
    expect(items.map((i) => [i.path, i.label, i.duplicateGroup !== null])).toEqual([['dogs/d.png', 'dog', true], ['top.png', null, false], ['cats/a.png', 'cat', true]]);
    expect(await store.imagesByIds([])).toEqual([]);
  });

  it('carries each image\'s predicted class, and selects the unlabelled images by prediction and by confidence', async () => {
    const r = await store.pageImages(0, 100);
    const by = Object.fromEntries(r.items.map((i) => [i.path, [i.predicted, i.confidence === null ? null : Number(i.confidence.toFixed(2))]]));
    expect(by).toMatchObject({ 'cats/b%2.png': ['cat', 0.6], 'cats/b_1.png': ['dog', 0.95], 'top.png': ['cat', 0.4], 'dogs/d.png': [null, null] });
    expect((await paths({ predicted: 'cat' })).paths).toEqual(['cats/b%2.png', 'top.png']);
    // cats/a.png is predicted "dog" but labelled "cat": a label settles it.
    expect((await paths({ predicted: 'dog' })).paths).toEqual(['cats/b_1.png']);
    expect((await paths({ maxConfidence: 0.7 })).paths).toEqual(['cats/b%2.png', 'top.png']);
    expect((await paths({ maxConfidence: 0.5, folder: '(root)' })).paths).toEqual(['top.png']);
    expect(await store.imageIds({ predicted: 'cat' })).toEqual((await store.pageImages(0, 100, { predicted: 'cat' })).items.map((i) => i.id));
  });

  it('facets count folders, classes (without removed images), unlabelled images and duplicates', async () => {
    expect(await store.imageFacets()).toEqual({
      folders: [{ name: '(root)', count: 1 }, { name: 'cats', count: 3 }, { name: 'cats/kittens', count: 1 }, { name: 'dogs', count: 2 }],
      labels: [{ name: 'cat', color: expect.stringMatching(/^#[0-9a-f]{6}$/i), count: 2 }, { name: 'dog', color: expect.stringMatching(/^#[0-9a-f]{6}$/i), count: 1 }],
      unlabelled: 4,
      duplicates: 2,
      predicted: [{ name: 'cat', count: 2 }, { name: 'dog', count: 1 }],
    });
  });
});
