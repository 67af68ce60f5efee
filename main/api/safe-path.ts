import { realpathSync } from 'node:fs';
import path from 'node:path';

/**
 * Resolves a request path inside `root`, or null when it would escape: `..` segments,
 * absolute paths, NUL bytes, backslashes, and symlinks whose target lies outside root are
 * all refused. The caller passes an already URL-decoded path.
 */
export function resolveInside(root: string, requested: string): string | null {
  if (requested.includes('\0') || requested.includes('\\')) return null;
  const rel = requested.replace(/^\/+/, '');
  if (rel.split('/').some((seg) => seg === '..')) return null;
  const base = path.resolve(root);
  const full = path.resolve(base, rel);
  if (full !== base && !full.startsWith(base + path.sep)) return null;
  try {
    const real = realpathSync(full);
    const realBase = realpathSync(base);
    if (real !== realBase && !real.startsWith(realBase + path.sep)) return null;
    return real;
  } catch {
    // Missing files are the caller's 404; the lexical check above already held.
    return full;
  }
}
