import type { LastRun } from '../../../preload/contract';
import { lastRun } from '../../api/last-run';
import { ProjectStore } from '../../store/project-store';
import { printResult } from '../output';
import { requireProject } from '../project-arg';
import type { CommandSpec } from '../command';

function describe(r: LastRun | Error | null): string {
  if (r instanceof Error) return `the checkpoint could not be read (${r.message})`;
  if (!r) return 'none (run `train` to make one)';
  const how = `${r.preset} at ${r.imageSize} px, batch ${r.batchSize}${r.backend ? ` on ${r.backend}` : ''}`;
  const loss = r.lastLoss === null ? '' : `, last loss ${r.lastLoss.toFixed(4)}`;
  const next = r.resumable ? '; `train --resume` continues it' : '';
  return `${r.runId ?? 'unrecorded'}, ${r.steps}/${r.totalSteps} steps (${r.epochs.toFixed(2)} epochs) in ${(r.trainedSeconds / 60).toFixed(1)} min, ${how}${loss}, saved ${r.savedAt}${next}`;
}

export const infoCommand: CommandSpec = {
  name: 'info',
  usage: 'info --project <dir> [--json]',
  summary: 'Show what a project holds.',
  options: { project: { type: 'string' } },
  async run({ values, json }) {
    const store = await ProjectStore.open(await requireProject(values.project));
    try {
      const info = await store.info();
      // A damaged checkpoint must not hide the rest of what the project holds.
      const last = await lastRun(store).catch((e: Error) => e);
      printResult(
        json,
        { ...info, lastRun: last instanceof Error ? null : last, ...(last instanceof Error ? { lastRunError: last.message } : {}) },
        [
          `Project ${info.name} (${info.dir}), schema v${info.schemaVersion}`,
          `Source folder: ${info.sourceFolder ?? 'none yet'}`,
          `Images: ${info.images} (${info.removed} removed, ${info.skipped} skipped, ${info.duplicates} exact duplicates)`,
          `Last training run: ${describe(last)}`,
        ].join('\n'),
      );
    } finally {
      await store.close();
    }
  },
};
