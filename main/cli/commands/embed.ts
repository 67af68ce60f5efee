import type { BackendChoice } from '../../engine/trainer/backend';
import { ProjectStore } from '../../store/project-store';
import { CliError, printResult } from '../output';
import { requireProject } from '../project-arg';
import type { CommandSpec } from '../command';

const BACKENDS: BackendChoice[] = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

export function backendArg(v: unknown): BackendChoice | undefined {
  if (v === undefined) return undefined;
  if (!BACKENDS.includes(v as BackendChoice)) throw new CliError(`--backend must be one of ${BACKENDS.join(', ')}, got "${String(v)}".`, 2);
  return v as BackendChoice;
}

export const embedCommand: CommandSpec = {
  name: 'embed',
  usage: 'embed --project <dir> [--backend B] [--json]',
  summary: 'Recompute every image\'s embedding from the latest training checkpoint.',
  options: { project: { type: 'string' }, backend: { type: 'string' } },
  async run({ values, json }) {
    const backend = backendArg(values.backend);
    // Loaded here, not at the top: TensorFlow.js takes a second that other commands should not pay.
    const { describeBackend } = await import('../../engine/trainer/backend');
    const { embedFromCheckpoint } = await import('../../engine/trainer/embed-project');
    const store = await ProjectStore.open(await requireProject(values.project));
    try {
      let last = 0;
      const r = await embedFromCheckpoint(store, {
        backend,
        onEvent: (e) => {
          if (e.type === 'log') process.stderr.write(`${e.message}\n`);
        },
        onProgress: (done, total) => {
          if (Date.now() - last > 2000 || done === total) {
            last = Date.now();
            process.stderr.write(`embed ${done}/${total}\n`);
          }
        },
      });
      process.stderr.write(describeBackend(r.backend) + '\n');
      printResult(json, { run_id: r.runId, images: r.images, dim: r.dim, backend: r.backend.backend, seconds: r.seconds },
        `Stored ${r.images} embeddings of ${r.dim} dimensions under ${r.runId} in ${r.seconds.toFixed(1)} s.`);
    } finally {
      await store.close();
    }
  },
};
