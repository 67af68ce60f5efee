import { propagate } from '../../api/analysis-jobs';
import { ProjectStore } from '../../store/project-store';
import { CliError, printResult } from '../output';
import { requireProject } from '../project-arg';
import type { CommandSpec } from '../command';

export const propagateCommand: CommandSpec = {
  name: 'propagate',
  usage: 'propagate --project <dir> [--method spreading|logreg] [--json]',
  summary: 'Predict a label and confidence for every unlabelled image from the labelled ones.',
  options: { project: { type: 'string' }, method: { type: 'string' } },
  async run({ values, json }) {
    const dir = await requireProject(values.project);
    const method = values.method ?? 'spreading';
    if (method !== 'spreading' && method !== 'logreg') throw new CliError(`--method must be spreading or logreg, not "${String(method)}".`, 2);
    const store = await ProjectStore.open(dir);
    try {
      process.stderr.write(`Propagating labels (${method})…\n`);
      const t0 = performance.now();
      const r = await propagate(store, method);
      const seconds = (performance.now() - t0) / 1000;
      printResult(
        json,
        { ...r, seconds },
        `Predicted ${r.predicted} unlabelled images from ${r.labelled} labels over ${r.classes.length} classes in ${seconds.toFixed(1)} s; mean confidence ${r.meanConfidence.toFixed(3)}.`,
      );
    } finally {
      await store.close();
    }
  },
};
