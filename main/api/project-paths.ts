import { createHash } from 'node:crypto';
import path from 'node:path';

/** A stable default project folder for an image folder: readable name plus a short hash of
 *  the absolute path, so two folders called "photos" never share a project. */
export function defaultProjectDir(dataRoot: string, folder: string): string {
  const abs = path.resolve(folder);
  const base = path.basename(abs).replace(/[^\w.-]+/g, '_').slice(0, 40) || 'images';
  const hash = createHash('sha1').update(abs).digest('hex').slice(0, 8);
  return path.join(dataRoot, 'projects', `${base}-${hash}`);
}
