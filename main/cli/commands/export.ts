import path from 'node:path';
import { exportProjectClassifier } from '../../api/classifier';
import { exportLabels } from '../../api/label-export';
import { ProjectStore } from '../../store/project-store';
import { CliError, printResult } from '../output';
import { requireProject } from '../project-arg';
import type { CommandSpec } from '../command';

export const exportCommand: CommandSpec = {
  name: 'export',
  usage: 'export --project <dir> --out <folder> [--labels-csv <file>] [--json]',
  summary: 'Export the few-shot classifier (TF.js, ONNX, labels.json, preprocessing.json, README); optionally the labels as CSV.',
  options: { project: { type: 'string' }, out: { type: 'string' }, 'labels-csv': { type: 'string' } },
  async run({ values, json }) {
    const dir = await requireProject(values.project);
    if (typeof values.out !== 'string') throw new CliError('export needs --out <folder>.', 2);
    const store = await ProjectStore.open(dir);
    try {
      process.stderr.write('Exporting the classifier…\n');
      const r = await exportProjectClassifier(store, path.resolve(values.out));
      const labels = typeof values['labels-csv'] === 'string' ? await exportLabels(store, 'csv', values['labels-csv']) : null;
      printResult(
        json,
        { outDir: r.outDir, files: r.files, classes: r.classes, cvAccuracy: r.cvAccuracy, onnx: r.onnx, labelsCsv: labels },
        `Exported to ${r.outDir}: ${r.files.join(', ')}. Classes: ${r.classes.join(', ')}; ${r.cvAccuracy === null ? 'accuracy not estimated (fewer than 4 labelled images)' : `cross-validated accuracy ${(r.cvAccuracy * 100).toFixed(1)} %`}.${labels ? ` Labels: ${labels.rows} rows in ${labels.file}.` : ''}`,
      );
    } finally {
      await store.close();
    }
  },
};
