import os from 'node:os';
import path from 'node:path';

/** Where the app keeps default projects and the recent list. BYOL_DATA_DIR overrides it,
 *  which tests use to stay out of the user's home. */
export function defaultDataRoot(): string {
  if (process.env.BYOL_DATA_DIR) return path.resolve(process.env.BYOL_DATA_DIR);
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library/Application Support/byol-explorer');
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? os.homedir(), 'byol-explorer');
  return path.join(process.env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local/share'), 'byol-explorer');
}
