/**
 * A tiny real project for the training tests: `perClass` CIFAR images from each of a few
 * class folders, copied into a temp folder and ingested with the real pipeline.
 */
import { cp, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { ingestFolder } from '../../main/dataset/ingest';
import type { TrainConfigInput } from '../../main/engine/recipe/config';
import { ProjectStore } from '../../main/store/project-store';
import { CIFAR_DIR, tempDir } from '../helpers/paths';

export interface TinyProject {
  root: string;
  images: string;
  project: string;
  cleanup(): Promise<void>;
}

export async function makeTinyProject(o: { classes?: string[]; perClass?: number } = {}): Promise<TinyProject> {
  const classes = o.classes ?? ['airplane', 'automobile', 'frog', 'ship'];
  const perClass = o.perClass ?? 16;
  const tmp = await tempDir('byol-train-');
  const images = path.join(tmp.dir, 'images');
  for (const c of classes) {
    const files = (await readdir(path.join(CIFAR_DIR, c))).sort().slice(0, perClass);
    await mkdir(path.join(images, c), { recursive: true });
    for (const f of files) await cp(path.join(CIFAR_DIR, c, f), path.join(images, c, f));
  }
  const project = path.join(tmp.dir, 'project');
  const store = await ProjectStore.open(project);
  try {
    await ingestFolder({ folder: images, store });
  } finally {
    await store.close();
  }
  return { root: tmp.dir, images, project, cleanup: tmp.cleanup };
}

/** Settings small enough for a test: 16 px, batch 16, the small preset, narrow heads. */
export const TINY_CONFIG: TrainConfigInput = {
  preset: 'small', imageSize: 16, batchSize: 16, epochs: 2, optimizer: 'lars', seed: 7, backend: 'wasm',
  warmupEpochs: 0, projector: { hidden: 64, out: 32 }, predictor: { hidden: 64, out: 32 },
};

/** Promises resolved by the first service event that passes their test, for tests driving AppService. */
export function eventWaiters() {
  const waiters: { test: (e: string, p: unknown) => boolean; resolve: (p: unknown) => void }[] = [];
  return {
    waitFor: <T,>(test: (e: string, p: unknown) => boolean) => new Promise<T>((resolve) => waiters.push({ test, resolve: resolve as (p: unknown) => void })),
    /** Call from the service's emit: settles every waiter this event satisfies. */
    settle(event: string, payload: unknown): void {
      for (const w of [...waiters]) if (w.test(event, payload)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(payload);
      }
    },
  };
}
