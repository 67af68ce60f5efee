/**
 * Serve mode's /thumb and /data routes against path traversal (serve-server.test.ts covers
 * the static asset routes): `..`, absolute paths and encoded / double-encoded variants get a
 * 4xx and never a byte from outside the project; a real thumbnail still streams.
 */
import http from 'node:http';
import { copyFile, mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppService } from '../../main/api/service';
import { ingestFolder } from '../../main/dataset/ingest';
import { thumbPath } from '../../main/dataset/thumbs';
import { startServer, type RunningServer } from '../../main/serve/server';
import { ProjectStore } from '../../main/store/project-store';
import { CIFAR_DIR, hasCifar, tempDir } from '../helpers/paths';

const SECRET = 'secret-outside-the-project';
let tmp: Awaited<ReturnType<typeof tempDir>>;
let server: RunningServer;
let service: AppService;
let ids: number[] = [];

function get(rawPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: rawPath, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('latin1') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!hasCifar)('serve mode /thumb and /data refuse traversal', () => {
  beforeAll(async () => {
    tmp = await tempDir('byol-serve-trav-');
    const folder = path.join(tmp.dir, 'images');
    await mkdir(folder);
    for (const n of (await readdir(path.join(CIFAR_DIR, 'cat'))).sort().slice(0, 3)) await copyFile(path.join(CIFAR_DIR, 'cat', n), path.join(folder, n));
    await writeFile(path.join(tmp.dir, 'secret.txt'), SECRET);
    const project = path.join(tmp.dir, 'project');
    const store = await ProjectStore.open(project);
    await ingestFolder({ folder, store });
    ids = (await store.pageImages(0, 10)).items.map((i) => i.id);
    await store.close();
    const staticDir = path.join(tmp.dir, 'static');
    await mkdir(staticDir);
    await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><html><head></head></html>');
    service = new AppService({ mode: 'serve', dataRoot: path.join(tmp.dir, 'data'), emit: () => {} });
    await service.openProject(project);
    server = await startServer({ service, staticDir });
  });
  afterAll(async () => {
    await server?.close();
    await service?.close();
    await tmp?.cleanup();
  });

  it('streams a real thumbnail, and refuses every traversal variant', async () => {
    if (!hasCifar) console.log('skipping: the shared CIFAR folder is absent');
    const t = `token=${server.token}`;
    const ok = await get(`/thumb/small/${ids[0]}?${t}`);
    expect(ok.status).toBe(200);
    expect(ok.body.length).toBeGreaterThan(50);
    const secret = path.join(tmp.dir, 'secret.txt');
    const attempts = [
      `/thumb/small/../../secret.txt`, `/thumb/small/${ids[0]}/../../../secret.txt`, `/thumb/../secret.txt`,
      `/thumb/small/%2e%2e/%2e%2e/secret.txt`, `/thumb/small/%2E%2E%2F%2E%2E%2Fsecret.txt`, `/thumb/small/..%2f..%2fsecret.txt`,
      `/thumb/small/..%5c..%5csecret.txt`, `/thumb/small/%252e%252e%252fsecret.txt`, `/thumb/%252e%252e/secret.txt`,
      `/thumb/small/${encodeURIComponent(secret)}`, `/thumb/small/${secret}`, `/thumb/small//${secret}`,
      `/thumb/small/${encodeURIComponent(encodeURIComponent(secret))}`, `/thumb/small/${ids[0]}%00.txt`,
      `/thumb/small/0x1`, `/thumb/small/1e0`, `/thumb/small/%31`, `/thumb/large/-1`, `/thumb/small/%e0%a4%a`,
      `/data/../secret.txt`, `/data/%2e%2e%2fsecret.txt`, `/data/..%2fsecret.txt`, `/data/%252e%252e%252fsecret.txt`,
      `/data/${encodeURIComponent(secret)}`, `/data//${secret}`, `/data/map%00`, `/data/map/..%2f..%2fsecret.txt`,
    ];
    for (const p of attempts) {
      for (const url of [`${p}${p.includes('?') ? '&' : '?'}${t}`, `/s/${server.token}${p}`]) {
        const r = await get(url);
        expect([400, 401, 404], url).toContain(r.status);
        expect(r.body, url).not.toContain(SECRET);
      }
    }
  });

  it('does not follow a cached thumbnail that is a symlink to a file outside the project', async () => {
    const store = service.currentStore!;
    const hash = (await store.imageById(ids[1]))!.hash;
    const file = thumbPath(store.cacheDir, hash, 'small');
    await rm(file);
    await symlink(path.join(tmp.dir, 'secret.txt'), file);
    const r = await get(`/thumb/small/${ids[1]}?token=${server.token}`);
    expect(r.body).not.toContain(SECRET);
    expect(r.status).toBe(404);
  });
});
