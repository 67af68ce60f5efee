/**
 * Scale: an N-image folder (default 100,000) made from the shared CIFAR images with seeded
 * flips, crops and renames, taken through every stage by the CLI in child processes:
 * ingest → train (one epoch) → embed → map → label → propagate → export. Each stage's wall
 * time and the child's peak RSS (GNU time's "Maximum resident set size", which covers the
 * worker threads too) are printed beside the 4 GB target.
 *
 * Env: SCALE_N (100000), SCALE_SEED (1), SCALE_PRESET (small), SCALE_IMAGE_SIZE (16),
 * SCALE_BATCH (256), SCALE_EPOCHS (1), SCALE_BACKEND (auto), SCALE_KEEP=1 keeps the folder.
 * SCALE_REUSE=<work folder> (kept by an earlier run) skips generation, and SCALE_FROM=<stage>
 * starts there, for resuming a long run that was interrupted after its ingest.
 * Run: npx tsx test/bench/scale.bench.ts
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT, hasCifar, tempDir } from '../helpers/paths';
import { generateScaleFolder, listScaleFolder } from '../helpers/scale-folder';
import { printTable } from './table';

const env = (k: string, d: string): string => process.env[k] ?? d;
const N = Number(env('SCALE_N', '100000'));
const SEED = Number(env('SCALE_SEED', '1'));
const TRAIN_ARGS = ['--preset', env('SCALE_PRESET', 'small'), '--image-size', env('SCALE_IMAGE_SIZE', '16'), '--batch', env('SCALE_BATCH', '256'),
  '--epochs', env('SCALE_EPOCHS', '1'), '--backend', env('SCALE_BACKEND', 'auto'), '--seed', String(SEED)];
const TARGET_MB = 4096;
const TIME = '/usr/bin/time';

interface StageResult { stage: string; seconds: number; peakMb: number; summary: string }

/** Runs one CLI command under GNU time; its last stdout line is the --json answer. */
function runStage(stage: string, args: string[], dataDir: string): Promise<StageResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(TIME, ['-v', process.execPath, '--import', 'tsx', path.join(REPO_ROOT, 'main/cli/index.ts'), ...args, '--json'], {
      cwd: REPO_ROOT, env: { ...process.env, BYOL_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const line = d.toString().trim().split('\n').at(-1);
      if (line && !line.startsWith('\t')) process.stderr.write(`[${stage}] ${line.slice(0, 160)}\n`);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? NaN);
      if (code !== 0) return reject(new Error(`${stage} failed (exit ${code}):\n${stderr.slice(-3000)}\n${stdout.slice(-1000)}`));
      const last = stdout.trim().split('\n').at(-1) ?? '';
      resolve({ stage, seconds, peakMb: kb / 1024, summary: last.slice(0, 140) });
    });
  });
}

async function main(): Promise<void> {
  if (!hasCifar) {
    console.log('scale bench skipped: the shared CIFAR folder is absent');
    return;
  }
  if (!existsSync(TIME)) {
    console.log(`scale bench skipped: ${TIME} (GNU time) is needed to measure peak RSS`);
    return;
  }
  const reuse = process.env.SCALE_REUSE;
  const tmp = reuse ? { dir: path.resolve(reuse), cleanup: async () => undefined } : await tempDir('byol-scale-');
  const folder = path.join(tmp.dir, 'images');
  const project = path.join(tmp.dir, 'project');
  const dataDir = path.join(tmp.dir, 'data');
  console.log(`scale bench: N=${N}, seed ${SEED}, work folder ${tmp.dir}`);
  try {
    const gen = reuse ? await listScaleFolder(folder) : await generateScaleFolder(folder, N, SEED);
    console.log(reuse ? `reusing ${gen.byClass.size} class folders in ${folder}` : `generated ${N} images in ${gen.seconds.toFixed(1)} s`);
    // 10 labels per class folder, paths relative to the source folder.
    const csv = ['path,label'];
    for (const [cls, files] of [...gen.byClass].sort()) for (const f of files.sort().slice(0, 10)) csv.push(`${f},${cls}`);
    const csvFile = path.join(tmp.dir, 'labels.csv');
    await writeFile(csvFile, csv.join('\n') + '\n');

    const p = ['--project', project];
    const stages: [string, string[]][] = [
      ['ingest', ['ingest', folder, ...p]],
      ['train', ['train', ...p, ...TRAIN_ARGS]],
      ['embed', ['embed', ...p]],
      ['map', ['map', ...p, '--seed', String(SEED)]],
      ['label', ['label', ...p, '--csv', csvFile]],
      ['propagate', ['propagate', ...p]],
      ['export', ['export', ...p, '--out', path.join(tmp.dir, 'export')]],
    ];
    const results: StageResult[] = [];
    const from = Math.max(0, stages.findIndex(([name]) => name === (process.env.SCALE_FROM ?? 'ingest')));
    for (const [stage, args] of stages.slice(from)) {
      const r = await runStage(stage, args, dataDir);
      console.log(`${stage}: ${r.seconds.toFixed(1)} s, peak RSS ${r.peakMb.toFixed(0)} MB — ${r.summary}`);
      results.push(r);
    }
    printTable(`Scale: ${N} images through every stage (train: ${TRAIN_ARGS.join(' ')})`, results.map((r) => ({
      stage: r.stage,
      'wall s': r.seconds,
      'peak RSS MB': r.peakMb,
      'target MB': TARGET_MB,
      'RSS / target': r.peakMb / TARGET_MB,
      ok: r.peakMb <= TARGET_MB ? 'yes' : 'NO',
    })));
    const worst = Math.max(...results.map((r) => r.peakMb));
    console.log(`\nLargest peak RSS: ${worst.toFixed(0)} MB (${worst <= TARGET_MB ? 'within' : 'OVER'} the ${TARGET_MB} MB target); total ${results.reduce((a, r) => a + r.seconds, 0).toFixed(0)} s after generation.`);
  } finally {
    if (process.env.SCALE_KEEP === '1') console.log(`kept ${tmp.dir}`);
    else await tmp.cleanup();
  }
}

await main();
