import { randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh per-run secret: 24 random bytes, URL-safe so it can sit in a query or a path. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Constant-time comparison, so response timing does not reveal how much of a guess was right. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  // timingSafeEqual needs equal lengths; compare against itself to spend the same time anyway.
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/** Assets live under /s/<token>/ so that every relative URL the page (and its chunk imports)
 *  resolves carries the token without cookies. Returns the token and the rest of the path. */
export function splitAssetPath(pathname: string): { token: string; rest: string } | null {
  const m = /^\/s\/([A-Za-z0-9_-]{1,128})(\/.*)$/.exec(pathname);
  return m ? { token: m[1], rest: m[2] } : null;
}
