import { spawnSync } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkName } from '../../main/dataset/names';
import { scanFolder } from '../../main/dataset/scan';
import { createMessyFolder, type MessyFolder } from '../helpers/messy-folder';
import { REPO_ROOT, tempDir } from '../helpers/paths';

describe('file names', () => {
  it('accepts UTF-8 names and refuses invalid bytes and control characters', () => {
    expect(checkName(Buffer.from('Ünïcödé naïve 日本.png'))).toEqual({ ok: true, name: 'Ünïcödé naïve 日本.png' });
    expect(checkName(Buffer.from('caf\xe9.png', 'latin1'))).toMatchObject({ ok: false, shown: 'caf\ufffd.png', reason: expect.stringMatching(/not valid UTF-8/) });
    expect(checkName(Buffer.from('a\nb.png'))).toMatchObject({ ok: false, shown: 'a\\x0ab.png', reason: expect.stringMatching(/control characters/) });
  });
});

describe('scanFolder on a messy folder', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let messy: MessyFolder;
  beforeAll(async () => {
    tmp = await tempDir('byol-scan-');
    messy = await createMessyFolder(path.join(tmp.dir, 'src'), path.join(tmp.dir, 'outside'));
    for (const n of messy.notes) console.log(`note: ${n}`);
  });
  afterAll(async () => {
    await messy?.unlock();
    await tmp?.cleanup();
  });

  it('lists candidates with POSIX paths, skips bad entries with their reason, ignores hidden ones', async () => {
    const scan = await scanFolder(messy.root);
    const expectedBad = new Map(messy.bad.map((b) => [b.relPath, b.reason]));
    for (const s of scan.skipped) {
      expect(expectedBad.has(s.path), `unexpected skip ${s.path}: ${s.reason}`).toBe(true);
      expect(s.reason, s.path).toMatch(expectedBad.get(s.path)!);
    }
    const listed = new Set(scan.files.map((f) => f.relPath));
    const skippedHere = new Set(scan.skipped.map((s) => s.path));
    // Every expected entry is either listed for decoding or skipped here, never both.
    for (const g of messy.good) expect(listed.has(g.relPath), g.relPath).toBe(true);
    for (const b of messy.bad) expect(listed.has(b.relPath) !== skippedHere.has(b.relPath), b.relPath).toBe(true);
    expect(scan.files.length + scan.skipped.length).toBe(messy.good.length + messy.bad.length);
    for (const f of scan.files) {
      expect(f.relPath).not.toMatch(/(^|\/)\./);
      expect(f.relPath).not.toContain('\\');
      expect(f.bytes).toBeGreaterThan(0);
    }
    expect(scan.files.map((f) => f.relPath)).toEqual([...listed].sort());
  });

  it('stops early when cancelled', async () => {
    const ac = new AbortController();
    ac.abort();
    expect((await scanFolder(messy.root, { signal: ac.signal })).files).toEqual([]);
  });
});

describe('unreadable files and folders', () => {
  it('are skipped with a permission reason (as an unprivileged user when run as root)', async () => {
    const tmp = await tempDir('byol-perm-');
    try {
      const src = path.join(tmp.dir, 'src');
      await mkdir(path.join(src, 'locked-dir'), { recursive: true });
      await writeFile(path.join(src, 'locked.png'), 'x');
      await writeFile(path.join(src, 'locked-dir/inside.png'), 'x');
      await mkdir(path.join(tmp.dir, 'cache'));
      await chmod(path.join(tmp.dir, 'cache'), 0o777);
      await chmod(tmp.dir, 0o755);
      await chmod(src, 0o755);
      await chmod(path.join(src, 'locked.png'), 0);
      await chmod(path.join(src, 'locked-dir'), 0);
      const url = (f: string) => pathToFileURL(path.join(REPO_ROOT, 'main/dataset', f)).href;
      const script = `
        const { scanFolder } = await import(${JSON.stringify(url('scan.ts'))});
        const { FileProcessor } = await import(${JSON.stringify(url('process-file.ts'))});
        const { ThumbWriter } = await import(${JSON.stringify(url('thumbs.ts'))});
        const scan = await scanFolder(process.argv[1]);
        const p = new FileProcessor(new ThumbWriter(process.argv[2]));
        const outs = [];
        for (const f of scan.files) outs.push({ path: f.relPath, ...(await p.process(f)) });
        console.log(JSON.stringify({ skipped: scan.skipped, outs }));`;
      const asRoot = process.getuid?.() === 0;
      if (asRoot) console.log('running as root: the check runs in a child process as uid 65534 (nobody)');
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, src, path.join(tmp.dir, 'cache')], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
      });
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
      expect(out.skipped).toEqual([{ path: 'locked-dir', reason: expect.stringMatching(/^unreadable: permission denied/) }]);
      expect(out.outs).toEqual([{ path: 'locked.png', ok: false, reason: expect.stringMatching(/^unreadable: permission denied/) }]);
      await chmod(path.join(src, 'locked-dir'), 0o755);
    } finally {
      await tmp.cleanup();
    }
  });
});
