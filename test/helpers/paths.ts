import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, wherever the clone lives. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** shared/ sits beside the clone, both here and in CI. */
export const SHARED_DIR = path.resolve(REPO_ROOT, '../shared');
export const CIFAR_DIR = path.join(SHARED_DIR, 'datasets/cifar10-train-5k');
export const hasCifar = existsSync(CIFAR_DIR);

/** A fresh temporary folder, removed by the returned cleanup. */
export async function tempDir(prefix = 'byol-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
