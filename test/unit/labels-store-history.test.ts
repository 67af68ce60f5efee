import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProjectStore, type ImageRow } from '../../main/store/project-store';
import { tempDir } from '../helpers/paths';

const row = (relPath: string): ImageRow => ({ relPath, bytes: 100, mtimeMs: 1, width: 32, height: 32, hash: `h-${relPath}` });

describe('label store: classes, assignments, undo/redo', () => {
  let cleanup = async () => {};
  let store: ProjectStore;
  let ids: number[] = [];
  beforeEach(async () => {
    let dir = '';
    ({ dir, cleanup } = await tempDir('byol-labels-unit-'));
    store = await ProjectStore.open(path.join(dir, 'proj'));
    await store.upsertImages(['a.png', 'b.png', 'c.png', 'd.png'].map(row));
    ids = [...(await store.knownFiles()).values()].map((f) => f.id).sort((x, y) => x - y);
  });
  afterEach(async () => {
    await store.close();
    await cleanup();
  });

  const state = async () => Object.fromEntries((await store.labels.labels()).map((l) => [l.imageId, `${l.label}/${l.source}`]));
  const names = async () => (await store.labels.classes()).map((k) => `${k.name}:${k.count}`);

  it('undoes and redoes assignments, rename and merge exactly, and drops the redo branch on a new change', async () => {
    const cat = await store.labels.createClass('cat');
    const dog = await store.labels.createClass('dog', '#123456');
    expect(dog.color).toBe('#123456');
    await expect(store.labels.createClass('CAT')).rejects.toThrow(/already exists/);
    expect((await store.labels.assign([ids[0], ids[1]], cat.id)).changed).toBe(2);
    await store.labels.assign([ids[2]], dog.id);
    await store.labels.assign([ids[1]], dog.id); // relabel: before = cat
    expect(await state()).toEqual({ [ids[0]]: 'cat/human', [ids[1]]: 'dog/human', [ids[2]]: 'dog/human' });

    await store.labels.renameClass(cat.id, 'kitty');
    expect(await names()).toEqual(['kitty:1', 'dog:2']);
    await store.labels.mergeClasses([dog.id], cat.id);
    expect(await names()).toEqual(['kitty:3']);
    expect(Object.values(await state())).toEqual(['kitty/human', 'kitty/human', 'kitty/human']);

    expect((await store.labels.undo())?.kind).toBe('merge');
    expect(await names()).toEqual(['kitty:1', 'dog:2']);
    expect(await state()).toEqual({ [ids[0]]: 'kitty/human', [ids[1]]: 'dog/human', [ids[2]]: 'dog/human' });
    expect((await store.labels.undo())?.kind).toBe('rename');
    expect(await names()).toEqual(['cat:1', 'dog:2']);
    await store.labels.undo(); // ids[1] back to cat
    expect(await state()).toEqual({ [ids[0]]: 'cat/human', [ids[1]]: 'cat/human', [ids[2]]: 'dog/human' });
    expect(await store.labels.history()).toMatchObject({ canUndo: true, canRedo: true });

    // Redo walks forward again in order.
    await store.labels.redo();
    await store.labels.redo();
    expect(await names()).toEqual(['kitty:1', 'dog:2']);
    await store.labels.undo();
    await store.labels.undo();

    // A no-op keeps the redo branch; a real change after undo drops it (rename and merge are gone for good).
    expect((await store.labels.assign([ids[3]], null)).changed).toBe(0);
    expect(await store.labels.history()).toMatchObject({ canRedo: true, redoDescription: 'Label 1 image(s) "dog"' });
    await store.labels.assign([ids[3]], cat.id);
    expect(await store.labels.history()).toMatchObject({ canRedo: false });
    expect(await store.labels.redo()).toBeNull();
    expect(await names()).toEqual(['cat:3', 'dog:1']);

    // Clearing a label is undoable too; undo all the way back to nothing.
    await store.labels.assign([ids[0]], null);
    expect(await names()).toEqual(['cat:2', 'dog:1']);
    let steps = 0;
    while (await store.labels.undo()) steps++;
    expect(steps).toBe(6); // create ×2, assign ×2, assign ids[3], clear ids[0] (the no-op clear was not recorded)
    expect(await state()).toEqual({});
    expect(await store.labels.classes()).toEqual([]);
    expect(await store.labels.undo()).toBeNull();
  });

  it('assignNames creates classes once, case-insensitively, in one undoable op', async () => {
    const r = await store.labels.assignNames(
      [{ imageId: ids[0], label: 'Bird' }, { imageId: ids[1], label: 'bird' }, { imageId: ids[2], label: 'frog', source: 'accepted', confidence: 0.9 }],
      'CSV import',
    );
    expect(r).toEqual({ changed: 3, createdClasses: ['Bird', 'frog'] });
    expect(await state()).toEqual({ [ids[0]]: 'Bird/human', [ids[1]]: 'Bird/human', [ids[2]]: 'frog/accepted' });
    await expect(store.labels.assign([9999], null)).rejects.toThrow(/not in this project/);
    await store.labels.undo();
    expect(await state()).toEqual({});
    expect(await store.labels.classes()).toEqual([]);
    await store.labels.redo();
    expect(await names()).toEqual(['Bird:2', 'frog:1']);
  });
});
