import { printResult } from '../output';
import { requireProject } from '../project-arg';
import { assertJobOk, cliService } from '../run-job';
import type { CommandSpec } from '../command';

export const mapCommand: CommandSpec = {
  name: 'map',
  usage: 'map --project <dir> [--neighbors K] [--min-dist D] [--seed S] [--json]',
  summary: 'Build the kNN graph and the 3D UMAP layout of the latest embeddings.',
  options: { project: { type: 'string' }, neighbors: { type: 'string' }, 'min-dist': { type: 'string' }, seed: { type: 'string' } },
  async run({ values, json }) {
    const dir = await requireProject(values.project);
    const { service, waitFor } = cliService('map');
    try {
      await service.openProject(dir);
      const num = (v: unknown) => (typeof v === 'string' ? Number(v) : undefined);
      const { jobId } = await service.call('map.build', { nNeighbors: num(values.neighbors), minDist: num(values['min-dist']), seed: num(values.seed) }) as { jobId: string };
      const finished = await waitFor(jobId);
      assertJobOk(finished);
      const s = finished.summary as { points: number; seconds: number };
      printResult(json, { points: s.points, seconds: Number(s.seconds.toFixed(2)) }, `Mapped ${s.points} points in ${s.seconds.toFixed(1)} s.`);
    } finally {
      await service.close();
    }
  },
};
