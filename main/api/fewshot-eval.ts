/**
 * `eval --shots K`: K images per folder (seeded) act as the labels; top-1 on every other
 * image for weighted kNN, label spreading and the linear head, all on the same stored
 * embeddings. The head is the one the export writes (softmax(W·x + b) on raw features), so
 * its accuracy is the exported classifier's on the images as the encoder saw them.
 */
import path from 'node:path';
import { fewShotSplit } from '../analysis/labels/knn-classify';
import type { ProjectStore } from '../store/project-store';
import type { FewShotOutput } from './analysis-compute';
import { loadRows } from './analysis-jobs';
import { runAnalysis } from './analysis-thread';

export interface FewShotEval {
  shots: number;
  knn_fewshot_top1: number;
  propagation_top1: number;
  classifier_top1: number;
  fewshot_tested: number;
}

export async function fewShotEval(store: ProjectStore, shots: number, seed = 0): Promise<FewShotEval> {
  const rows = await loadRows(store);
  const folders = rows.paths.map((p) => path.posix.basename(path.posix.dirname(p)));
  const split = fewShotSplit(folders, shots, seed);
  const seeds = new Int32Array(rows.n).fill(-1);
  for (const i of split.train) seeds[i] = split.y[i];
  const r = await runAnalysis<FewShotOutput>({ op: 'fewshot', data: rows.data, n: rows.n, d: rows.d, seeds, truth: split.y, classes: split.classes.length, seed });
  return { shots, knn_fewshot_top1: r.knn, propagation_top1: r.propagation, classifier_top1: r.classifier, fewshot_tested: r.tested };
}
