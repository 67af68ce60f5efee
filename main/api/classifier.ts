/**
 * The few-shot classifier: a softmax head on the frozen encoder's raw features, trained from
 * the human labels (optionally plus accepted predictions), kept in the project's meta table,
 * and exported with the encoder from the latest checkpoint. Because the head sees the same
 * features the exported graph computes (no L2 step), the app's probabilities
 * (classifierProbs) and the exported models' agree to float rounding.
 */
import { existsSync } from 'node:fs';
import type { ProjectStore } from '../store/project-store';
import { predictProba } from '../analysis/labels/logreg';
import { exportClassifier, type ExportClassifierResult } from '../export/export-classifier';
import type { ClassifierHead } from '../export/preprocessing';
import { createEncoder } from '../engine/model/resnet';
import { parseTrainConfig } from '../engine/recipe/config';
import { selectBackend } from '../engine/trainer/backend';
import { checkpointPath, readCheckpoint } from '../engine/trainer/checkpoint';
import type { HeadOutput } from './analysis-compute';
import { runAnalysis } from './analysis-thread';
import { labelSeeds, loadRows } from './analysis-jobs';
import { UserError } from './errors';

const META_KEY = 'classifier.head';

export interface StoredHead {
  embeddingRun: string;
  classes: string[];
  dim: number;
  /** classes × dim row-major, base64 float32. */
  weights: string;
  bias: number[];
  /** Null when too few images were labelled to cross-validate (older heads stored NaN as null too). */
  cvAccuracy: number | null;
  includeAccepted: boolean;
  trainedOn: number;
}

const b64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const unb64 = (s: string) => {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

export async function trainClassifier(store: ProjectStore, includeAccepted: boolean, signal?: AbortSignal): Promise<Omit<StoredHead, 'weights' | 'bias'>> {
  const rows = await loadRows(store);
  const { seeds, classNames } = await labelSeeds(store, rows.ids, includeAccepted ? ['human', 'accepted'] : ['human']);
  // Only classes that have examples become outputs of the head.
  const used = [...new Set(Array.from(seeds).filter((c) => c >= 0))].sort((a, b) => a - b);
  if (used.length < 2) throw new UserError('failed', 'The classifier needs labelled images of at least two classes. Label a few images of each class first.');
  const remap = new Map(used.map((c, i) => [c, i]));
  const train = Int32Array.from(Array.from(seeds.keys()).filter((r) => seeds[r] >= 0));
  const y = Int32Array.from(train, (r) => remap.get(seeds[r])!);
  const out = await runAnalysis<HeadOutput>({ op: 'classifier', data: rows.data, n: rows.n, d: rows.d, train, y, classes: used.length, folds: 5, seed: 0 }, signal);
  const head: StoredHead = {
    embeddingRun: rows.runId,
    classes: used.map((c) => classNames[c]),
    dim: rows.d,
    weights: b64(out.weights),
    bias: Array.from(out.bias),
    cvAccuracy: out.cvAccuracy,
    includeAccepted,
    trainedOn: train.length,
  };
  await store.setMeta(META_KEY, JSON.stringify(head));
  const { weights: _w, bias: _b, ...summary } = head;
  return summary;
}

export async function loadHead(store: ProjectStore): Promise<StoredHead | null> {
  const s = await store.getMeta(META_KEY);
  return s ? (JSON.parse(s) as StoredHead) : null;
}

/** The exporter's layout: W is [d, C] row-major (features · W), ours is [C, d]. */
export function toClassifierHead(h: StoredHead): ClassifierHead {
  const w = unb64(h.weights);
  const C = h.classes.length;
  const W = new Float32Array(h.dim * C);
  for (let c = 0; c < C; c++) for (let j = 0; j < h.dim; j++) W[j * C + c] = w[c * h.dim + j];
  return { W, b: Float32Array.from(h.bias), classes: h.classes };
}

/** The app's classifier probabilities for n × dim raw features (n × classes). */
export function classifierProbs(h: StoredHead, features: Float32Array, n: number): Float32Array {
  return predictProba({ dim: h.dim, classes: h.classes.length, weights: unb64(h.weights), bias: Float32Array.from(h.bias), normalize: false }, features, n);
}

/** Writes the TF.js + ONNX export; trains the head first (human labels) if there is none. */
export async function exportProjectClassifier(store: ProjectStore, outDir: string, signal?: AbortSignal): Promise<ExportClassifierResult & { classes: string[]; cvAccuracy: number | null }> {
  const file = checkpointPath(store.dir);
  if (!existsSync(file)) throw new UserError('failed', `No trained model in this project (no ${file}). Train first, then export.`);
  let head = await loadHead(store);
  if (!head) {
    await trainClassifier(store, false, signal);
    head = (await loadHead(store))!;
  }
  const ckpt = readCheckpoint(file);
  if (!ckpt) throw new UserError('failed', `The checkpoint ${file} cannot be read. Train again.`);
  if (ckpt.meta.runId && ckpt.meta.runId !== head.embeddingRun) {
    throw new UserError('failed', `The classifier was trained on ${head.embeddingRun}'s embeddings but the latest checkpoint is ${ckpt.meta.runId}. Train the classifier again.`);
  }
  const cfg = parseTrainConfig(ckpt.config.input);
  // Building the models allocates tensors, so some backend must be ready (any gives the same weights).
  await selectBackend(cfg.backend);
  const encoder = createEncoder(cfg.preset, { inputSize: cfg.imageSize, seed: cfg.seed });
  try {
    encoder.setWeights(ckpt.weights.encoder);
    if (encoder.spec.outDim !== head.dim) throw new UserError('failed', `The classifier expects ${head.dim}-D features but the encoder gives ${encoder.spec.outDim}. Train the classifier again.`);
    const res = await exportClassifier({
      encoder,
      head: toClassifierHead(head),
      inputSize: cfg.imageSize,
      outDir,
      normalization: { mean: [...cfg.augment.mean] as [number, number, number], std: [...cfg.augment.std] as [number, number, number] },
    });
    return { ...res, classes: head.classes, cvAccuracy: head.cvAccuracy };
  } finally {
    encoder.dispose();
  }
}
