// One full BYOL training step, timed: both views through online encoder + projector +
// predictor in one batch, target encoder + projector forward, symmetric 2−2cos loss
// summed, gradients, SGD-momentum update, EMA update. Runs the PyTorch reference
// (shared/bench/ref_byol_torch.py, ResNet-18 CIFAR stem, 512→1024→256 heads) in the same
// run and prints our time as a multiple of its time.
//   npx tsx test/bench/byol-step.bench.ts            (BENCH_STEPS=3 timed steps each)
//   BENCH_ONLY=small npx tsx test/bench/byol-step.bench.ts
//   BENCH_PROFILE=1 BENCH_ONLY=resnet18 npx tsx test/bench/byol-step.bench.ts
//     (wasm: per-phase and per-kernel time of the timed steps, no reference run;
//      BENCH_PROFILE=shapes: one row per kernel and input shapes)
//   BENCH_BATCH=64 (resnet18 batch, for quicker profiles), BENCH_NO_REF=1 (skip PyTorch)
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../main/engine/backends/select';
import { createMlpHead } from '../../main/engine/model/mlp';
import type { Network } from '../../main/engine/model/network';
import { createEncoder, type EncoderPreset } from '../../main/engine/model/resnet';
import { emaUpdate } from '../../main/engine/recipe/ema';
import { byolLoss } from '../../main/engine/recipe/loss';
import { Sgd } from '../../main/engine/recipe/optim';
import { resetWasmProfile, startWasmProfile, stopWasmProfile, type KernelStat } from '../../main/engine/backends/wasm-profile';
import { SHARED_DIR } from '../helpers/paths';
import { fmt, median, printTable } from './table';
import { PYTHON, torchMissing } from './torch-ref';

const REF = path.join(SHARED_DIR, 'bench/ref_byol_torch.py');
const STEPS = Number(process.env.BENCH_STEPS ?? 3);
const ONLY = process.env.BENCH_ONLY;
const PROFILE_ROWS = Number(process.env.BENCH_PROFILE_ROWS ?? 30);
const PROFILE = process.env.BENCH_PROFILE === '1' || process.env.BENCH_PROFILE === 'shapes';

/** Wall ms per step phase, summed over the steps run while profiling. */
const phases: Record<string, number> = {};
function mark(t0: number, phase: string): number {
  const t = performance.now();
  phases[phase] = (phases[phase] ?? 0) + t - t0;
  return t;
}

interface Run { backend: 'wasm' | 'cpu'; preset: EncoderPreset; batch: number; size: number; hidden: number; out: number; steps: number; warmup: number }

const RUNS: Run[] = [
  { backend: 'wasm', preset: 'small', batch: 128, size: 32, hidden: 512, out: 128, steps: STEPS, warmup: 1 },
  { backend: 'wasm', preset: 'resnet18', batch: Number(process.env.BENCH_BATCH ?? 128), size: 32, hidden: 1024, out: 256, steps: STEPS, warmup: 1 },
  // The pure-JS backend is hundreds of times slower: a tiny batch, one step, no warm-up.
  { backend: 'cpu', preset: 'small', batch: 2, size: 32, hidden: 512, out: 128, steps: 1, warmup: 0 },
];

/** The PyTorch reference's ms/step at this batch and size, or a reason it did not run. */
function pytorch(batch: number, size: number): { ms: number } | { skip: string } {
  const missing = torchMissing(REF);
  if (missing) return { skip: missing };
  const r = spawnSync(PYTHON, [REF, String(os.availableParallelism()), String(batch), String(size)], { encoding: 'utf8', timeout: 30 * 60_000 });
  const m = /([\d.]+) ms\/step/.exec(r.stdout ?? '');
  return m ? { ms: Number(m[1]) } : { skip: `reference failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}` };
}

function byolStep(n: { enc: Network; proj: Network; pred: Network; tEnc: Network; tProj: Network }, opt: Sgd, x: tf.Tensor4D): number {
  const online = [...n.enc.trainable, ...n.proj.trainable, ...n.pred.trainable];
  let t = performance.now();
  const [z1, z2] = tf.tidy(() => tf.split(n.tProj.apply(n.tEnc.apply(x, { training: true }), { training: true }), 2) as tf.Tensor2D[]);
  t = mark(t, 'target forward');
  const { value, grads } = tf.variableGrads(() => {
    const p = n.pred.apply(n.proj.apply(n.enc.apply(x, { training: true }), { training: true }), { training: true });
    const [p1, p2] = tf.split(p, 2) as tf.Tensor2D[];
    const l = byolLoss(p1, p2, z1, z2);
    t = mark(t, 'online forward');
    return l;
  }, online);
  t = mark(t, 'backward');
  const ordered = online.map((v) => grads[v.name]);
  opt.step(online, ordered, 0.06);
  t = mark(t, 'optimizer');
  emaUpdate([...n.tEnc.trainable, ...n.tProj.trainable], [...n.enc.trainable, ...n.proj.trainable], 0.99);
  const loss = value.dataSync()[0]; // also waits for the step to finish
  mark(t, 'EMA');
  tf.dispose([value, z1, z2, ...ordered]);
  return loss;
}

async function timeRun(r: Run): Promise<{ ms: number; cpuMs: number; cpuShare: number; threads?: number; leaked: number; loss: number }> {
  const sel = await selectBackend(r.backend);
  const enc = createEncoder(r.preset, { inputSize: r.size, seed: 1 });
  const proj = createMlpHead('projector', { inF: enc.spec.outDim, hidden: r.hidden, outF: r.out }, 2);
  const pred = createMlpHead('predictor', { inF: r.out, hidden: r.hidden, outF: r.out }, 3);
  const nets = { enc, proj, pred, tEnc: enc.clone(), tProj: proj.clone() };
  const opt = new Sgd({ momentum: 0.9, weightDecay: 5e-4 });
  const x = tf.randomUniform([2 * r.batch, r.size, r.size, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
  try {
    for (let i = 0; i < r.warmup; i++) byolStep(nets, opt, x); // operator creation, optimizer slots
    // The optimizer creates its slots in the first step; count leaks after it.
    const before = r.warmup ? tf.memory().numTensors : NaN;
    const profile = PROFILE && sel.backend === 'wasm';
    if (profile) startWasmProfile(process.env.BENCH_PROFILE === 'shapes');
    resetWasmProfile();
    for (const k of Object.keys(phases)) delete phases[k];
    const times: number[] = [];
    const cpu0 = process.cpuUsage();
    let loss = NaN;
    for (let i = 0; i < r.steps; i++) {
      const t0 = performance.now();
      loss = byolStep(nets, opt, x);
      times.push(performance.now() - t0);
    }
    const cpu = process.cpuUsage(cpu0);
    if (profile) printProfile(r, stopWasmProfile(), times.reduce((a, b) => a + b, 0));
    const wall = times.reduce((a, b) => a + b, 0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    return { ms: median(times), cpuMs: cpuMs / r.steps, cpuShare: cpuMs / wall, threads: sel.threads, leaked: tf.memory().numTensors - before, loss };
  } finally {
    x.dispose();
    opt.dispose();
    Object.values(nets).forEach((m) => m.dispose());
  }
}

function printProfile(r: Run, kernels: KernelStat[], totalMs: number): void {
  const per = (ms: number) => fmt(ms / r.steps, 0);
  const share = (ms: number) => `${fmt((100 * ms) / totalMs, 1)}%`;
  printTable(`${r.preset} b${r.batch}: step phases (ms/step)`, Object.entries(phases).map(([phase, ms]) => ({ phase, ms: per(ms), share: share(ms) })));
  const inKernels = kernels.reduce((a, k) => a + k.ms, 0);
  const rows = kernels.slice(0, PROFILE_ROWS).map((k) => ({ kernel: k.key, calls: String(k.calls / r.steps), 'ms/step': per(k.ms), share: share(k.ms) }));
  rows.push({ kernel: 'outside kernels (JS, tape)', calls: '', 'ms/step': per(totalMs - inKernels), share: share(totalMs - inKernels) });
  printTable(`${r.preset} b${r.batch}: wasm kernels by self time (top ${PROFILE_ROWS})`, rows);
}

const runs = RUNS.filter((r) => !ONLY || r.preset === ONLY || r.backend === ONLY);
console.log(`BYOL step benchmark: ${os.cpus()[0]?.model ?? 'cpu'} ×${os.availableParallelism()}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const ref = PROFILE ? { skip: 'profile mode' } : process.env.BENCH_NO_REF === '1' ? { skip: 'BENCH_NO_REF=1' } : runs.some((r) => r.preset === 'resnet18') ? pytorch(128, 32) : { skip: 'no resnet18 run selected' };
if ('skip' in ref) console.log(`PyTorch reference skipped: ${ref.skip}`);
else console.log(`PyTorch reference (${os.availableParallelism()} threads, ResNet-18 CIFAR stem, batch 128, 32 px): ${fmt(ref.ms, 0)} ms/step`);

const rows: Record<string, string | number>[] = [];
for (const r of runs) {
  const res = await timeRun(r);
  const comparable = r.preset === 'resnet18' && r.batch === 128 && r.size === 32 && 'ms' in ref;
  rows.push({
    backend: r.backend + (res.threads ? ` ×${res.threads}` : ''),
    encoder: r.preset,
    batch: String(r.batch),
    px: String(r.size),
    'ms/step (median)': fmt(res.ms, 0),
    'img/s': fmt((r.batch * 1000) / res.ms, 1),
    // CPU time is far less sensitive than wall time to other processes on the machine.
    'CPU s/step': fmt(res.cpuMs / 1000, 1),
    'CPU use': `${fmt(res.cpuShare * 100, 0)}%`,
    'vs PyTorch': comparable ? `${fmt(res.ms / (ref as { ms: number }).ms, 2)}×` : 'n/a',
    'tensors leaked': Number.isNaN(res.leaked) ? 'n/a' : String(res.leaked),
    loss: fmt(res.loss, 3),
  });
  console.log(`done: ${r.backend} ${r.preset} b${r.batch}: ${fmt(res.ms, 0)} ms/step`);
}
if ('ms' in ref) rows.push({ backend: 'PyTorch CPU', encoder: 'resnet18', batch: '128', px: '32', 'ms/step (median)': fmt(ref.ms, 0), 'img/s': fmt(128_000 / ref.ms, 1), 'CPU s/step': '', 'CPU use': '', 'vs PyTorch': '1.00×', 'tensors leaked': '', loss: '' });
console.log(`load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (other processes on the machine inflate wall times)`);
printTable(`BYOL training step (wasm: median of ${STEPS} after 1 warm-up, cpu: 1 step; img/s = batch ÷ step time, as the reference prints)`, rows);
process.exit(0);
