/**
 * Picks the tfjs backend a training run uses and says why every other one was not used,
 * so the UI and the CLI can show it. Order for 'auto': native TensorFlow with CUDA, native
 * TensorFlow on the CPU, trainable wasm (our CPU path), then pure-JS cpu with a warning.
 */
import util from 'node:util';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { enableTrainableWasm } from '../backends/wasm-grad-kernels';
import { installThreadedWasm, wasmThreadCount } from '../backends/wasm-threads';

export type BackendChoice = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export type BackendName = Exclude<BackendChoice, 'auto'>;

export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

export interface BackendReport {
  backend: BackendName;
  /** tfjs's own name of the active backend ('tensorflow', 'wasm', 'cpu'). */
  tfBackend: string;
  /** One line per backend that is not used, saying why. */
  reasons: { backend: BackendName; reason: string }[];
  /** Set when the chosen backend is much slower than it should be. */
  warning: string | null;
  /** XNNPACK threads for wasm, else 0. */
  threads: number;
}

/** tfjs-node under Node ≥ 23 calls util.isNullOrUndefined, which was removed (tfjs#8609). */
function shimNodeUtil(): void {
  const u = util as unknown as Record<string, unknown>;
  if (typeof u.isNullOrUndefined !== 'function') u.isNullOrUndefined = (x: unknown) => x === null || x === undefined;
}

async function tryNative(pkg: string): Promise<string | null> {
  shimNodeUtil();
  try {
    // A variable specifier: the packages are optional and absent on most machines.
    const name = pkg;
    await import(name);
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return /Cannot find (package|module)/.test(msg) ? `${pkg} is not installed` : `${pkg} failed to load: ${msg}`;
  }
  try {
    if (!(await tf.setBackend('tensorflow'))) return `${pkg} is installed but its backend did not initialise`;
  } catch (e) {
    return `${pkg} is installed but its backend did not initialise: ${e instanceof Error ? e.message : String(e)}`;
  }
  return null;
}

async function tryBackend(b: BackendName, threads: number | undefined): Promise<string | null> {
  switch (b) {
    case 'tensorflow-gpu': {
      const err = await tryNative('@tensorflow/tfjs-node-gpu');
      if (err) return err;
      // tfjs-node-gpu falls back to the CPU silently when CUDA is missing.
      const gpu = await import('node:child_process').then((cp) => {
        try {
          cp.execFileSync('nvidia-smi', ['-L'], { stdio: 'ignore', timeout: 5000 });
          return true;
        } catch {
          return false;
        }
      });
      return gpu ? null : 'tfjs-node-gpu loaded but no NVIDIA GPU answers (nvidia-smi failed)';
    }
    case 'tensorflow':
      return tryNative('@tensorflow/tfjs-node');
    case 'wasm': {
      // Threads first; the single-threaded build is the fallback inside installThreadedWasm.
      installThreadedWasm(threads);
      enableTrainableWasm();
      try {
        return (await tf.setBackend('wasm')) ? null : 'the wasm backend did not initialise';
      } catch (e) {
        return `the wasm backend did not initialise: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
    case 'cpu':
      return (await tf.setBackend('cpu')) ? null : 'the cpu backend did not initialise';
  }
}

let active: BackendReport | null = null;

/**
 * Activates the preferred backend ('auto' tries them in BACKEND_ORDER). A named backend
 * that fails is an error that says why: the user asked for it explicitly.
 */
export async function selectBackend(pref: BackendChoice = 'auto', opts: { threads?: number } = {}): Promise<BackendReport> {
  if (active && (pref === 'auto' || pref === active.backend)) return active;
  const reasons: BackendReport['reasons'] = [];
  const candidates = pref === 'auto' ? BACKEND_ORDER : [pref];
  for (const b of candidates) {
    const err = await tryBackend(b, opts.threads);
    if (err === null) {
      if (pref !== 'auto') for (const o of BACKEND_ORDER) if (o !== b) reasons.push({ backend: o, reason: `not requested (--backend ${pref})` });
      if (pref === 'auto') for (const o of BACKEND_ORDER.slice(BACKEND_ORDER.indexOf(b) + 1)) reasons.push({ backend: o, reason: `slower fallback, not needed (${b} works)` });
      const warning = b === 'cpu'
        ? 'Training on the pure-JavaScript cpu backend is about 100× slower than wasm; expect hours per epoch. Use --backend wasm.'
        : null;
      active = { backend: b, tfBackend: tf.getBackend(), reasons, warning, threads: b === 'wasm' ? wasmThreadCount() : 0 };
      return active;
    }
    reasons.push({ backend: b, reason: err });
  }
  throw new Error(`No usable TensorFlow.js backend: ${reasons.map((r) => `${r.backend}: ${r.reason}`).join('; ')}.`);
}

/** One human line per backend, for the CLI and logs. */
export function describeBackend(r: BackendReport): string {
  const lines = [`Backend: ${r.backend}${r.threads ? ` (${r.threads} threads)` : ''}`];
  for (const x of r.reasons) lines.push(`  not ${x.backend}: ${x.reason}`);
  if (r.warning) lines.push(`Warning: ${r.warning}`);
  return lines.join('\n');
}
