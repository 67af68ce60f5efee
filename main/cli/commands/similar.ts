import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { queryByImage } from '../../api/query-image';
import type { Ranked } from '../../store/similar';
import { ProjectStore } from '../../store/project-store';
import { CliError, printResult } from '../output';
import { requireProject } from '../project-arg';
import { toRelPath } from '../rel-path';
import type { CommandSpec } from '../command';

export const similarCommand: CommandSpec = {
  name: 'similar',
  usage: 'similar --project <dir> --image <path> [--count N] [--json]',
  summary: 'The N images (default 10) most like one image: cosine similarity of the latest embeddings, exact search. An image from outside the project is embedded by the latest model first, with the classifier\'s prediction.',
  options: { project: { type: 'string' }, image: { type: 'string' }, count: { type: 'string' } },
  async run({ values, json }) {
    const dir = await requireProject(values.project);
    if (typeof values.image !== 'string' || values.image.trim() === '') throw new CliError('similar needs --image <path>: an image of the project, or any picture to search by.', 2);
    const count = values.count === undefined ? 10 : Number(values.count);
    if (!Number.isInteger(count) || count < 1 || count > 5000) throw new CliError(`--count must be a whole number from 1 to 5000, not "${String(values.count)}".`, 2);
    const store = await ProjectStore.open(dir);
    try {
      const source = await store.getMeta('sourceFolder');
      const index = await store.predictions.imageIndex();
      const byPath = new Map(index.map((r) => [r.path, r.id]));
      // As stored (relative to the ingested folder), or a path on disk from here.
      const given = values.image;
      const stored = toRelPath(given, null);
      const rel = byPath.has(stored) ? stored : toRelPath(path.resolve(given), source);
      const id = byPath.get(rel);
      const pathOf = new Map(index.map((x) => [x.id, x.path]));
      const list = (items: Ranked[]) => items.map((x) => ({ id: x.id, path: pathOf.get(x.id)!, similarity: x.similarity }));
      const lines = (items: ReturnType<typeof list>) => items.map((x) => `  ${x.similarity.toFixed(3)}  ${x.path}`);
      if (id !== undefined) {
        // One more than asked: the image itself comes first.
        const r = await store.similarImages(id, count + 1);
        const items = list(r.items.slice(1));
        printResult(json, { image: { id, path: rel }, runId: r.runId, items }, [`Most similar to ${rel} (${r.runId}, cosine):`, ...lines(items)].join('\n'));
        return;
      }
      // A picture from outside the project: embedded by the latest model, as the app's search by image does.
      const file = path.resolve(given);
      const bytes = await readFile(file).catch(() => {
        throw new CliError(`No image "${given}" in this project (paths are relative to ${source ?? 'the ingested folder'}), and no such file to search by.`, 2);
      });
      const r = await queryByImage(store, bytes, count);
      const items = list(r.items);
      const p = r.prediction;
      printResult(
        json,
        { image: { id: null, path: file }, runId: r.runId, items, prediction: p, predictionNote: r.predictionNote },
        [
          `Most similar to ${file} (not in the project; embedded with ${r.runId}'s model, cosine):`,
          ...lines(items),
          p ? `Classifier: ${p.classes.map((c, i) => `${c} ${(100 * p.probs[i]).toFixed(1)}%`).join(', ')}` : (r.predictionNote ?? ''),
        ].join('\n'),
      );
    } finally {
      await store.close();
    }
  },
};
