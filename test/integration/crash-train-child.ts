/**
 * Child process for crash-train.test.ts: trains the tiny config on <projectDir> (resuming
 * from its checkpoint when there is one) until it finishes or the parent SIGKILLs it. It
 * narrates on stdout ("start", "step <n>", "checkpoint <step>", "done <steps>") so the
 * parent can aim its kills and record where each one landed.
 * Usage: node --import tsx crash-train-child.ts <projectDir>
 */
import { existsSync } from 'node:fs';
import { checkpointPath } from '../../main/engine/trainer/checkpoint';
import { listProjectImages } from '../../main/engine/trainer/project-images';
import { runTraining } from '../../main/engine/trainer/train-loop';
import { ProjectStore } from '../../main/store/project-store';
import { installRenameHold } from '../helpers/crash-hold';
import { CRASH_TRAIN_CONFIG } from './crash-train-config';

installRenameHold();
const [dir] = process.argv.slice(2);
const say = (line: string): void => void process.stdout.write(`${line}\n`);

const store = await ProjectStore.open(dir);
const images = await listProjectImages(store);
await store.close();
const resume = existsSync(checkpointPath(dir));
say(`start ${resume ? 'resume' : 'fresh'}`);
const summary = await runTraining({
  job: { projectDir: dir, images, config: CRASH_TRAIN_CONFIG, resume, runId: null, embed: false, progressEvery: 1 },
  onEvent: (e) => {
    if (e.type === 'progress') say(`step ${e.progress.step}`);
    if (e.type === 'checkpoint') say(`checkpoint ${e.step}`);
  },
});
say(`done ${summary.steps}`);
// The wasm backend keeps handles open after a run.
process.exit(0);
