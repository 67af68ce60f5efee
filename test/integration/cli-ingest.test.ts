import { cp, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIFAR_DIR, hasCifar, tempDir } from '../helpers/paths';
import { runCli } from '../helpers/run-cli';

if (!hasCifar) console.log('[skip] CLI ingest: the shared CIFAR folder is missing beside the repository.');

describe.skipIf(!hasCifar)('cli ingest', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let images: string;
  const env = () => ({ BYOL_DATA_DIR: path.join(tmp.dir, 'data') });

  beforeAll(async () => {
    tmp = await tempDir();
    images = path.join(tmp.dir, 'images');
    // Two real class folders, one planted exact duplicate and one file that is not an image.
    await cp(path.join(CIFAR_DIR, 'cat'), path.join(images, 'cat'), { recursive: true });
    await cp(path.join(CIFAR_DIR, 'ship'), path.join(images, 'ship'), { recursive: true });
    await mkdir(path.join(images, 'extra'), { recursive: true });
    const first = (await import('node:fs')).readdirSync(path.join(images, 'cat'))[0];
    await cp(path.join(images, 'cat', first), path.join(images, 'extra', 'copy-of-cat.png'));
    await writeFile(path.join(images, 'extra', 'notes.jpg'), 'this is not a picture');
  });
  afterAll(() => tmp.cleanup());

  it('prints the summary as one JSON object on the last line, progress on stderr', async () => {
    const project = path.join(tmp.dir, 'project');
    const r = await runCli(['ingest', images, '--project', project, '--json'], env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ images: 1001, duplicates: 1 });
    expect(r.json!.skipped).toEqual([{ path: 'extra/notes.jpg', reason: expect.stringMatching(/not an image/i) }]);
    expect(r.stderr).toMatch(/ingest/);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);

    const again = await runCli(['ingest', images, '--project', project, '--json'], env());
    expect(again.code).toBe(0);
    expect(again.json).toMatchObject({ images: 1001, duplicates: 1 });

    const info = await runCli(['info', '--project', project, '--json'], env());
    expect(info.json).toMatchObject({ images: 1001, skipped: 1, duplicates: 1, sourceFolder: images, lastRun: null });
    expect((await runCli(['info', '--project', project], env())).stdout).toContain('Last training run: none');
  });

  it('fails clearly on a folder that does not exist', async () => {
    const r = await runCli(['ingest', path.join(tmp.dir, 'nope'), '--project', path.join(tmp.dir, 'p2'), '--json'], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Not a folder/);
    expect(r.json).toMatchObject({ error: expect.stringMatching(/Not a folder/) });
  });

  it('explains unknown commands and options', async () => {
    const r = await runCli(['frobnicate', '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown command "frobnicate"/);
    const o = await runCli(['ingest', images, '--bogus']);
    expect(o.code).toBe(2);
    expect(o.stderr).toMatch(/bogus/);
  });
});
