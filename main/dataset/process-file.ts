import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ImageRow } from '../store/project-store';
import { decodeImage } from './decode';
import type { ScannedFile } from './scan';
import { fsReason, reasonOf } from './skip';
import type { ThumbWriter } from './thumbs';

/** Files up to this size are read synchronously (tens of µs on a local disk). */
const SYNC_READ_MAX = 64 * 1024;

export type FileOutcome = { ok: true; row: ImageRow } | { ok: false; reason: string };
type Decoded = { ok: true; width: number; height: number } | { ok: false; reason: string };

/** Content hash of a file's bytes: sha1 runs at ~1 GB/s in node:crypto, far below decode cost. */
export function contentHash(bytes: Buffer): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/**
 * Reads, hashes, decodes and thumbnails files, one call per file. Never throws for a per-file
 * problem: the outcome carries the reason. Exact duplicates met in one run are decoded once
 * (later copies await the first one's result), and thumbnails of hashes that already have
 * committed rows are not rewritten.
 */
export class FileProcessor {
  private readonly byHash = new Map<string, Promise<Decoded>>();

  /** `committed`: hashes of rows already in the store, whose thumbnails were fully written. */
  constructor(
    private readonly thumbs: ThumbWriter,
    private readonly committed: ReadonlySet<string> = new Set(),
  ) {}

  async process(file: ScannedFile): Promise<FileOutcome> {
    let bytes: Buffer;
    try {
      // Small files are read synchronously: an async readFile is five libuv round trips
      // (open, fstat, read, read, close), which cost more CPU than the read itself.
      bytes = file.bytes <= SYNC_READ_MAX ? readFileSync(file.absPath) : await readFile(file.absPath);
    } catch (err) {
      return { ok: false, reason: fsReason(err) };
    }
    if (bytes.length === 0) return { ok: false, reason: 'empty file (0 bytes)' };
    const hash = contentHash(bytes);
    let decoded = this.byHash.get(hash);
    if (!decoded) {
      decoded = this.decode(hash, bytes);
      this.byHash.set(hash, decoded);
    }
    const d = await decoded;
    if (!d.ok) return d;
    // Size and mtime come from the scan (before the read): if the file changes in between,
    // the next ingest sees a different stat and reads it again.
    return { ok: true, row: { relPath: file.relPath, bytes: file.bytes, mtimeMs: file.mtimeMs, hash, width: d.width, height: d.height } };
  }

  private async decode(hash: string, bytes: Buffer): Promise<Decoded> {
    let img;
    try {
      img = await decodeImage(bytes);
    } catch (err) {
      return { ok: false, reason: reasonOf(err) };
    }
    // A failed thumbnail write (disk full, cache not writable) is the project's problem, not
    // the file's: it is thrown and ends the ingest instead of skipping every file in turn.
    if (!(this.committed.has(hash) && this.thumbs.has(hash))) {
      await this.thumbs.write(hash, img.large, img.small);
    }
    return { ok: true, width: img.width, height: img.height };
  }
}
