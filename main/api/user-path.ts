import { homedir } from 'node:os';
import path from 'node:path';

/**
 * A path the user typed or the renderer showed, made absolute: a leading `~` is the home folder,
 * as in a shell, since the app displays paths under home that way.
 */
export function expandHome(p: string, home = homedir()): string {
  const t = p.trim();
  if (t === '~') return home;
  if (t.startsWith('~/') || t.startsWith('~\\')) return path.join(home, t.slice(2));
  return path.resolve(t);
}
