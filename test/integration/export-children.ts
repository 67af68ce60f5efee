/** Runs the export round-trip children (fresh processes) and compares their outputs. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { REPO_ROOT } from '../helpers/paths';

export interface ChildResult { shape: number[]; probs: number[] }

/** Runs an export-*-child.ts script in a fresh Node process and returns what it wrote. */
export function runChild(script: string, exportDir: string, files: string[], tfjsBackend = 'cpu'): Promise<ChildResult> {
  const resultFile = path.join(exportDir, '..', `${path.basename(script, '.ts')}.json`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'test/integration', script), exportDir, resultFile, ...files],
      { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, EXPORT_CHILD_TFJS_BACKEND: tfjsBackend } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`${script} exited with ${code}: ${stderr}`));
      else resolve(JSON.parse(readFileSync(resultFile, 'utf8')) as ChildResult);
    });
  });
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
