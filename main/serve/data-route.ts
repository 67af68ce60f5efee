import type { ServerResponse } from 'node:http';
import type { AppService } from '../api/service';
import { BASE_HEADERS } from './static-files';

const DATA_RE = /^\/data\/([a-z]{1,20})$/;

export const isDataPath = (pathname: string): boolean => pathname.startsWith('/data/');

/** /data/<name>: binary resources (the map bundle), typed arrays rather than JSON. */
export async function sendData(res: ServerResponse, pathname: string, service: AppService): Promise<void> {
  const m = DATA_RE.exec(pathname);
  const bytes = m && service.currentStore ? await service.dataResource(m[1]) : null;
  if (!bytes) {
    res.writeHead(404, { ...BASE_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(m ? 'Nothing to serve yet: build the map first.' : 'Data URLs look like /data/map.');
    return;
  }
  res.writeHead(200, { ...BASE_HEADERS, 'Content-Type': 'application/octet-stream', 'Content-Length': bytes.byteLength, 'Cache-Control': 'no-store' });
  res.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}
