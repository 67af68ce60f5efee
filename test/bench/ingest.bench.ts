// Ingest throughput: images/s on the shared CIFAR folder (5000 small JPEGs) and on generated
// 12-megapixel JPEGs, fresh project each repetition, median of REPS. The reference is a bare
// sharp loop doing the same decode + large thumbnail with the same concurrency (no hashing,
// no small thumbnail, no files written, no store), run in the same process.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { defaultConcurrency, ingestFolder } from '../../main/dataset/ingest';
import { ProjectStore } from '../../main/store/project-store';
import { CIFAR_DIR, hasCifar, tempDir } from '../helpers/paths';
import { fmt, median, printTable } from './table';

const REPS = Number(process.env.BENCH_REPS ?? 3);
const BIG_COUNT = Number(process.env.BENCH_BIG_COUNT ?? 60);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? defaultConcurrency());

/** Deterministic 4000×3000 photo-like JPEG: gradients, a wave pattern and seeded noise. */
async function makeBigJpeg(seed: number): Promise<Buffer> {
  const W = 4000;
  const H = 3000;
  const px = Buffer.allocUnsafe(W * H * 3);
  let s = seed >>> 0 || 1;
  for (let y = 0, i = 0; y < H; y++) {
    for (let x = 0; x < W; x++, i += 3) {
      const wave = 128 + 100 * Math.sin(x / (29 + (seed % 17)) + y / 53);
      const base = [(x * 255) / W, (y * 255) / H, wave];
      for (let c = 0; c < 3; c++) {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        px[i + c] = Math.max(0, Math.min(255, base[c] + ((s >>> 0) % 33) - 16));
      }
    }
  }
  return sharp(px, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

/** Generated once per machine into the temp folder (takes ~30 s), reused by later runs. */
async function bigFolder(): Promise<string> {
  const dir = path.join(os.tmpdir(), `byol-bench-12mp-${BIG_COUNT}-v1`);
  if (existsSync(path.join(dir, '.done'))) return dir;
  await mkdir(dir, { recursive: true });
  console.log(`Generating ${BIG_COUNT} 4000×3000 JPEGs in ${dir} …`);
  for (let i = 0; i < BIG_COUNT; i++) await writeFile(path.join(dir, `img-${String(i).padStart(3, '0')}.jpg`), await makeBigJpeg(1000 + i));
  await writeFile(path.join(dir, '.done'), '');
  return dir;
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && /\.(jpe?g|png)$/i.test(e.name)) out.push(path.join(e.parentPath ?? e.path, e.name));
  }
  return out;
}

/** One fresh-project ingest; returns images/s and CPU ms per image (all threads). */
async function ingestOnce(folder: string): Promise<{ rate: number; cpuMs: number; images: number }> {
  const { dir, cleanup } = await tempDir('byol-bench-ingest-');
  const store = await ProjectStore.open(dir);
  try {
    const cpu0 = process.cpuUsage();
    const s = await ingestFolder({ folder, store, concurrency: CONCURRENCY });
    const cpu = process.cpuUsage(cpu0);
    if (s.skipped.length) console.log(`  ${s.skipped.length} skipped, first: ${s.skipped[0].path}: ${s.skipped[0].reason}`);
    return { rate: s.images / s.seconds, cpuMs: (cpu.user + cpu.system) / 1000 / s.images, images: s.images };
  } finally {
    await store.close();
    await cleanup();
  }
}

/** The reference: bare sharp decode → 512 px JPEG over buffers read up front. */
async function sharpOnce(files: string[]): Promise<number> {
  const bufs = await Promise.all(files.map((f) => readFile(f)));
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < bufs.length) {
      const b = bufs[next++];
      await sharp(b).rotate().resize({ width: 512, height: 512, fit: 'inside', withoutEnlargement: true }).jpeg().toBuffer();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return bufs.length / ((performance.now() - t0) / 1000);
}

async function measure(name: string, folder: string, target: number, extra: string) {
  const files = await listFiles(folder);
  await ingestOnce(folder); // warm-up: page cache, sharp/libvips init, DuckDB load
  const runs: { rate: number; cpuMs: number; images: number }[] = [];
  const refs: number[] = [];
  for (let r = 0; r < REPS; r++) {
    runs.push(await ingestOnce(folder));
    refs.push(await sharpOnce(files));
  }
  const rate = median(runs.map((r) => r.rate));
  const ref = median(refs);
  return {
    dataset: name,
    images: String(runs[0].images),
    'files': extra,
    'images/s (median)': fmt(rate, 0),
    'min..max': `${fmt(Math.min(...runs.map((r) => r.rate)), 0)}..${fmt(Math.max(...runs.map((r) => r.rate)), 0)}`,
    'CPU ms/img': fmt(median(runs.map((r) => r.cpuMs)), 2),
    // What the CPU time allows on two idle cores: the wall rate drops below it when other
    // processes share the machine (the load average is printed with the table).
    'CPU-bound img/s': fmt((os.availableParallelism() * 1000) / median(runs.map((r) => r.cpuMs)), 0),
    'bare sharp img/s': fmt(ref, 0),
    'ratio to sharp': fmt(rate / ref, 2),
    target: `≥ ${target}`,
    result: rate >= target ? 'PASS' : 'FAIL',
  };
}

const loadBefore = os.loadavg()[0];
const rows: Record<string, string | number>[] = [];
if (hasCifar) rows.push(await measure('CIFAR (32×32 JPEG)', CIFAR_DIR, 1000, 'shared folder'));
else console.log(`Skipping the CIFAR benchmark: ${CIFAR_DIR} is missing.`);
const big = await bigFolder();
const bigFiles = await listFiles(big);
const avgMB = (await Promise.all(bigFiles.map(async (f) => (await readFile(f)).length))).reduce((a, b) => a + b, 0) / bigFiles.length / 1e6;
rows.push(await measure('4000×3000 JPEG q90', big, 15, `${fmt(avgMB, 1)} MB avg`));
printTable(`Ingest throughput (${os.availableParallelism()} cores, concurrency ${CONCURRENCY}, median of ${REPS}, load avg ${fmt(loadBefore, 1)} → ${fmt(os.loadavg()[0], 1)})`, rows);
if (rows.some((r) => r.result === 'FAIL')) process.exitCode = 1;
