import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import type { AppService } from '../api/service';
import { APP_SCHEME, CONTENT_SECURITY_POLICY, DATA_SCHEME, THUMB_SCHEME } from './security';
import { parseDataRequest, parseThumbRequest, resolveAppRequest, resolveThumbFile } from './protocols-resolve';

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
    const file = resolveAppRequest(rendererDir, req.url);
    if (!file) return new Response('Forbidden', { status: 403 });
    const res = await net.fetch(pathToFileURL(file).toString());
    if (!file.endsWith('.html')) return res;
    const headers = new Headers(res.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    return new Response(res.body, { status: res.status, headers });
  });
  protocol.handle(THUMB_SCHEME, async (req) => {
    const want = parseThumbRequest(req.url);
    const store = service.currentStore;
    if (!want || !store) return new Response('Not found', { status: 404 });
    const image = await store.imageById(want.id);
    const file = image && resolveThumbFile(store.cacheDir, image.hash, want.size);
    if (!file) return new Response('Not found', { status: 404 });
    return net.fetch(pathToFileURL(file).toString());
  });
  protocol.handle(DATA_SCHEME, async (req) => {
    const name = parseDataRequest(req.url);
    const bytes = name ? await service.dataResource(name) : null;
    if (!bytes) return new Response('Not found', { status: 404 });
    return new Response(new Uint8Array(bytes), { headers: { 'Content-Type': 'application/octet-stream', 'Cache-Control': 'no-store' } });
  });
}
