import path from 'node:path';
import { stat } from 'node:fs/promises';
import type { IngestSummary } from '../../../preload/contract';
import { CliError, printResult } from '../output';
import { assertJobOk, cliService } from '../run-job';
import type { CommandSpec } from '../command';

export const ingestCommand: CommandSpec = {
  name: 'ingest',
  usage: 'ingest <folder> [--project <dir>] [--json]',
  summary: 'Take in a folder of images: decode, hash, thumbnail; re-running is incremental.',
  options: { project: { type: 'string' } },
  async run({ positionals, values, json }) {
    const folder = positionals[0];
    if (!folder) throw new CliError('ingest needs a folder: npm run cli -- ingest <folder> --project <dir>', 2);
    const abs = path.resolve(folder);
    const st = await stat(abs).catch(() => null);
    if (!st?.isDirectory()) throw new CliError(`Not a folder: ${abs}. Give the path of a folder of images.`, 2);
    const { service, waitFor } = cliService('ingest');
    try {
      const projectDir = typeof values.project === 'string' ? path.resolve(values.project) : undefined;
      const { jobId, project } = await service.handlers['ingest.start']({ folder: abs, projectDir });
      process.stderr.write(`Project: ${project.dir}\n`);
      const finished = await waitFor(jobId);
      assertJobOk(finished);
      const s = finished.summary as IngestSummary;
      const lines = [
        `Ingested ${s.images} images in ${s.seconds.toFixed(1)} s (${s.added} new, ${s.changed} changed, ${s.unchanged} unchanged, ${s.removed} removed).`,
        `Exact duplicates: ${s.duplicates} images beyond the first of each group.`,
        s.skipped.length ? `Skipped ${s.skipped.length} files:\n${s.skipped.map((k) => `  ${k.path}: ${k.reason}`).join('\n')}` : 'Skipped: none.',
      ];
      printResult(json, { images: s.images, skipped: s.skipped, duplicates: s.duplicates }, lines.join('\n'));
    } finally {
      await service.close();
    }
  },
};
