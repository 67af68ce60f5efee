/**
 * Picks the fastest TensorFlow.js backend that works here, in order:
 *   tensorflow-gpu (@tensorflow/tfjs-node-gpu: CUDA 11.2 + cuDNN 8.1)
 *   tensorflow     (@tensorflow/tfjs-node: native CPU TensorFlow)
 *   wasm           (XNNPACK, multithreaded, made trainable by wasm-grad-kernels.ts)
 *   cpu            (pure JS; ~1500× slower than PyTorch for conv nets)
 * The native packages are optionalDependencies that download libtensorflow at install
 * time, so they are often absent; that is reported, not thrown.
 */
import os from 'node:os';
import util from 'node:util';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { enableTrainableWasm } from './wasm-grad-kernels';
import { installThreadedWasm, uninstallThreadedWasm, wasmThreadCount } from './wasm-threads';

export type BackendPreference = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export type BackendChoice = Exclude<BackendPreference, 'auto'>;

export interface BackendSelection {
  backend: BackendChoice;
  /** For every backend not used: why not. */
  reasons: Partial<Record<BackendChoice, string>>;
  /** wasm: XNNPACK threads. */
  threads?: number;
  /** Set when the result will be very slow (cpu). */
  warning?: string;
}

const ORDER: BackendChoice[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

const NATIVE: Record<'tensorflow-gpu' | 'tensorflow', { pkg: string; needs: string }> = {
  'tensorflow-gpu': { pkg: '@tensorflow/tfjs-node-gpu', needs: 'needs CUDA 11.2 + cuDNN 8.1 and downloads libtensorflow at install time' },
  tensorflow: { pkg: '@tensorflow/tfjs-node', needs: 'downloads libtensorflow at install time' },
};

/** tfjs-node calls util.isNullOrUndefined, removed in Node 23 (tfjs#8609). */
export function shimNodeUtil(): void {
  const u = util as unknown as Record<string, unknown>;
  if (typeof u.isNullOrUndefined !== 'function') u.isNullOrUndefined = (v: unknown) => v === null || v === undefined;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0] : String(e);
}

function isMissingModule(e: unknown, pkg: string): boolean {
  const code = (e as { code?: string })?.code;
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message(e).includes(pkg);
}

async function tryNative(which: 'tensorflow-gpu' | 'tensorflow'): Promise<string | null> {
  const { pkg, needs } = NATIVE[which];
  shimNodeUtil();
  try {
    await import(/* @vite-ignore */ pkg);
  } catch (e) {
    return isMissingModule(e, pkg) ? `not installed: npm install ${pkg} (${needs})` : `installed but failed to load: ${message(e)}`;
  }
  if (!(await tf.setBackend('tensorflow'))) return `${pkg} loaded but its backend did not initialise`;
  if (which === 'tensorflow-gpu') {
    const gpu = (tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice;
    if (gpu === false) return `${pkg} loaded but found no usable GPU (CUDA 11.2 + cuDNN 8.1 needed)`;
  }
  return null;
}

async function tryWasm(threads: number): Promise<string | null> {
  enableTrainableWasm();
  const threaded = installThreadedWasm(threads);
  try {
    if (await tf.setBackend('wasm')) return null;
  } catch {
    // fall through to the single-threaded build
  }
  if (threaded) {
    uninstallThreadedWasm();
    try {
      if (await tf.setBackend('wasm')) return null;
    } catch (e) {
      return `failed to initialise: ${message(e)}`;
    }
  }
  return 'failed to initialise (WebAssembly unavailable?)';
}

/**
 * Selects and initialises a backend. `pref` starts the search at that backend ('auto' at
 * the top); backends above it are reported as not requested.
 */
export async function selectBackend(pref: BackendPreference = 'auto', opts: { threads?: number } = {}): Promise<BackendSelection> {
  const start = pref === 'auto' ? 0 : ORDER.indexOf(pref);
  if (start < 0) throw new Error(`Unknown backend preference "${pref}"; use one of auto, ${ORDER.join(', ')}`);
  const reasons: Partial<Record<BackendChoice, string>> = {};
  ORDER.slice(0, start).forEach((b) => (reasons[b] = `not requested (preference: ${pref})`));
  for (const b of ORDER.slice(start)) {
    let why: string | null;
    if (b === 'tensorflow-gpu' || b === 'tensorflow') why = await tryNative(b);
    else if (b === 'wasm') why = await tryWasm(opts.threads ?? os.availableParallelism());
    else why = (await tf.setBackend('cpu')) ? null : 'failed to initialise';
    if (why === null) {
      const used = ORDER.indexOf(b);
      ORDER.slice(used + 1).forEach((later) => (reasons[later] = `not needed: ${b} is available`));
      const sel: BackendSelection = { backend: b, reasons };
      if (b === 'wasm') sel.threads = wasmThreadCount();
      if (b === 'cpu') {
        sel.warning = 'Training on the pure-JavaScript cpu backend is extremely slow; install @tensorflow/tfjs-node(-gpu) or fix the wasm backend.';
        console.warn(sel.warning);
      }
      return sel;
    }
    reasons[b] = why;
  }
  throw new Error(`No TensorFlow.js backend could be initialised: ${JSON.stringify(reasons)}`);
}
