import { lstat, readdir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import type { SkippedItem } from '../../preload/contract';
import { checkName, isHidden } from './names';
import { fsReason } from './skip';

/** Extensions of the formats we decode (see decode.ts); anything else is listed as skipped. */
export const IMAGE_EXTENSIONS = new Set(['jpg', 'jpeg', 'jpe', 'jfif', 'png', 'webp', 'gif', 'avif', 'tif', 'tiff', 'bmp', 'dib']);

const UNSUPPORTED: Record<string, string> = {
  heic: 'HEIC photos are not supported (export them as JPEG)',
  heif: 'HEIF photos are not supported (export them as JPEG)',
  svg: 'vector images (SVG) are not supported',
};

/** Files larger than this are not read into memory. */
export const MAX_FILE_BYTES = 1024 ** 3;

export interface ScannedFile {
  /** Relative to the scanned folder, '/'-separated on every platform. */
  relPath: string;
  absPath: string;
  bytes: number;
  mtimeMs: number;
}

export interface ScanResult {
  files: ScannedFile[];
  skipped: SkippedItem[];
}

export interface ScanOptions {
  signal?: AbortSignal;
  /** Called now and then with the number of candidate files found so far. */
  onFound?: (found: number) => void;
  /** Folders left out silently wherever they appear (matched by device and inode). */
  exclude?: string[];
}

// Entries of one folder are stat'ed this many at a time (libuv pool), not one by one.
const STAT_CHUNK = 64;

/**
 * Walks a folder recursively and lists candidate image files with size and mtime. Follows
 * symlinked files and folders, but never enters a folder twice (symlink loops or two links to
 * one folder). Hidden entries are ignored; everything else that is left out is reported with
 * a reason. Stops early, returning what it has, when the signal is aborted.
 */
export async function scanFolder(root: string, opts: ScanOptions = {}): Promise<ScanResult> {
  const files: ScannedFile[] = [];
  const skipped: SkippedItem[] = [];
  const visited = new Set<string>();
  const excluded = new Set<string>();
  for (const dir of opts.exclude ?? []) {
    const s = await stat(dir).catch(() => null);
    if (s) excluded.add(`${s.dev}:${s.ino}`);
  }
  const skip = (relPath: string, reason: string): void => void skipped.push({ path: relPath, reason });
  let lastReport = 0;

  const rootStat = await stat(root);
  if (!rootStat.isDirectory()) throw new Error(`${root} is not a folder`);

  async function walk(dir: string, rel: string, st: Stats, ancestors: Set<string>): Promise<void> {
    if (opts.signal?.aborted) return;
    const key = `${st.dev}:${st.ino}`;
    if (excluded.has(key)) return;
    if (ancestors.has(key)) return skip(rel, 'symlink loop: the link points to a folder that contains it');
    if (visited.has(key)) return skip(rel, 'folder already included through another symlink');
    visited.add(key);
    const inside = new Set(ancestors).add(key);

    let names: Buffer[];
    try {
      names = await readdir(dir, { encoding: 'buffer' });
    } catch (err) {
      return skip(rel || '.', fsReason(err, 'folder'));
    }
    names.sort(Buffer.compare);

    const subdirs: { abs: string; rel: string; st: Stats }[] = [];
    for (let i = 0; i < names.length; i += STAT_CHUNK) {
      const chunk = names.slice(i, i + STAT_CHUNK).filter((raw) => !isHidden(raw));
      await Promise.all(
        chunk.map(async (raw) => {
          const check = checkName(raw);
          const childRel = (name: string) => (rel ? `${rel}/${name}` : name);
          if (!check.ok) return skip(childRel(check.shown), check.reason);
          const abs = path.join(dir, check.name);
          const entryRel = childRel(check.name);
          let s: Stats;
          try {
            s = await lstat(abs);
            if (s.isSymbolicLink()) s = await stat(abs);
          } catch (err) {
            const code = (err as NodeJS.ErrnoException).code;
            return skip(entryRel, code === 'ENOENT' ? 'broken symlink: its target does not exist' : fsReason(err));
          }
          if (s.isDirectory()) return void subdirs.push({ abs, rel: entryRel, st: s });
          if (!s.isFile()) return skip(entryRel, 'not a regular file (device, socket or pipe)');
          const reason = fileReason(check.name, s);
          if (reason) return skip(entryRel, reason);
          files.push({ relPath: entryRel, absPath: abs, bytes: s.size, mtimeMs: s.mtimeMs });
        }),
      );
      if (opts.onFound && files.length - lastReport >= 1000) {
        lastReport = files.length;
        opts.onFound(files.length);
      }
    }
    // Stat results arrive out of order; sort so the walk is deterministic.
    subdirs.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
    for (const d of subdirs) await walk(d.abs, d.rel, d.st, inside);
  }

  await walk(root, '', rootStat, new Set());
  files.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  opts.onFound?.(files.length);
  return { files, skipped };
}

/** Why a regular file is left out before it is even read, or null if it is a candidate. */
function fileReason(name: string, s: Stats): string | null {
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (!IMAGE_EXTENSIONS.has(ext)) {
    return UNSUPPORTED[ext] ?? (ext ? `not an image (unsupported file type .${ext})` : 'not an image (no file extension)');
  }
  if (s.size === 0) return 'empty file (0 bytes)';
  if (s.size > MAX_FILE_BYTES) return `file too large (${(s.size / 1024 ** 3).toFixed(1)} GiB; the limit is 1 GiB)`;
  return null;
}
