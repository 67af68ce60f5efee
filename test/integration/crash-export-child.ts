/**
 * Child process for crash-export.test.ts: the app's classifier export of <projectDir> into
 * <outDir>, run until it finishes or the parent SIGKILLs it. It narrates on stdout ("start",
 * "done <files>") and, with CRASH_HOLD, "hold <name>" before a matching rename.
 * Usage: node --import tsx crash-export-child.ts <projectDir> <outDir>
 */
import { exportProjectClassifier } from '../../main/api/classifier';
import { ProjectStore } from '../../main/store/project-store';
import { installRenameHold } from '../helpers/crash-hold';

installRenameHold();
const [dir, outDir] = process.argv.slice(2);
const say = (line: string): void => void process.stdout.write(`${line}\n`);

const store = await ProjectStore.open(dir);
say('start');
const r = await exportProjectClassifier(store, outDir);
await store.close();
say(`done ${r.files.length}`);
// The tfjs backends keep handles open.
process.exit(0);
