/**
 * BYOL quality on the 2-core CPU path: ingest the shared CIFAR-10 5k folder, train the
 * `small` preset at 32 px with the Quick CPU settings on trainable wasm for BYOL_BENCH_MINUTES (default 20), and print
 * the curve of weighted-kNN top-1 (k=20, T=0.1, leave-one-out, folder = class) against
 * minutes trained, next to the random-init encoder of the same preset and seed (the
 * reference; target: ≥ 10 points above it). Also images/s, data stalls, peak RSS and
 * tf.memory() per epoch (which should stay flat).
 *
 * Where python3-torch is installed, the same recipe in PyTorch (ref/byol_quality_torch.py)
 * then trains for the same minutes on the same machine, and both gains are printed side by
 * side: what a user would get from the tool they would otherwise pick.
 *
 * Run: npx tsx test/bench/byol-quality.bench.ts
 * Env: BYOL_BENCH_MINUTES (20), BYOL_BENCH_EVALS (kNN points during training, 5),
 *      BYOL_BENCH_CONFIG (JSON training overrides, e.g. '{"optimizer":"sgd","lr":0.1}'),
 *      BYOL_BENCH_PROJECT (reuse this project folder instead of a fresh temp one),
 *      BENCH_NO_REF=1 (skip the PyTorch reference; it applies only to the default config).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestFolder } from '../../main/dataset/ingest';
import { indexLabels, knnLeaveOneOut } from '../../main/engine/eval/knn';
import { createEncoder } from '../../main/engine/model/resnet';
import { parseTrainConfig, TRAIN_PRESETS, type TrainConfigInput } from '../../main/engine/recipe/config';
import { describeBackend, selectBackend } from '../../main/engine/trainer/backend';
import { embedCache } from '../../main/engine/trainer/embed';
import { listProjectImages } from '../../main/engine/trainer/project-images';
import type { EmbeddingsPayload, EpochReport } from '../../main/engine/trainer/protocol';
import { runTraining } from '../../main/engine/trainer/train-loop';
import { preparePixelCache } from '../../main/engine/trainer/train-setup';
import { ProjectStore } from '../../main/store/project-store';
import { CIFAR_DIR, hasCifar } from '../helpers/paths';
import { fmt, median, printTable } from './table';
import { PYTHON, torchMissing } from './torch-ref';

if (!hasCifar) {
  console.log('[skip] byol-quality: the shared CIFAR folder is missing beside the repository.');
  process.exit(0);
}

const MINUTES = Number(process.env.BYOL_BENCH_MINUTES ?? 20);
const EVALS = Math.max(1, Number(process.env.BYOL_BENCH_EVALS ?? 5));
const overrides = JSON.parse(process.env.BYOL_BENCH_CONFIG ?? '{}') as TrainConfigInput;
// The app's Quick CPU preset (small, 32 px, Adam), trained for the whole budget on wasm.
const quick = TRAIN_PRESETS.find((p) => p.id === 'quick-cpu')!.overrides;
const config: TrainConfigInput = { ...quick, epochs: 10_000, backend: 'wasm', seed: 0, liveMapEvery: 0, ...overrides, minutes: MINUTES };
const cfg = parseTrainConfig(config);
const log = (m: string) => process.stderr.write(m + '\n');

const own = !process.env.BYOL_BENCH_PROJECT;
const root = own ? await mkdtemp(path.join(os.tmpdir(), 'byol-bench-quality-')) : path.resolve(process.env.BYOL_BENCH_PROJECT!);
const projectDir = own ? path.join(root, 'project') : root;
try {
  const store = await ProjectStore.open(projectDir);
  let ingestS = NaN;
  try {
    if (own || !existsSync(path.join(projectDir, 'cache', 'train-pixels.u8'))) {
      const t0 = performance.now();
      await ingestFolder({ folder: CIFAR_DIR, store });
      ingestS = (performance.now() - t0) / 1000;
    }
  } finally {
    await store.close();
  }
  const reopened = await ProjectStore.open(projectDir);
  const images = await listProjectImages(reopened).finally(() => reopened.close());
  const folderOf = new Map(images.map((im) => [im.id, im.folder]));
  log(`${images.length} images ingested${Number.isFinite(ingestS) ? ` in ${ingestS.toFixed(1)} s` : ''}; config ${JSON.stringify(config)}`);

  const backend = await selectBackend(cfg.backend);
  log(describeBackend(backend));
  const knn = (e: EmbeddingsPayload) => {
    const { labels } = indexLabels(Array.from(e.ids, (id) => folderOf.get(id)!));
    return knnLeaveOneOut(e.data, e.ids.length, e.dim, labels);
  };

  // The reference: the same preset and seed, untrained, on the same centre crops.
  const cache = await preparePixelCache(projectDir, { images }, cfg.imageSize, cfg.cacheScale, cfg.seed, (e) => e.type === 'log' && log(e.message));
  const randomEncoder = createEncoder(cfg.preset, { inputSize: cfg.imageSize, seed: cfg.seed });
  const random = knn(embedCache(randomEncoder, cache, { imageSize: cfg.imageSize, normalize: cfg.augment }));
  randomEncoder.dispose();
  await cache.close();
  log(`random-init kNN top-1: ${(100 * random.top1).toFixed(2)}% (${random.classes} classes)`);

  const curve: Record<string, string | number>[] = [{ minutes: 0, epoch: 0, step: 0, 'kNN top-1 %': 100 * random.top1, 'gain (points)': 0 }];
  const epochs: EpochReport[] = [];
  let nextEval = (MINUTES * 60) / EVALS;
  const summary = await runTraining({
    job: { projectDir, images, config, resume: false, runId: null, embed: true, progressEvery: 10 },
    onEvent: (e) => {
      if (e.type === 'log') log(e.message);
      if (e.type === 'epoch') epochs.push(e.report);
      if (e.type === 'progress') {
        const p = e.progress;
        log(`epoch ${p.epoch} step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(4)} ${p.imagesPerSecond.toFixed(1)} img/s lr ${p.lr.toPrecision(3)} τ ${p.tau.toFixed(4)}` +
          (p.collapse ? ` spread ${p.collapse.stdRatio.toFixed(2)} pair-cos ${p.collapse.meanPairCosine.toFixed(2)}` : '') + (p.warning ? ` WARNING ${p.warning}` : ''));
      }
    },
    embedWhen: (at) => at.trainedSeconds >= nextEval,
    onEmbeddings: (e, at) => {
      while (nextEval <= at.trainedSeconds) nextEval += (MINUTES * 60) / EVALS;
      const r = knn(e);
      curve.push({ minutes: at.trainedSeconds / 60, epoch: at.epoch, step: at.step, 'kNN top-1 %': 100 * r.top1, 'gain (points)': 100 * (r.top1 - random.top1) });
      log(`kNN top-1 after ${(at.trainedSeconds / 60).toFixed(1)} min: ${(100 * r.top1).toFixed(2)}%`);
    },
  });
  const final = curve[curve.length - 1];
  printTable(`kNN top-1 vs minutes trained (small, 32 px, ${images.length} CIFAR-10 images, ${backend.backend} ${backend.threads} threads)`, curve);
  printTable('Memory per epoch (should stay flat)', epochs.map((e) => ({
    epoch: e.epoch, 'mean loss': e.meanLoss, 'images/s': e.imagesPerSecond, tensors: e.numTensors, 'tf MB': e.numBytes / 2 ** 20, 'RSS MB': e.rssBytes / 2 ** 20,
  })));
  const gain = Number(final['gain (points)']);
  printTable('Summary', [
    { metric: 'random-init kNN top-1 % (reference)', value: fmt(100 * random.top1, 2) },
    { metric: 'trained kNN top-1 %', value: fmt(Number(final['kNN top-1 %']), 2) },
    { metric: 'gain, points (target ≥ 10)', value: `${fmt(gain, 2)} ${gain >= 10 ? 'PASS' : 'below target'}` },
    { metric: 'ratio trained / random init', value: fmt(Number(final['kNN top-1 %']) / (100 * random.top1), 3) },
    { metric: 'minutes trained', value: fmt(summary.trainedSeconds / 60, 2) },
    { metric: 'epochs / steps', value: `${fmt(summary.epochs, 2)} / ${summary.steps} of ${summary.totalSteps}` },
    { metric: 'images/s (session)', value: fmt(summary.imagesPerSecond, 1) },
    { metric: 'images/s (median epoch)', value: fmt(median(epochs.map((e) => e.imagesPerSecond)), 1) },
    { metric: 'data stall, s total', value: fmt(summary.stallMs / 1000, 2) },
    { metric: 'peak RSS MB', value: fmt(process.resourceUsage().maxRSS / 1024, 0) },
    { metric: 'tensors first → last epoch', value: epochs.length ? `${epochs[0].numTensors} → ${epochs[epochs.length - 1].numTensors}` : 'n/a' },
    { metric: 'final loss', value: fmt(summary.finalLoss ?? NaN, 4) },
  ]);

  const ref = pytorchReference(summary.imagesPerSecond);
  if ('skip' in ref) log(`PyTorch reference skipped: ${ref.skip}`);
  else {
    printTable(`PyTorch reference: kNN top-1 vs minutes trained (same recipe, ${ref.threads} threads)`, [
      { minutes: 0, 'kNN top-1 %': 100 * ref.random_init, 'gain (points)': 0 },
      ...ref.curve.map(([m, a]) => ({ minutes: m, 'kNN top-1 %': 100 * a, 'gain (points)': 100 * (a - ref.random_init) })),
    ]);
    const row = (metric: string, ours: number, theirs: number, digits: number) => ({ metric, ours: fmt(ours, digits), PyTorch: fmt(theirs, digits), 'ours ÷ PyTorch': fmt(ours / theirs, 2) });
    printTable(`The same ${MINUTES} minutes on the same machine: ours (${backend.backend}) and PyTorch`, [
      row('random-init kNN top-1 %', 100 * random.top1, 100 * ref.random_init, 2),
      row('trained kNN top-1 %', Number(final['kNN top-1 %']), 100 * ref.trained, 2),
      row('gain, points', gain, 100 * (ref.trained - ref.random_init), 2),
      row('images/s', summary.imagesPerSecond, ref.images_per_second, 1),
      row('steps', summary.steps, ref.steps, 0),
    ]);
  }
} finally {
  if (own) await rm(root, { recursive: true, force: true });
}
interface TorchQuality { random_init: number; trained: number; curve: [number, number][]; steps: number; images_per_second: number; threads: number }

/** The PyTorch run of the same recipe for the same minutes, or why it did not run. */
function pytorchReference(oursImagesPerSecond: number): TorchQuality | { skip: string } {
  if (process.env.BENCH_NO_REF === '1') return { skip: 'BENCH_NO_REF=1' };
  if (Object.keys(overrides).length > 0) return { skip: 'BYOL_BENCH_CONFIG changes the recipe the reference implements' };
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'ref/byol_quality_torch.py');
  const missing = torchMissing(script);
  if (missing) return { skip: missing };
  log(`PyTorch reference: the same recipe for ${MINUTES} min (ours ran at ${oursImagesPerSecond.toFixed(1)} img/s)…`);
  const r = spawnSync(PYTHON, [script, CIFAR_DIR, String(MINUTES), String(os.availableParallelism()), String(EVALS), String(cfg.seed)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: (MINUTES + 15) * 60_000 });
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as TorchQuality;
  } catch {
    return { skip: `reference failed (exit ${r.status ?? r.signal}): ${last || 'no output'}` };
  }
}

// The threaded wasm backend's pthreads keep Node alive after the work is done.
process.exit(0);
