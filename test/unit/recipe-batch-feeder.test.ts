import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BatchFeeder, batchesOf, blockShuffledOrder, epochBatches } from '../../main/engine/recipe/batch-feeder';
import { buildPixelCache, openPixelCache } from '../../main/engine/recipe/data-cache';
import { Rng } from '../../main/engine/recipe/rng';
import { CIFAR_DIR, hasCifar, tempDir } from '../helpers/paths';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sorted = (a: ArrayLike<number>) => Array.from(a).sort((x, y) => x - y);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('blockShuffledOrder', () => {
  it('is a permutation made of whole shuffled blocks, fixed by the seed', () => {
    const o = blockShuffledOrder(1000, 100, new Rng(1));
    expect(sorted(o)).toEqual(range(1000));
    for (let s = 0; s < 1000; s += 100) {
      const block = sorted(o.subarray(s, s + 100));
      expect(block[99] - block[0]).toBe(99); // one contiguous storage range
      expect(block[0] % 100).toBe(0);
    }
    expect(Array.from(o.subarray(0, 100))).not.toEqual(sorted(o.subarray(0, 100))); // shuffled inside
    expect(Array.from(blockShuffledOrder(1000, 100, new Rng(1)))).toEqual(Array.from(o));
    expect(Array.from(blockShuffledOrder(1000, 100, new Rng(2)))).not.toEqual(Array.from(o));
    expect(sorted(blockShuffledOrder(1037, 64, new Rng(3)))).toEqual(range(1037));
    expect(() => blockShuffledOrder(10, 0, new Rng(0))).toThrow(/blockSize/);
  });

  it('epochBatches drops the last partial batch and reshuffles every epoch', () => {
    const all = Array.from(epochBatches({ n: 100, batchSize: 32, blockSize: 64, rng: new Rng(4), epochs: 2 }));
    expect(all).toHaveLength(6);
    expect(all.every((b) => b.length === 32)).toBe(true);
    expect(Array.from(all[0])).not.toEqual(Array.from(all[3]));
    expect(Array.from(batchesOf(Int32Array.from(range(10)), 4, false)).map((b) => b.length)).toEqual([4, 4, 2]);
  });
});

describe('BatchFeeder', () => {
  const batches = () => Array.from({ length: 8 }, (_, i) => Int32Array.from([i]));
  const slowLoad = (ms: number) => async (idx: Int32Array) => {
    await sleep(ms);
    return Uint8Array.from([idx[0]]);
  };

  it('hides input latency behind a longer step (stall ≈ one first load)', async () => {
    const f = new BatchFeeder({ batches: batches(), load: slowLoad(20), prefetch: 2 });
    const got: number[] = [];
    for (let b = await f.next(); b; b = await f.next()) {
      got.push(b.data[0]);
      await sleep(40); // the training step, longer than a load
    }
    expect(got).toEqual(range(8));
    const s = f.stats;
    expect(s.batches).toBe(8);
    expect(s.stalls).toBeLessThanOrEqual(1); // only the very first batch waits
    expect(s.stallMs).toBeLessThan(60);
  });

  it('records the waiting time when input is the bottleneck', async () => {
    const f = new BatchFeeder({ batches: batches(), load: slowLoad(25), prefetch: 1 });
    const t0 = performance.now();
    while (await f.next());
    const elapsed = performance.now() - t0;
    // The consumer does nothing else, so nearly all of its time is stall.
    expect(elapsed).toBeGreaterThan(80);
    expect(f.stats.stalls).toBeGreaterThanOrEqual(4);
    expect(f.stats.stallMs).toBeGreaterThan(0.8 * elapsed);
  });

  it('surfaces loader errors at the batch that failed and stops on close()', async () => {
    const f = new BatchFeeder({
      batches: batches(),
      load: async (idx) => {
        if (idx[0] === 2) throw new Error('disk went away');
        return Uint8Array.from([idx[0]]);
      },
      prefetch: 3,
    });
    expect((await f.next())?.data[0]).toBe(0);
    expect((await f.next())?.data[0]).toBe(1);
    await expect(f.next()).rejects.toThrow(/disk went away/);
    f.close();
    expect(await f.next()).toBeNull();
  });

  it.skipIf(!hasCifar)('feeds real pixel-cache batches identical to direct reads', async () => {
    const tmp = await tempDir('recipe-feeder-');
    try {
      const cls = (await readdir(CIFAR_DIR)).sort()[0];
      const files = (await readdir(path.join(CIFAR_DIR, cls))).sort().slice(0, 64);
      const images = files.map((f, i) => ({ id: i, absPath: path.join(CIFAR_DIR, cls, f) }));
      const file = path.join(tmp.dir, 'c.u8');
      await buildPixelCache({ images, size: 40, file });
      const cache = openPixelCache(file, { inMemoryMaxBytes: 0 });
      const order = Array.from(epochBatches({ n: 64, batchSize: 16, blockSize: 32, rng: new Rng(9), epochs: 2 }));
      const f = new BatchFeeder({ batches: order, load: (idx) => cache.readBatchAsync(idx) });
      let n = 0;
      for (let b = await f.next(); b; b = await f.next()) {
        expect(Array.from(b.indices)).toEqual(Array.from(order[n]));
        expect(Buffer.from(b.data).equals(Buffer.from(cache.readBatch(b.indices)))).toBe(true);
        n++;
      }
      expect(n).toBe(8);
      await cache.close();
    } finally {
      await tmp.cleanup();
    }
  });
});
