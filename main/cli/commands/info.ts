import { ProjectStore } from '../../store/project-store';
import { printResult } from '../output';
import { requireProject } from '../project-arg';
import type { CommandSpec } from '../command';

export const infoCommand: CommandSpec = {
  name: 'info',
  usage: 'info --project <dir> [--json]',
  summary: 'Show what a project holds.',
  options: { project: { type: 'string' } },
  async run({ values, json }) {
    const store = await ProjectStore.open(await requireProject(values.project));
    try {
      const info = await store.info();
      printResult(
        json,
        info,
        [
          `Project ${info.name} (${info.dir}), schema v${info.schemaVersion}`,
          `Source folder: ${info.sourceFolder ?? 'none yet'}`,
          `Images: ${info.images} (${info.removed} removed, ${info.skipped} skipped, ${info.duplicates} exact duplicates)`,
        ].join('\n'),
      );
    } finally {
      await store.close();
    }
  },
};
