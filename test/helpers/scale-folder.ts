/**
 * A large image folder made from the shared CIFAR images with seeded flips, crops and
 * renames (class subfolders kept, so labels can come from them), for the scale benchmarks.
 */
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { rngFrom, type Rng } from './fuzz';
import { CIFAR_DIR } from './paths';

/** One variant of a source image: a seeded flip and crop, saved under a new, seeded name. */
async function writeVariant(src: string, dst: string, rng: Rng): Promise<void> {
  const side = 24 + Math.floor(rng() * 9); // 24..32 px crop of a 32 px image
  const left = Math.floor(rng() * (33 - side));
  const top = Math.floor(rng() * (33 - side));
  let img = sharp(src).extract({ left, top, width: side, height: side });
  if (rng() < 0.5) img = img.flop();
  if (rng() < 0.2) img = img.flip();
  img = img.resize(32, 32);
  await (dst.endsWith('.jpg') ? img.jpeg({ quality: 90 }) : img.png()).toFile(dst);
}

/** Builds the folder: class subfolders kept (the labels CSV uses them), names scrambled. */
export async function generateScaleFolder(out: string, n: number, seed: number): Promise<{ byClass: Map<string, string[]>; seconds: number }> {
  const t0 = performance.now();
  const rng = rngFrom(seed);
  const sources: { cls: string; file: string }[] = [];
  for (const cls of (await readdir(CIFAR_DIR)).sort()) {
    for (const f of (await readdir(path.join(CIFAR_DIR, cls))).sort()) sources.push({ cls, file: path.join(CIFAR_DIR, cls, f) });
  }
  const byClass = new Map<string, string[]>();
  const jobs: { src: string; dst: string; seed: number; rel: string; cls: string }[] = [];
  for (let i = 0; i < n; i++) {
    const s = sources[i % sources.length];
    const name = `${Math.floor(rng() * 0xffffffff).toString(36)}-${i}.${rng() < 0.5 ? 'png' : 'jpg'}`;
    jobs.push({ src: s.file, dst: path.join(out, s.cls, name), seed: Math.floor(rng() * 2 ** 31), rel: `${s.cls}/${name}`, cls: s.cls });
  }
  for (const cls of new Set(sources.map((s) => s.cls))) await mkdir(path.join(out, cls), { recursive: true });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const j = jobs[next++];
      await writeVariant(j.src, j.dst, rngFrom(j.seed));
      const list = byClass.get(j.cls) ?? [];
      list.push(j.rel);
      byClass.set(j.cls, list);
      if (next % 10000 === 0) process.stderr.write(`generated ${next}/${n}\n`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return { byClass, seconds: (performance.now() - t0) / 1000 };
}

/** The class folders of an earlier run's generated images. */
export async function listScaleFolder(out: string): Promise<{ byClass: Map<string, string[]>; seconds: number }> {
  const byClass = new Map<string, string[]>();
  for (const cls of (await readdir(out)).sort()) byClass.set(cls, (await readdir(path.join(out, cls))).map((f) => `${cls}/${f}`));
  return { byClass, seconds: 0 };
}
