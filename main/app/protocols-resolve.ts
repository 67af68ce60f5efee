/**
 * Request → file resolution for the custom protocols, kept free of Electron so it can be
 * tested in plain Node. Each function answers null for anything it should refuse: `..`
 * segments (plain or percent-encoded), absolute paths, backslashes, NUL bytes, malformed
 * escapes, and symlinks whose target leaves the folder being served.
 */
import { resolveInside } from '../api/safe-path';
import { resolveThumbFile, type ThumbSize } from '../dataset/thumbs';

export { resolveThumbFile };

const decode = (s: string): string | null => {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
};

/** app://bundle/<path>: a file of the built renderer, or null. '/' is index.html. */
export function resolveAppRequest(rendererDir: string, url: string): string | null {
  const rel = decode(new URL(url).pathname);
  if (rel === null) return null;
  return resolveInside(rendererDir, rel === '/' ? 'index.html' : rel);
}

/** byol-thumb://(small|large)/<id>: which thumbnail is asked for, or null. */
export function parseThumbRequest(url: string): { size: ThumbSize; id: number } | null {
  const u = new URL(url);
  const size = u.host === 'large' ? 'large' : u.host === 'small' ? 'small' : null;
  const m = /^\/(\d{1,15})$/.exec(u.pathname);
  return size && m && !u.search ? { size, id: Number(m[1]) } : null;
}

/** byol-data://<host>/<name>: the resource name, or null. */
export function parseDataRequest(url: string): string | null {
  const m = /^\/([a-z]{1,20})$/.exec(new URL(url).pathname);
  return m ? m[1] : null;
}
