/**
 * The PyTorch references the benchmarks run beside ours, in the same run, where Debian's
 * python3-torch is installed (apt-get install python3-torch python3-torchvision).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PYTHON = '/usr/bin/python3';

/** Why a reference script cannot run here, or null when it can. */
export function torchMissing(script: string): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  if (!existsSync(script)) return `${script} not found`;
  if (spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { encoding: 'utf8' }).status !== 0) {
    return 'python3-torch / python3-torchvision not installed (apt-get install python3-torch python3-torchvision)';
  }
  return null;
}
