import path from 'node:path';
import { ProjectStore } from '../../store/project-store';
import { CliError, printResult } from '../output';
import { requireProject } from '../project-arg';
import type { CommandSpec } from '../command';

export const exportParquetCommand: CommandSpec = {
  name: 'export-parquet',
  usage: 'export-parquet --project <dir> --out <file.parquet> [--json]',
  summary: 'Write the image table with embeddings and labels to Parquet.',
  options: { project: { type: 'string' }, out: { type: 'string' } },
  async run({ values, json }) {
    if (typeof values.out !== 'string') throw new CliError('export-parquet needs --out <file.parquet>.', 2);
    const store = await ProjectStore.open(await requireProject(values.project));
    try {
      const file = path.resolve(values.out);
      const { rows } = await store.exportParquet(file);
      printResult(json, { rows, file }, `Wrote ${rows} rows to ${file}.`);
    } finally {
      await store.close();
    }
  },
};

export const importParquetCommand: CommandSpec = {
  name: 'import-parquet',
  usage: 'import-parquet <file.parquet> --project <dir> [--json]',
  summary: 'Read images, embeddings and labels computed elsewhere into a project.',
  options: { project: { type: 'string' } },
  async run({ positionals, values, json }) {
    if (!positionals[0]) throw new CliError('import-parquet needs a file: import-parquet <file.parquet> --project <dir>.', 2);
    const store = await ProjectStore.open(await requireProject(values.project, { create: true }));
    try {
      const { rows } = await store.importParquet(path.resolve(positionals[0]));
      printResult(json, { rows }, `Imported ${rows} rows.`);
    } finally {
      await store.close();
    }
  },
};
