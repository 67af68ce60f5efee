/**
 * Training-resolution pixel cache (pure Node, no tfjs). Every image is decoded ONCE with
 * sharp (EXIF-rotated, resized to cover, centre-cropped to size×size, RGB8) into one flat
 * uint8 file, so an epoch costs a few sequential reads instead of thousands of JPEG decodes.
 *
 * Layout: `<file>` = count × size × size × 3 bytes; `<file>.json` = header (ids in storage
 * order, size, fingerprint, failures). The fingerprint covers (ids, paths, mtimes, byte
 * sizes, size, storage order), so changing any image or the training size rebuilds it.
 * Both files are written to temporaries and renamed; the header goes last, so a header
 * always describes a complete data file.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { open, rename, rm, stat, writeFile } from 'node:fs/promises';
import sharp, { type Sharp } from 'sharp';
import { Rng } from './rng';
import { planReads, readPlanAsync, readPlanSync } from './data-cache-read';

export const PIXEL_CACHE_VERSION = 1;

export interface CacheImage {
  id: number;
  absPath: string;
}

export interface PixelCacheHeader {
  version: number;
  size: number;
  count: number;
  bytesPerImage: number;
  /** Image ids in storage order (index k of readBatch is ids[k]). */
  ids: number[];
  fingerprint: string;
  /** Seed of the storage-order shuffle, or null when stored in the given order. */
  shuffleSeed: number | null;
  /** Images that could not be decoded; they are left out of the cache. */
  failed: { id: number; absPath: string; message: string }[];
  createdAt: string;
}

export interface CacheProgress {
  done: number;
  total: number;
  /** Images per second so far. */
  rate: number;
  etaS: number;
  message: string;
}

export interface BuildPixelCacheOptions {
  images: CacheImage[];
  /** Cache side in pixels: round(1.25 · imageSize). */
  size: number;
  file: string;
  signal?: AbortSignal;
  onProgress?: (p: CacheProgress) => void;
  /**
   * Storage order. Images usually arrive grouped by folder (often by class); the
   * block-shuffled reader keeps neighbours together, so shuffling once here keeps batches
   * mixed. Default 0; null keeps the given order.
   */
  shuffleSeed?: number | null;
  /** Images decoded at once (sharp runs them on its own threads). */
  concurrency?: number;
}

export interface BuildPixelCacheResult {
  header: PixelCacheHeader;
  /** True when an up-to-date cache was found and nothing was decoded. */
  reused: boolean;
  ms: number;
}

export const headerPath = (file: string) => `${file}.json`;

/** Fingerprint of the inputs; cheap (stat only), so it can be checked before every run. */
export async function cacheFingerprint(images: CacheImage[], size: number, shuffleSeed: number | null): Promise<string> {
  const h = createHash('sha256');
  h.update(JSON.stringify({ v: PIXEL_CACHE_VERSION, size, shuffleSeed, n: images.length }));
  for (const img of images) {
    let sig = 'missing';
    try {
      const s = await stat(img.absPath);
      sig = `${s.mtimeMs}:${s.size}`;
    } catch {
      // A missing file changes the fingerprint; the decode step reports it.
    }
    h.update(`\n${img.id}\t${img.absPath}\t${sig}`);
  }
  return h.digest('hex');
}

function readHeader(file: string): PixelCacheHeader | null {
  try {
    return JSON.parse(readFileSync(headerPath(file), 'utf8')) as PixelCacheHeader;
  } catch {
    return null;
  }
}

function isComplete(file: string, h: PixelCacheHeader): boolean {
  try {
    return h.version === PIXEL_CACHE_VERSION && statSync(file).size === h.count * h.bytesPerImage;
  } catch {
    return false;
  }
}

/** Decodes one image (a file, or one already opened) to size×size RGB8: EXIF rotate, cover-resize, centre crop, alpha flattened on black. */
export async function decodeSquare(source: string | Sharp, size: number): Promise<Buffer> {
  const { data, info } = await (typeof source === 'string' ? sharp(source) : source)
    .rotate()
    .resize(size, size, { fit: 'cover', position: 'centre' })
    .flatten({ background: { r: 0, g: 0, b: 0 } })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== size || info.height !== size || info.channels !== 3) {
    throw new Error(`decoded to ${info.width}×${info.height}×${info.channels}, expected ${size}×${size}×3`);
  }
  return data;
}

function abortError(): Error {
  const e = new Error('Building the pixel cache was cancelled.');
  e.name = 'AbortError';
  return e;
}

/** Builds the cache, or reuses an up-to-date one. Per-image failures are collected in header.failed. */
export async function buildPixelCache(o: BuildPixelCacheOptions): Promise<BuildPixelCacheResult> {
  const t0 = performance.now();
  if (!Number.isInteger(o.size) || o.size < 1) throw new Error(`Pixel cache size must be a positive integer, got ${o.size}`);
  const shuffleSeed = o.shuffleSeed === undefined ? 0 : o.shuffleSeed;
  const fingerprint = await cacheFingerprint(o.images, o.size, shuffleSeed);
  const old = readHeader(o.file);
  if (old && old.fingerprint === fingerprint && isComplete(o.file, old)) {
    return { header: old, reused: true, ms: performance.now() - t0 };
  }

  const order = o.images.slice();
  if (shuffleSeed !== null) new Rng(shuffleSeed, 'pixel-cache-order').shuffle(order);
  const bpi = o.size * o.size * 3;
  const tmp = `${o.file}.${process.pid}.${Date.now()}.tmp`;
  const ids: number[] = [];
  const failed: PixelCacheHeader['failed'] = [];
  const chunk = Math.max(1, o.concurrency ?? 8);
  const fh = await open(tmp, 'w');
  try {
    for (let start = 0; start < order.length; start += chunk) {
      if (o.signal?.aborted) throw abortError();
      const part = order.slice(start, start + chunk);
      const decoded = await Promise.allSettled(part.map((img) => decodeSquare(img.absPath, o.size)));
      for (let k = 0; k < part.length; k++) {
        const r = decoded[k];
        if (r.status === 'fulfilled') {
          await fh.write(r.value, 0, bpi, ids.length * bpi);
          ids.push(part[k].id);
        } else {
          const msg = r.reason instanceof Error ? r.reason.message : String(r.reason);
          failed.push({ id: part[k].id, absPath: part[k].absPath, message: `Could not decode image: ${msg}` });
        }
      }
      const done = Math.min(start + chunk, order.length);
      const sec = (performance.now() - t0) / 1000;
      const rate = done / Math.max(sec, 1e-6);
      o.onProgress?.({ done, total: order.length, rate, etaS: (order.length - done) / rate, message: `Decoding images for training (${done}/${order.length})` });
    }
    await fh.sync();
  } catch (e) {
    await fh.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();

  const header: PixelCacheHeader = {
    version: PIXEL_CACHE_VERSION, size: o.size, count: ids.length, bytesPerImage: bpi, ids, fingerprint,
    shuffleSeed, failed, createdAt: new Date().toISOString(),
  };
  // Invalidate the old header first: a crash between the renames leaves no header (rebuild), never a stale one.
  await rm(headerPath(o.file), { force: true });
  await rename(tmp, o.file);
  const tmpHeader = `${headerPath(o.file)}.${process.pid}.tmp`;
  await writeFile(tmpHeader, JSON.stringify(header));
  await rename(tmpHeader, headerPath(o.file));
  return { header, reused: false, ms: performance.now() - t0 };
}

export interface PixelCache {
  header: PixelCacheHeader;
  ids: number[];
  size: number;
  count: number;
  bytesPerImage: number;
  /** Whether the whole file was loaded into memory. */
  inMemory: boolean;
  /** Images at these storage indices, concatenated [n, size, size, 3]. */
  readBatch(indices: ArrayLike<number>): Uint8Array;
  /** Same, reading on libuv's threads so a synchronous training step can run meanwhile. */
  readBatchAsync(indices: ArrayLike<number>): Promise<Uint8Array>;
  close(): Promise<void>;
}

/**
 * Opens a built cache. Files up to `inMemoryMaxBytes` (default 512 MiB: 100k images at
 * 40 px) are read whole; larger ones are read per batch with coalesced positional reads.
 */
export function openPixelCache(file: string, opts: { inMemoryMaxBytes?: number } = {}): PixelCache {
  const header = readHeader(file);
  if (!header) throw new Error(`No pixel cache at ${file} (missing or unreadable ${headerPath(file)}); build it first.`);
  if (!existsSync(file) || !isComplete(file, header)) throw new Error(`Pixel cache ${file} is incomplete or from another version; rebuild it.`);
  const bpi = header.bytesPerImage;
  const total = header.count * bpi;
  const mem = total <= (opts.inMemoryMaxBytes ?? 512 * 1024 * 1024) ? new Uint8Array(readFileSync(file)) : null;
  const check = (indices: ArrayLike<number>) => {
    for (let i = 0; i < indices.length; i++) {
      const k = indices[i];
      if (!Number.isInteger(k) || k < 0 || k >= header.count) throw new Error(`Pixel cache index ${k} out of range [0, ${header.count})`);
    }
  };
  const fromMemory = (indices: ArrayLike<number>) => {
    const out = new Uint8Array(indices.length * bpi);
    for (let i = 0; i < indices.length; i++) out.set(mem!.subarray(indices[i] * bpi, (indices[i] + 1) * bpi), i * bpi);
    return out;
  };
  let closed = false;
  return {
    header, ids: header.ids, size: header.size, count: header.count, bytesPerImage: bpi, inMemory: mem !== null,
    readBatch(indices) {
      if (closed) throw new Error('Pixel cache is closed');
      check(indices);
      return mem ? fromMemory(indices) : readPlanSync(file, planReads(indices), indices.length, bpi);
    },
    async readBatchAsync(indices) {
      if (closed) throw new Error('Pixel cache is closed');
      check(indices);
      return mem ? fromMemory(indices) : readPlanAsync(file, planReads(indices), indices.length, bpi);
    },
    async close() {
      closed = true;
    },
  };
}
