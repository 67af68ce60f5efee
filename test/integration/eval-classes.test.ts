/**
 * `eval` scores embeddings against folder names; a project whose images share one folder
 * has one class, where kNN accuracy is 100% whatever the embeddings. It must say so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateProject } from '../../main/engine/eval/eval-project';
import { ProjectStore } from '../../main/store/project-store';
import { hasCifar } from '../helpers/paths';
import { runCli } from '../helpers/run-cli';
import { makeTinyProject, type TinyProject } from './train-fixture';

if (!hasCifar) console.log('[skip] eval classes: the shared CIFAR folder is missing beside the repository.');

describe.skipIf(!hasCifar)('eval on a single-folder project', () => {
  let tiny: TinyProject;
  beforeAll(async () => {
    tiny = await makeTinyProject({ classes: ['cat'], perClass: 6 });
  }, 60_000);
  afterAll(async () => tiny?.cleanup());

  it('refuses with a message that names the folder, from the API and the CLI', async () => {
    const store = await ProjectStore.open(tiny.project);
    try {
      // Real stored embeddings (any values): the check is about the labels, not the vectors.
      const { items } = await store.pageImages(0, 100);
      const runId = await store.createRun({});
      await store.putEmbeddings(runId, items.map((i) => i.id), 4, Float32Array.from({ length: items.length * 4 }, (_, i) => Math.sin(i)));
      await expect(evaluateProject(store)).rejects.toThrow(/every image of this project is in one folder, cat\. Run it on a labelled copy/);
    } finally {
      await store.close();
    }
    const r = await runCli(['eval', '--project', tiny.project, '--json']);
    expect(r.code).not.toBe(0);
    expect(r.json!.error).toMatch(/one folder, cat/);
  });
});
