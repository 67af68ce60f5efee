import { fewShotEval } from '../../api/fewshot-eval';
import { ProjectStore } from '../../store/project-store';
import { CliError, printResult } from '../output';
import { requireProject } from '../project-arg';
import type { CommandSpec } from '../command';
import { backendArg } from './embed';

export const evalCommand: CommandSpec = {
  name: 'eval',
  usage: 'eval --project <dir> [--k 20] [--temperature 0.1] [--backend B] [--shots K] [--json]',
  summary: 'kNN top-1 (leave-one-out, folder names as classes) of the trained vs. a random-init encoder.',
  options: { project: { type: 'string' }, k: { type: 'string' }, temperature: { type: 'string' }, backend: { type: 'string' }, shots: { type: 'string' } },
  async run({ values, json }) {
    const k = values.k === undefined ? undefined : Number(values.k);
    const temperature = values.temperature === undefined ? undefined : Number(values.temperature);
    if (k !== undefined && !(Number.isInteger(k) && k >= 1)) throw new CliError(`--k needs a positive integer, got "${String(values.k)}".`, 2);
    if (temperature !== undefined && !(temperature > 0)) throw new CliError(`--temperature needs a positive number, got "${String(values.temperature)}".`, 2);
    const shots = values.shots === undefined ? undefined : Number(values.shots);
    if (shots !== undefined && !(Number.isInteger(shots) && shots >= 1)) throw new CliError(`--shots needs a positive integer, got "${String(values.shots)}".`, 2);
    const backend = backendArg(values.backend);
    const { evaluateProject } = await import('../../engine/eval/eval-project'); // loads TensorFlow.js
    const store = await ProjectStore.open(await requireProject(values.project));
    try {
      const r = await evaluateProject(store, { k, temperature, backend, onEvent: (e) => e.type === 'log' && process.stderr.write(`${e.message}\n`) });
      const few = shots === undefined ? null : await fewShotEval(store, shots);
      const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
      printResult(
        json,
        { images: r.images, classes: r.classes, knn_top1: r.knnTop1, knn_top1_random_init: r.knnTop1RandomInit, k: r.k, temperature: r.temperature, ...few },
        [
          `${r.images} images in ${r.classes} classes (parent folder names); weighted kNN, k=${r.k}, T=${r.temperature}, leave-one-out:`,
          `  trained encoder:      ${pct(r.knnTop1)}`,
          `  random-init encoder:  ${pct(r.knnTop1RandomInit)}`,
          `  gain:                 ${((r.knnTop1 - r.knnTop1RandomInit) * 100).toFixed(1)} points`,
          ...(few ? [`${few.shots} labels per folder, top-1 on the other ${few.fewshot_tested}: kNN ${pct(few.knn_fewshot_top1)}, propagation ${pct(few.propagation_top1)}, classifier ${pct(few.classifier_top1)}`] : []),
        ].join('\n'),
      );
    } finally {
      await store.close();
    }
  },
};
