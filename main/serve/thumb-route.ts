import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppService } from '../api/service';
import { resolveThumbFile } from '../dataset/thumbs';
import { BASE_HEADERS, contentType } from './static-files';
import type { ThumbIndex } from './thumb-index';

const THUMB_RE = /^\/thumb\/(small|large)\/(\d{1,15})$/;

export function isThumbPath(pathname: string): boolean {
  return pathname.startsWith('/thumb/');
}

/**
 * /thumb/(small|large)/<id>: the cached thumbnail of one image of the open project. The ETag
 * is the content hash, so a re-ingested image that changed gets a new one.
 */
export async function sendThumb(req: IncomingMessage, res: ServerResponse, pathname: string, service: AppService, index: ThumbIndex): Promise<void> {
  const m = THUMB_RE.exec(pathname);
  const store = service.currentStore;
  if (!m || !store) return notFound(res, m ? 'No project is open.' : 'Thumbnail URLs look like /thumb/small/<id>.');
  const size = m[1] as 'small' | 'large';
  const id = Number(m[2]);
  const hash = index.get(store, id) ?? (await store.imageById(id))?.hash;
  if (!hash) return notFound(res, `No image with id ${id} in this project.`);
  // Resolved through realpath: a cache entry that links outside the cache is not served.
  const file = resolveThumbFile(store.cacheDir, hash, size);
  if (!file) return notFound(res, `The ${size} thumbnail of image ${id} is not cached yet.`);
  let bytes: number;
  try {
    bytes = (await stat(file)).size;
  } catch {
    return notFound(res, `The ${size} thumbnail of image ${id} is not cached yet.`);
  }
  const etag = `"${hash}-${size}"`;
  const headers = { ...BASE_HEADERS, ETag: etag, 'Cache-Control': 'private, max-age=300' };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Type': contentType(file), 'Content-Length': bytes });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}

function notFound(res: ServerResponse, message: string): void {
  res.writeHead(404, { ...BASE_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(message);
}
