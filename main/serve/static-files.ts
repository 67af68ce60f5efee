import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Turns a raw URL path into a file inside `root`, or null when it is not safe. Each segment is
 * decoded on its own so that encoded separators (%2f, %5c) and dot segments (%2e%2e) cannot
 * smuggle a traversal past the checks; the joined path must still lie under root.
 */
export function safeJoin(root: string, rawPath: string): string | null {
  if (!rawPath.startsWith('/') || rawPath.includes('\\')) return null;
  const parts: string[] = [];
  for (const seg of rawPath.split('/').slice(1)) {
    let s: string;
    try {
      s = decodeURIComponent(seg);
    } catch {
      return null;
    }
    if (s === '..' || s === '.' || s.includes('/') || s.includes('\\') || s.includes('\0') || s.includes(':')) return null;
    if (s !== '') parts.push(s);
  }
  const abs = path.resolve(root, ...parts);
  return abs === root || abs.startsWith(root + path.sep) ? abs : null;
}

/** Resolves a static file, following symlinks only when they stay inside root. */
export async function resolveStatic(root: string, rawPath: string): Promise<string | null> {
  const rootReal = await realpath(root);
  let file = safeJoin(rootReal, rawPath);
  if (!file) return null;
  try {
    if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
    const real = await realpath(file);
    if (!real.startsWith(rootReal + path.sep)) return null;
    return (await stat(real)).isFile() ? real : null;
  } catch {
    return null;
  }
}

/** The CSP for the app's HTML: only our own scripts, styles, images and WebSocket. */
export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "worker-src 'self' blob:",
    "base-uri 'self'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** Headers every response carries. */
export const BASE_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

/** Serves index.html with a <base> pointing at the token-carrying asset prefix. */
export async function sendIndex(res: ServerResponse, root: string, token: string, port: number): Promise<void> {
  const html = await readFile(path.join(root, 'index.html'), 'utf8');
  const base = `<base href="/s/${token}/">`;
  const body = html.includes('<head>') ? html.replace('<head>', `<head>\n    ${base}`) : base + html;
  res.writeHead(200, {
    ...BASE_HEADERS,
    'Content-Type': TYPES['.html'],
    'Content-Security-Policy': contentSecurityPolicy(port),
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Streams a static file; hashed Vite assets are cached for good, everything else revalidates. */
export async function sendStatic(res: ServerResponse, file: string, port: number, method: string): Promise<void> {
  const st = await stat(file);
  const isHtml = path.extname(file) === '.html';
  res.writeHead(200, {
    ...BASE_HEADERS,
    'Content-Type': contentType(file),
    'Content-Length': st.size,
    'Cache-Control': file.includes(`${path.sep}assets${path.sep}`) ? 'private, max-age=31536000, immutable' : 'no-cache',
    ...(isHtml ? { 'Content-Security-Policy': contentSecurityPolicy(port) } : {}),
  });
  if (method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}
