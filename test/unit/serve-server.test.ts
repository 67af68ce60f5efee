import { copyFile, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AppService } from '../../main/api/service';
import { EventHub } from '../../main/serve/event-hub';
import { startServer, type RunningServer } from '../../main/serve/server';
import { CIFAR_DIR, hasCifar, tempDir } from '../helpers/paths';

const SECRET = 'top-secret-outside-static-dir';

let tmp: { dir: string; cleanup: () => Promise<void> };
let server: RunningServer;
let service: AppService;
let hub: EventHub;

/** A raw GET: node:http sends the path exactly as given (fetch would fold "/../" away). */
async function get(rawPath: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const r = await getBytes(rawPath, headers);
  return { ...r, body: r.bytes.toString('utf8') };
}

function getBytes(rawPath: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: rawPath, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a WebSocket; resolves with it, or with the HTTP status that refused the upgrade. */
function openWs(query: string): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws${query}`);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', (err) => reject(err));
  });
}

function nextMessage(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>)));
}

/** Waits for the first frame that satisfies `match`, ignoring the others. */
function waitFor(ws: WebSocket, match: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const on = (data: WebSocket.RawData): void => {
      const m = JSON.parse(String(data)) as Record<string, unknown>;
      if (!match(m)) return;
      ws.off('message', on);
      resolve(m);
    };
    ws.on('message', on);
  });
}

beforeAll(async () => {
  tmp = await tempDir('byol-serve-');
  const staticDir = path.join(tmp.dir, 'static');
  await mkdir(path.join(staticDir, 'assets'), { recursive: true });
  await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><html><head><title>t</title></head><body><div id="root"></div></body></html>');
  await writeFile(path.join(staticDir, 'assets/app.js'), 'console.log("app");');
  await writeFile(path.join(tmp.dir, 'secret.txt'), SECRET);
  // A symlink inside the static folder that points outside it must not be followed.
  await symlink(path.join(tmp.dir, 'secret.txt'), path.join(staticDir, 'escape.txt'));
  hub = new EventHub();
  service = new AppService({ mode: 'serve', dataRoot: path.join(tmp.dir, 'data'), emit: hub.emit, version: '9.9.9-test' });
  server = await startServer({ service, staticDir, hub });
});

afterAll(async () => {
  await server?.close();
  await service?.close();
  await tmp?.cleanup();
});

describe('serve mode server', () => {
  it('binds 127.0.0.1 only, with a long random token', async () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    // Another interface of this machine must not answer on that port.
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (!external) {
      console.log('skipping the external-interface probe: this machine has no non-loopback IPv4 address');
      return;
    }
    const refused = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: external.address, port: server.port });
      s.once('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });

  it('refuses HTTP requests without the right token', async () => {
    for (const p of ['/', '/?token=', '/?token=wrong', `/?token=${server.token}x`, '/assets/app.js', '/s/wrong/assets/app.js', '/index.html']) {
      const r = await get(p);
      expect(r.status, p).toBe(401);
      expect(r.body).not.toContain('root');
    }
  });

  it('serves the page with a strict CSP and token-carrying asset paths', async () => {
    const r = await get(`/?token=${server.token}`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain(`ws://127.0.0.1:${server.port}`);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.body).toContain(`<base href="/s/${server.token}/">`);
    const js = await get(`/s/${server.token}/assets/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toContain('console.log');
    expect((await get(`/assets/app.js?token=${server.token}`)).status).toBe(200);
    expect((await get(`/s/${server.token}/nope.js`)).status).toBe(404);
  });

  it('refuses path traversal, encoded or not, and symlinks that leave the folder', async () => {
    const t = server.token;
    const attempts = [
      `/../secret.txt?token=${t}`,
      `/%2e%2e/secret.txt?token=${t}`,
      `/%2E%2E/secret.txt?token=${t}`,
      `/.%2e/secret.txt?token=${t}`,
      `/..%2fsecret.txt?token=${t}`,
      `/..%5csecret.txt?token=${t}`,
      `/assets/..%2f..%2fsecret.txt?token=${t}`,
      `/%252e%252e/secret.txt?token=${t}`,
      `/s/${t}/../secret.txt`,
      `/s/${t}/%2e%2e/secret.txt`,
      `/s/${t}/assets/../../secret.txt`,
      `/${encodeURIComponent(path.join(tmp.dir, 'secret.txt'))}?token=${t}`,
      `/${path.join(tmp.dir, 'secret.txt')}?token=${t}`,
      `//${path.join(tmp.dir, 'secret.txt')}?token=${t}`,
      `/escape.txt?token=${t}`,
      `/s/${t}/escape.txt`,
      `/%00secret.txt?token=${t}`,
      `/%e0%a4%a.txt?token=${t}`,
    ];
    for (const p of attempts) {
      const r = await get(p);
      expect([400, 404], p).toContain(r.status);
      expect(r.body, p).not.toContain(SECRET);
    }
  });

  it('refuses thumbnails without the token, and answers 404 when there is nothing to show', async () => {
    expect((await get('/thumb/small/1')).status).toBe(401);
    expect((await get('/thumb/large/1?token=nope')).status).toBe(401);
    const r = await get(`/thumb/small/1?token=${server.token}`);
    expect(r.status).toBe(404);
    expect(r.body).toContain('No project is open');
    expect((await get(`/thumb/huge/1?token=${server.token}`)).status).toBe(404);
  });

  it('refuses WebSocket upgrades without the right token', async () => {
    expect(await openWs('')).toBe(401);
    expect(await openWs('?token=wrong')).toBe(401);
    expect(await openWs(`?token=${server.token.slice(1)}`)).toBe(401);
  });

  it('answers contract calls over the WebSocket, and reports bad frames without dropping the connection', async () => {
    const ws = await openWs(`?token=${server.token}`);
    if (typeof ws === 'number') throw new Error(`upgrade refused with ${ws}`);
    try {
      let reply = nextMessage(ws);
      ws.send(JSON.stringify({ id: 1, method: 'app.info', params: {} }));
      const info = await reply;
      expect(info.id).toBe(1);
      expect(info.result).toMatchObject({ mode: 'serve', version: '9.9.9-test' });

      reply = nextMessage(ws);
      ws.send(JSON.stringify({ id: 2, method: 'project.open', params: { dir: 5 } }));
      const bad = await reply;
      expect(bad.id).toBe(2);
      expect(bad.error).toMatchObject({ code: 'invalid_request' });
      expect((bad.error as { message: string }).message).toContain('dir');

      reply = nextMessage(ws);
      ws.send(JSON.stringify({ id: 3, method: 'no.such.method', params: {} }));
      expect((await reply).error).toMatchObject({ code: 'unknown_method' });

      for (const frame of ['{not json', '[1,2]', '{"method":"app.info"}', '42']) {
        reply = nextMessage(ws);
        ws.send(frame);
        const r = await reply;
        expect(r.id, frame).toBeNull();
        expect(r.error, frame).toMatchObject({ code: 'invalid_request' });
      }
      reply = nextMessage(ws);
      ws.send(Buffer.from([1, 2, 3]), { binary: true });
      expect((await reply).error).toMatchObject({ code: 'invalid_request' });

      // Still alive, and events reach the client.
      reply = nextMessage(ws);
      hub.emit('job.progress', { jobId: 'ingest-x', kind: 'ingest', done: 3, total: 10, rate: 1.5, etaSeconds: 4.7, message: 'm' });
      expect(await reply).toEqual({ event: 'job.progress', payload: { jobId: 'ingest-x', kind: 'ingest', done: 3, total: 10, rate: 1.5, etaSeconds: 4.7, message: 'm' } });
    } finally {
      ws.close();
    }
  });

  it.skipIf(!hasCifar)('streams real thumbnails of an ingested project, with ETag revalidation', async () => {
    const folder = path.join(tmp.dir, 'images');
    await mkdir(folder);
    const names = (await readdir(path.join(CIFAR_DIR, 'cat'))).sort().slice(0, 4);
    for (const n of names) await copyFile(path.join(CIFAR_DIR, 'cat', n), path.join(folder, n));
    const ws = await openWs(`?token=${server.token}`);
    if (typeof ws === 'number') throw new Error(`upgrade refused with ${ws}`);
    try {
      const finished = waitFor(ws, (m) => m.event === 'job.finished');
      ws.send(JSON.stringify({ id: 10, method: 'ingest.start', params: { folder } }));
      expect((await finished).payload).toMatchObject({ kind: 'ingest', status: 'ok' });
      const page = waitFor(ws, (m) => m.id === 11);
      ws.send(JSON.stringify({ id: 11, method: 'images.page', params: { offset: 0, limit: 10 } }));
      const items = ((await page).result as { items: { id: number; width: number }[] }).items;
      expect(items).toHaveLength(names.length);

      for (const it of items) {
        const small = await getBytes(`/thumb/small/${it.id}?token=${server.token}`);
        expect(small.status).toBe(200);
        expect(small.headers['content-type']).toMatch(/^image\//);
        expect(Number(small.headers['content-length'])).toBe(small.bytes.length);
        const meta = await sharp(small.bytes).metadata();
        expect(meta.width).toBeGreaterThan(0);
        // Revalidation with the ETag costs no body.
        const again = await getBytes(`/thumb/small/${it.id}?token=${server.token}`, { 'if-none-match': String(small.headers.etag) });
        expect(again.status).toBe(304);
        expect(again.bytes.length).toBe(0);
        const large = await getBytes(`/thumb/large/${it.id}?token=${server.token}`);
        expect(large.status).toBe(200);
        expect((await sharp(large.bytes).metadata()).width).toBeGreaterThanOrEqual(meta.width!);
      }
      const missing = Math.max(...items.map((i) => i.id)) + 1000;
      expect((await get(`/thumb/small/${missing}?token=${server.token}`)).status).toBe(404);
    } finally {
      ws.close();
    }
  });
});
