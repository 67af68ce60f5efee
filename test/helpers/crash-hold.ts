/**
 * Fault injection for the crash tests' child processes: when CRASH_HOLD (a regular
 * expression) matches the destination of a rename, the child prints "hold <name>" and
 * stalls for a few seconds just before that rename, so the parent's SIGKILL lands exactly
 * between "temp written" and "published". The code under test runs unchanged; only the
 * timing of the rename is stretched.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';

const HOLD_MS = 5000;

export function installRenameHold(): void {
  const pattern = process.env.CRASH_HOLD;
  if (!pattern) return;
  const re = new RegExp(pattern);
  const matches = (to: fs.PathLike): boolean => re.test(path.basename(String(to)));
  const say = (to: fs.PathLike): void => void fs.writeSync(1, `hold ${path.basename(String(to))}\n`);
  const renameAsync = fs.promises.rename;
  fs.promises.rename = async (from, to) => {
    if (matches(to)) {
      say(to);
      await new Promise((r) => setTimeout(r, HOLD_MS));
    }
    return renameAsync(from, to);
  };
  const renameSync = fs.renameSync;
  fs.renameSync = (from, to) => {
    if (matches(to)) {
      say(to);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, HOLD_MS);
    }
    renameSync(from, to);
  };
  // ESM named imports of node:fs and node:fs/promises are live bindings; update them.
  syncBuiltinESMExports();
}
