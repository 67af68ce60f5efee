import path from 'node:path';

/** A path typed by the user, as the project stores it: relative to the source folder, forward slashes. */
export function toRelPath(p: string, sourceFolder: string | null): string {
  let s = p.trim().replace(/\\/g, '/');
  if (sourceFolder && path.isAbsolute(s)) s = path.relative(sourceFolder, s).split(path.sep).join('/');
  return s.replace(/^\.\//, '');
}
