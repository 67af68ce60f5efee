import { existsSync, realpathSync } from 'node:fs';
import { link, mkdir, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

export type ThumbSize = 'small' | 'large';

/** Longest side in pixels: small feeds the map's sprite atlas and the grid, large the inspector. */
export const THUMB_PX: Record<ThumbSize, number> = { small: 64, large: 512 };

/**
 * Thumbnails are baseline JPEG: encoding is 2-3x faster than WebP in sharp, every browser
 * decodes it, and the files are RGB8 (alpha is flattened on white before encoding).
 */
export const THUMB_EXT = 'jpg';
export const THUMB_QUALITY: Record<ThumbSize, number> = { small: 85, large: 82 };

/**
 * Where the thumbnail of content `hash` lives. Content-addressed, so exact duplicates share one
 * file and a changed file gets new ones. The first hex digit shards the folder: 16 folders per
 * size keep even a million images at ~60k entries per folder, and each mkdir costs ~2 ms on
 * the build machine's disk, so 256 shards would add half a second to every fresh project.
 */
export function thumbPath(cacheDir: string, hash: string, size: ThumbSize): string {
  return path.join(cacheDir, 'thumbs', size, hash.slice(0, 1), `${hash}.${THUMB_EXT}`);
}

/**
 * Writes thumbnail files. Plain writes, no temp file + rename: a file torn by a kill belongs
 * to a hash whose row was never committed (rows are upserted only after their thumbnails are
 * written), and the next ingest rewrites every hash it does not find committed.
 *
 * Writes are asynchronous: creating a file (a new inode) costs ~0.5 ms of CPU on the build
 * machine's disk, which would otherwise serialise on the main thread; on the libuv pool it
 * overlaps with decoding.
 */
export class ThumbWriter {
  private readonly dirs = new Map<string, Promise<unknown>>();

  constructor(private readonly cacheDir: string) {}

  /** True when both thumbnails of `hash` are on disk. */
  has(hash: string): boolean {
    return existsSync(thumbPath(this.cacheDir, hash, 'small')) && existsSync(thumbPath(this.cacheDir, hash, 'large'));
  }

  /** Writes both sizes; when they are the same bytes the small one is a hard link (no new inode). */
  async write(hash: string, large: Buffer, small: Buffer): Promise<void> {
    const L = thumbPath(this.cacheDir, hash, 'large');
    const S = thumbPath(this.cacheDir, hash, 'small');
    try {
      await Promise.all([this.mkdir(path.dirname(L)), this.mkdir(path.dirname(S))]);
      if (large !== small) {
        await Promise.all([writeFile(L, large), writeFile(S, small)]);
        return;
      }
      await writeFile(L, large);
      await link(L, S).catch(async (err: NodeJS.ErrnoException) => {
        // A leftover from an interrupted run is replaced; filesystems without hard links
        // (FAT, exFAT, some shares) get a second copy.
        if (err.code === 'EEXIST') await unlink(S);
        else return writeFile(S, small);
        return link(L, S);
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new Error(`Cannot write thumbnails in ${this.cacheDir} (${code}). Check that the disk is not full and the project folder is writable.`);
    }
  }

  private mkdir(dir: string): Promise<unknown> {
    let p = this.dirs.get(dir);
    if (!p) {
      p = mkdir(dir, { recursive: true });
      this.dirs.set(dir, p);
    }
    return p;
  }
}

/**
 * The cached thumbnail file for a content hash, or null. The hash comes from the project
 * database, which a user can copy in from anywhere, so it is checked too; and a cache entry
 * that is a symlink to a file outside the cache is refused.
 */
export function resolveThumbFile(cacheDir: string, hash: string, size: ThumbSize): string | null {
  if (!/^[0-9a-f]{8,128}$/.test(hash)) return null;
  const file = path.resolve(thumbPath(cacheDir, hash, size));
  try {
    const real = realpathSync(file);
    const root = realpathSync(cacheDir);
    return real.startsWith(root + path.sep) ? real : null;
  } catch {
    return null; // not cached (yet)
  }
}
