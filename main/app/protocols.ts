import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import type { AppService } from '../api/service';
import { thumbPath } from '../dataset/thumbs';
import { APP_SCHEME, CONTENT_SECURITY_POLICY, DATA_SCHEME, THUMB_SCHEME } from './security';
import { resolveInside } from '../api/safe-path';

/** Must run before app 'ready'. */
export function registerSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
    { scheme: THUMB_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
    { scheme: DATA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** app://bundle/… serves the built renderer; byol-thumb://size/id serves cached thumbnails. */
export function handleProtocols(rendererDir: string, service: AppService): void {
  protocol.handle(APP_SCHEME, async (req) => {
    const rel = decodeURIComponent(new URL(req.url).pathname);
    const file = resolveInside(rendererDir, rel === '/' ? 'index.html' : rel);
    if (!file) return new Response('Forbidden', { status: 403 });
    const res = await net.fetch(pathToFileURL(file).toString());
    if (!file.endsWith('.html')) return res;
    const headers = new Headers(res.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    return new Response(res.body, { status: res.status, headers });
  });
  protocol.handle(THUMB_SCHEME, async (req) => {
    const u = new URL(req.url);
    const size = u.host === 'large' ? 'large' : u.host === 'small' ? 'small' : null;
    const id = Number(u.pathname.slice(1));
    const store = service.currentStore;
    if (!size || !Number.isInteger(id) || id < 0 || !store) return new Response('Not found', { status: 404 });
    const image = await store.imageById(id);
    if (!image) return new Response('Not found', { status: 404 });
    return net.fetch(pathToFileURL(path.resolve(thumbPath(store.cacheDir, image.hash, size))).toString());
  });
  protocol.handle(DATA_SCHEME, async (req) => {
    const name = new URL(req.url).pathname.slice(1);
    const bytes = await service.dataResource(name);
    if (!bytes) return new Response('Not found', { status: 404 });
    return new Response(new Uint8Array(bytes), { headers: { 'Content-Type': 'application/octet-stream', 'Cache-Control': 'no-store' } });
  });
}
