/**
 * Writes a classifier export folder: tfjs/ (model.json + weights.bin), model.onnx,
 * labels.json, preprocessing.json and README.md. Everything is written to a sibling temp
 * folder first and renamed into place, so a crash never leaves a half-written export.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { NetworkSpec } from '../engine/model/graph';
import type { Network } from '../engine/model/network';
import { makeDirs } from '../util/make-dirs';
import { exportReadme } from './export-readme';
import { buildOnnxModel, type OnnxSummary } from './onnx-export';
import { IMAGENET, preprocessingInfo, type ClassifierHead, type Normalization } from './preprocessing';
import { buildLayersModel, saveLayersModel } from './tfjs-export';

export { predictInApp } from './predict-in-app';
export type { ClassifierHead } from './preprocessing';

export interface ExportClassifierOptions {
  encoder: Network;
  /** Defaults to encoder.spec. */
  spec?: NetworkSpec;
  head: ClassifierHead;
  /** Must equal the encoder's input side. */
  inputSize: number;
  outDir: string;
  /** The normalisation the encoder was trained with (default ImageNet mean/std). */
  normalization?: Normalization;
}

export interface ExportClassifierResult {
  outDir: string;
  files: string[];
  onnx: OnnxSummary;
}

/** Files that mark a folder as an earlier export, which may be replaced. */
const MARKERS = ['preprocessing.json', 'labels.json'];

/**
 * A kill during an earlier export can leave `<out>.tmp-*` (unfinished) and `<out>.old-*` (the
 * export before it, moved aside just before the swap). Drop the former; put the latter back
 * if the swap never happened, so the earlier export is not lost; drop it otherwise.
 */
async function recoverInterrupted(outDir: string): Promise<void> {
  const parent = path.dirname(outDir);
  const base = path.basename(outDir);
  const names = existsSync(parent) ? await readdir(parent) : [];
  for (const n of names.filter((x) => x.startsWith(`${base}.tmp-`))) await rm(path.join(parent, n), { recursive: true, force: true });
  for (const n of names.filter((x) => x.startsWith(`${base}.old-`))) {
    if (!existsSync(outDir)) await rename(path.join(parent, n), outDir);
    else await rm(path.join(parent, n), { recursive: true, force: true });
  }
}

async function isReplaceable(dir: string): Promise<boolean> {
  const entries = await readdir(dir);
  return entries.length === 0 || MARKERS.every((m) => entries.includes(m));
}

export async function exportClassifier(o: ExportClassifierOptions): Promise<ExportClassifierResult> {
  const spec = o.spec ?? o.encoder.spec;
  const normalization = o.normalization ?? IMAGENET;
  if (spec.inputShape[0] !== o.inputSize) {
    throw new Error(`export: the encoder takes ${spec.inputShape[0]} px images, not ${o.inputSize} px`);
  }
  const outDir = path.resolve(o.outDir);
  await recoverInterrupted(outDir);
  if (existsSync(outDir) && !(await isReplaceable(outDir))) {
    throw new Error(`export: ${outDir} is not empty and is not an earlier export; choose an empty or new folder`);
  }
  const tmp = `${outDir}.tmp-${randomBytes(4).toString('hex')}`;
  // Not mkdir's own recursion: under /proc it never settles (see makeDirs).
  await makeDirs(path.join(tmp, 'tfjs'));
  let summary: OnnxSummary;
  try {
    const onnx = buildOnnxModel({ encoder: o.encoder, spec, head: o.head, normalization });
    await writeFile(path.join(tmp, 'model.onnx'), onnx.bytes);
    summary = onnx.summary;
    const model = buildLayersModel({ encoder: o.encoder, spec, head: o.head, normalization });
    try {
      await saveLayersModel(model, path.join(tmp, 'tfjs'));
    } finally {
      model.dispose();
    }
    const pre = preprocessingInfo(o.inputSize, normalization);
    await writeFile(path.join(tmp, 'labels.json'), JSON.stringify(o.head.classes, null, 2));
    await writeFile(path.join(tmp, 'preprocessing.json'), JSON.stringify(pre, null, 2));
    await writeFile(path.join(tmp, 'README.md'), exportReadme(pre, o.head.classes, spec.name));
    // Swap in: move an earlier export aside, rename, then delete the old one.
    let old: string | null = null;
    if (existsSync(outDir)) {
      old = `${outDir}.old-${randomBytes(4).toString('hex')}`;
      await rename(outDir, old);
    }
    await rename(tmp, outDir);
    if (old) await rm(old, { recursive: true, force: true });
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  const files = ['tfjs/model.json', 'tfjs/weights.bin', 'model.onnx', 'labels.json', 'preprocessing.json', 'README.md'];
  return { outDir, files, onnx: summary };
}
