import { exactDuplicates, nearDuplicates, outliers } from '../../api/analysis-jobs';
import { ProjectStore } from '../../store/project-store';
import { CliError, printResult } from '../output';
import { requireProject } from '../project-arg';
import type { CommandSpec } from '../command';

export const duplicatesCommand: CommandSpec = {
  name: 'duplicates',
  usage: 'duplicates --project <dir> [--threshold T] [--outliers N] [--json]',
  summary: 'List exact duplicate groups (ingest hash), near-duplicate groups (cosine ≥ T, default 0.95) and the N most unusual images.',
  options: { project: { type: 'string' }, threshold: { type: 'string' }, outliers: { type: 'string' } },
  async run({ values, json }) {
    const dir = await requireProject(values.project);
    const threshold = values.threshold === undefined ? 0.95 : Number(values.threshold);
    if (!(threshold >= 0 && threshold <= 1)) throw new CliError(`--threshold must be between 0 and 1, not "${String(values.threshold)}".`, 2);
    const top = values.outliers === undefined ? 10 : Number(values.outliers);
    if (!Number.isInteger(top) || top < 0) throw new CliError(`--outliers must be a whole number, not "${String(values.outliers)}".`, 2);
    const store = await ProjectStore.open(dir);
    try {
      const exact = await exactDuplicates(store);
      const hasEmb = (await store.getEmbeddings()) !== null;
      const near = hasEmb ? await nearDuplicates(store, threshold) : null;
      const odd = hasEmb && top > 0 ? await outliers(store, 10, top) : null;
      const show = (gs: { paths: string[] }[]) => gs.map((g) => `  ${g.paths.join('  ')}`).join('\n');
      printResult(
        json,
        { exact: exact.groups, near: near?.groups ?? null, threshold, outliers: odd?.items ?? null },
        [
          `Exact duplicate groups: ${exact.groups.length}`,
          show(exact.groups),
          near ? `Near-duplicate groups (cosine ≥ ${threshold}): ${near.groups.length}\n${show(near.groups)}` : 'Near duplicates and outliers need embeddings: train first.',
          odd ? `Most unusual:\n${odd.items.map((o) => `  ${o.score.toFixed(3)} ${o.path}`).join('\n')}` : '',
        ].filter(Boolean).join('\n'),
      );
    } finally {
      await store.close();
    }
  },
};
