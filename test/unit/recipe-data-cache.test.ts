import { copyFile, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPixelCache, headerPath, openPixelCache, type CacheImage } from '../../main/engine/recipe/data-cache';
import { CIFAR_DIR, hasCifar, tempDir } from '../helpers/paths';

if (!hasCifar) console.log(`Skipping pixel-cache tests: CIFAR sample not found at ${CIFAR_DIR}`);

async function cifarImages(perClass: number): Promise<CacheImage[]> {
  const out: CacheImage[] = [];
  for (const cls of (await readdir(CIFAR_DIR)).sort()) {
    const files = (await readdir(path.join(CIFAR_DIR, cls))).sort().slice(0, perClass);
    for (const f of files) out.push({ id: out.length + 1, absPath: path.join(CIFAR_DIR, cls, f) });
  }
  return out;
}

/** Mean absolute difference between a 40-px cache entry shrunk back to 32 px and the original. */
async function roundTripError(entry: Uint8Array, absPath: string): Promise<number> {
  const shrunk = await sharp(Buffer.from(entry), { raw: { width: 40, height: 40, channels: 3 } }).resize(32, 32).raw().toBuffer();
  const orig = await sharp(absPath).removeAlpha().toColourspace('srgb').raw().toBuffer();
  let sum = 0;
  for (let i = 0; i < orig.length; i++) sum += Math.abs(orig[i] - shrunk[i]);
  return sum / orig.length;
}

describe.skipIf(!hasCifar)('pixel cache', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let images: CacheImage[];
  beforeAll(async () => {
    tmp = await tempDir('recipe-cache-');
    images = await cifarImages(30);
  });
  afterAll(() => tmp.cleanup());

  it('decodes real images once into one flat uint8 file, in a seeded shuffled order', async () => {
    const file = path.join(tmp.dir, 'train.u8');
    const progress: number[] = [];
    const r = await buildPixelCache({ images, size: 40, file, onProgress: (p) => progress.push(p.done) });
    expect(r.reused).toBe(false);
    expect(r.header.count).toBe(300);
    expect(r.header.failed).toEqual([]);
    expect((await stat(file)).size).toBe(300 * 40 * 40 * 3);
    expect([...r.header.ids].sort((a, b) => a - b)).toEqual(images.map((i) => i.id));
    expect(r.header.ids.slice(0, 20)).not.toEqual(images.slice(0, 20).map((i) => i.id));
    expect(progress[progress.length - 1]).toBe(300);
    console.log(`pixel cache: 300 CIFAR images decoded in ${r.ms.toFixed(0)} ms`);

    const cache = openPixelCache(file);
    expect(cache.inMemory).toBe(true);
    const byId = new Map(images.map((i) => [i.id, i.absPath]));
    for (const k of [0, 17, 150, 299]) {
      const entry = cache.readBatch([k]);
      expect(entry.length).toBe(4800);
      // Up- then down-sampling blurs a little (measured 4–10 levels); other images are 35+ away.
      const own = await roundTripError(entry, byId.get(cache.ids[k])!);
      expect(own).toBeLessThan(15);
      for (const other of [1, 2, 3, 50, 100]) {
        expect(await roundTripError(entry, byId.get(cache.ids[(k + other) % 300])!)).toBeGreaterThan(2 * own);
      }
    }

    const idx = [5, 3, 4, 200, 201, 77, 5];
    const mem = cache.readBatch(idx);
    const disk = openPixelCache(file, { inMemoryMaxBytes: 0 });
    expect(disk.inMemory).toBe(false);
    expect(Buffer.from(disk.readBatch(idx)).equals(Buffer.from(mem))).toBe(true);
    expect(Buffer.from(await disk.readBatchAsync(idx)).equals(Buffer.from(mem))).toBe(true);
    expect(Buffer.from(mem.subarray(0, 4800)).equals(Buffer.from(mem.subarray(6 * 4800)))).toBe(true);
    expect(() => cache.readBatch([300])).toThrow(/out of range/);
    await disk.close();
    expect(() => disk.readBatch([0])).toThrow(/closed/);

    const again = await buildPixelCache({ images, size: 40, file });
    expect(again.reused).toBe(true);
    expect(again.header.fingerprint).toBe(r.header.fingerprint);
  });

  it('rebuilds when an image changes or the size changes, and collects undecodable files', async () => {
    const dir = path.join(tmp.dir, 'copy');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dir);
    const few: CacheImage[] = [];
    for (const img of images.slice(0, 12)) {
      const dst = path.join(dir, `${img.id}.jpg`);
      await copyFile(img.absPath, dst);
      few.push({ id: img.id, absPath: dst });
    }
    const file = path.join(tmp.dir, 'few.u8');
    const first = await buildPixelCache({ images: few, size: 40, file });
    expect((await buildPixelCache({ images: few, size: 40, file })).reused).toBe(true);

    const later = new Date(Date.now() + 60_000);
    await utimes(few[3].absPath, later, later);
    const touched = await buildPixelCache({ images: few, size: 40, file });
    expect(touched.reused).toBe(false);
    expect(touched.header.fingerprint).not.toBe(first.header.fingerprint);

    const resized = await buildPixelCache({ images: few, size: 24, file });
    expect(resized.reused).toBe(false);
    expect(openPixelCache(file).readBatch([0]).length).toBe(24 * 24 * 3);

    const broken = path.join(dir, 'broken.jpg');
    await writeFile(broken, 'not an image');
    const withBad = await buildPixelCache({ images: [...few, { id: 999, absPath: broken }], size: 24, file });
    expect(withBad.header.count).toBe(12);
    expect(withBad.header.failed).toHaveLength(1);
    expect(withBad.header.failed[0]).toMatchObject({ id: 999, absPath: broken });
    expect(withBad.header.failed[0].message).toMatch(/Could not decode image/);
    expect(withBad.header.ids).not.toContain(999);
  });

  it('applies EXIF rotation, expands grayscale and flattens alpha', async () => {
    // 40×20 stored image, left half red, right half blue, EXIF orientation 6 (display rotated 90° CW):
    // displayed 20×40 with red on top, so the centre square is red above blue.
    const raw = Buffer.alloc(40 * 20 * 3);
    for (let y = 0; y < 20; y++) for (let x = 0; x < 40; x++) raw.set(x < 20 ? [255, 0, 0] : [0, 0, 255], (y * 40 + x) * 3);
    const rotated = path.join(tmp.dir, 'exif6.jpg');
    await sharp(raw, { raw: { width: 40, height: 20, channels: 3 } }).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toFile(rotated);
    const gray = path.join(tmp.dir, 'gray.png');
    await sharp(Buffer.alloc(16 * 16, 100), { raw: { width: 16, height: 16, channels: 1 } }).png().toFile(gray);
    const clear = path.join(tmp.dir, 'clear.png');
    await sharp(Buffer.alloc(16 * 16 * 4, 200).map((v, i) => (i % 4 === 3 ? 0 : v)), { raw: { width: 16, height: 16, channels: 4 } }).png().toFile(clear);
    const file = path.join(tmp.dir, 'formats.u8');
    const r = await buildPixelCache({ images: [{ id: 1, absPath: rotated }, { id: 2, absPath: gray }, { id: 3, absPath: clear }], size: 8, file, shuffleSeed: null });
    expect(r.header.ids).toEqual([1, 2, 3]);
    const px = openPixelCache(file).readBatch([0, 1, 2]);
    const at = (img: number, y: number, x: number) => Array.from(px.subarray(img * 192 + (y * 8 + x) * 3, img * 192 + (y * 8 + x) * 3 + 3));
    const [tr, , tb] = at(0, 1, 4);
    const [br, , bb] = at(0, 6, 4);
    expect(tr).toBeGreaterThan(200);
    expect(tb).toBeLessThan(60);
    expect(bb).toBeGreaterThan(200);
    expect(br).toBeLessThan(60);
    expect(at(1, 3, 3)).toEqual([100, 100, 100]);
    expect(at(2, 3, 3)).toEqual([0, 0, 0]);
  });

  it('cancels cleanly, leaving no cache and no temporary file', async () => {
    const file = path.join(tmp.dir, 'cancelled.u8');
    const ac = new AbortController();
    ac.abort();
    await expect(buildPixelCache({ images, size: 40, file, signal: ac.signal })).rejects.toThrow(/cancelled/);
    const left = (await readdir(tmp.dir)).filter((f) => f.startsWith('cancelled'));
    expect(left).toEqual([]);
    expect(() => openPixelCache(file)).toThrow(/No pixel cache/);
    expect(headerPath(file)).toBe(`${file}.json`);
  });
});
