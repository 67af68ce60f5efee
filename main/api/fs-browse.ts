import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FsEntry } from '../../preload/contract';
import { UserError } from './errors';

/** Lists the sub-folders of a folder for the serve-mode folder picker. Hidden entries are
 *  left out; files are not listed since the picker chooses folders. */
export async function listFolder(dir: string): Promise<{ dir: string; parent: string | null; entries: FsEntry[] }> {
  const abs = path.resolve(dir);
  let st;
  try {
    st = await stat(abs);
  } catch {
    throw new UserError('not_found', `Folder not found: ${abs}. Choose another folder.`);
  }
  if (!st.isDirectory()) throw new UserError('invalid_request', `${abs} is not a folder.`);
  let names;
  try {
    names = await readdir(abs, { withFileTypes: true });
  } catch {
    throw new UserError('failed', `Cannot read ${abs}: permission denied. Choose another folder.`);
  }
  const entries: FsEntry[] = [];
  for (const d of names) {
    if (d.name.startsWith('.')) continue;
    let isDir = d.isDirectory();
    if (d.isSymbolicLink()) isDir = await stat(path.join(abs, d.name)).then((s) => s.isDirectory(), () => false);
    if (isDir) entries.push({ name: d.name, isDir });
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  const parent = path.dirname(abs);
  return { dir: abs, parent: parent === abs ? null : parent, entries };
}
