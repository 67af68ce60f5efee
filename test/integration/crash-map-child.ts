/**
 * Child process for crash-map.test.ts: the app's own map job (kNN + UMAP in workers, then the
 * kNN and map files written) on <projectDir>, run until it finishes or the parent SIGKILLs
 * it. It narrates on stdout ("start", "progress <message>", "done <points>") so the parent
 * can aim its kills.
 * Usage: node --import tsx crash-map-child.ts <projectDir> <dataRoot>
 */
import type { JobFinished, JobProgress } from '../../preload/contract';
import { AppService } from '../../main/api/service';
import { installRenameHold } from '../helpers/crash-hold';

installRenameHold();
const [dir, dataRoot] = process.argv.slice(2);
const say = (line: string): void => void process.stdout.write(`${line}\n`);

let finish: (f: JobFinished) => void = () => {};
const finished = new Promise<JobFinished>((r) => (finish = r));
const service = new AppService({
  mode: 'serve',
  dataRoot,
  emit: (event, payload) => {
    if (event === 'job.progress') say(`progress ${(payload as JobProgress).message}`);
    if (event === 'job.finished') finish(payload as JobFinished);
  },
});
await service.openProject(dir);
say('start');
await service.call('map.build', { seed: 3 });
const f = await finished;
await service.close();
if (f.status !== 'ok') throw new Error(`map job ended ${f.status}: ${f.error ?? ''}`);
say(`done ${(f.summary as { points: number }).points}`);
process.exit(0);
