/**
 * BYOL quality on the 2-core CPU path: ingest the shared CIFAR-10 5k folder, train the
 * `small` preset at 32 px with the Quick CPU settings on trainable wasm for BYOL_BENCH_MINUTES (default 20), and print
 * the curve of weighted-kNN top-1 (k=20, T=0.1, leave-one-out, folder = class) against
 * minutes trained, next to the random-init encoder of the same preset and seed (the
 * reference; target: ≥ 10 points above it). Also images/s, data stalls, peak RSS and
 * tf.memory() per epoch (which should stay flat).
 *
 * Run: npx tsx test/bench/byol-quality.bench.ts
 * Env: BYOL_BENCH_MINUTES (20), BYOL_BENCH_EVALS (kNN points during training, 5),
 *      BYOL_BENCH_CONFIG (JSON training overrides, e.g. '{"optimizer":"sgd","lr":0.1}'),
 *      BYOL_BENCH_PROJECT (reuse this project folder instead of a fresh temp one).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
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
} finally {
  if (own) await rm(root, { recursive: true, force: true });
}
// The threaded wasm backend's pthreads keep Node alive after the work is done.
process.exit(0);
