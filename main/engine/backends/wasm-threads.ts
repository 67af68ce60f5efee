// Multithreaded wasm under Node. tfjs-backend-wasm ships a threaded SIMD build but
// refuses to use it in Node (WASM_HAS_MULTITHREAD_SUPPORT is false there, tfjs#3830), and
// its loader hands Emscripten's pthread workers a Blob URL that Node's worker_threads
// cannot open. We re-register the 'wasm' backend factory with a loader that gives
// Emscripten real files: the worker script (written once to the OS temp dir) and the
// module script in node_modules. Kernels are registered per backend *name*, so every
// wasm kernel (and ours in wasm-grad-kernels.ts) applies unchanged.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BackendWasm, getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

const require = createRequire(import.meta.url);

interface EmscriptenModule {
  cwrap: (name: string, ret: string | null, args: string[]) => (...a: number[]) => number;
  tfjs?: Record<string, unknown>;
}
type Factory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;
interface WasmImports { env: Record<string, unknown> }

let installed: { threads: number } | null = null;
/** The stock 'wasm' factory, kept so a failed threaded start can fall back to it. */
let stockFactory: { factory: () => unknown; priority: number } | undefined;

/** Paths of the threaded build's files inside the installed package. */
function wasmFiles(): { dist: string; out: string } {
  const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  return { dist, out: path.join(dist, '../wasm-out') };
}

/** Writes Emscripten's pthread worker script to a content-addressed temp file. */
function workerScriptFile(out: string): string {
  const mod = require(path.join(out, 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  // The package stores the script in a template literal, which turned its "\n" escapes
  // into real newlines inside string literals; tfjs undoes that the same way.
  const text = mod.wasmWorkerContents.replace(/\n/g, '\\n');
  const hash = createHash('sha1').update(text).digest('hex').slice(0, 12);
  const file = path.join(os.tmpdir(), `tfjs-wasm-pthread-${hash}.cjs`);
  if (!existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  }
  return file;
}

/**
 * Makes the next initialisation of the 'wasm' backend load the threaded SIMD build with
 * `threads` XNNPACK threads. Call before `tf.setBackend('wasm')`; if wasm was already
 * initialised it is disposed and re-created. Returns false (leaving the stock
 * single-threaded backend in place) where threads are unavailable.
 */
export function installThreadedWasm(threads = os.availableParallelism()): boolean {
  if (installed?.threads === threads) return true;
  if (typeof SharedArrayBuffer === 'undefined' || threads < 2) return false;
  let files: { dist: string; out: string };
  let factory: Factory;
  let workerFile: string;
  try {
    files = wasmFiles();
    factory = require(path.join(files.out, 'tfjs-backend-wasm-threaded-simd.js')) as Factory;
    workerFile = workerScriptFile(files.out);
  } catch {
    return false;
  }
  const wasmBinary = path.join(files.dist, 'tfjs-backend-wasm-threaded-simd.wasm');
  const mainScript = path.join(files.out, 'tfjs-backend-wasm-threaded-simd.js');
  // removeBackend also disposes an already initialised instance.
  const registry = tf.engine().registryFactory as Record<string, { factory: () => unknown; priority: number }>;
  if (registry.wasm) {
    stockFactory ??= registry.wasm;
    tf.removeBackend('wasm');
  }
  tf.registerBackend('wasm', async () => {
    try {
      return await threadedBackend();
    } catch (e) {
      // e.g. worker_threads unavailable: the stock single-threaded build still works.
      if (!stockFactory) throw e;
      console.warn(`threaded wasm failed (${e instanceof Error ? e.message : String(e)}); using the single-threaded build`);
      setThreadsCount(-1);
      return (await stockFactory.factory()) as tf.KernelBackend;
    }
  }, 2);
  // BackendWasm reads the requested count from the package's module state.
  setThreadsCount(threads);
  installed = { threads };
  return true;

  async function threadedBackend(): Promise<tf.KernelBackend> {
    // Emscripten never settles its promise if our instantiateWasm fails; this one does.
    let fail: (e: unknown) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    const module = await Promise.race([failed, factory({
      locateFile: (p: string, prefix: string) =>
        p.endsWith('.worker.js') ? workerFile : p.endsWith('.wasm') ? wasmBinary : prefix + p,
      mainScriptUrlOrBlob: mainScript,
      instantiateWasm: (info: WasmImports, receive: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) => {
        // The backend caps its pool at emscripten_num_logical_cores()/2, assuming
        // hyper-threaded browsers; on a 2-core machine that is 1. Report twice the
        // wanted count so the cap is exactly `threads`.
        info.env.emscripten_num_logical_cores = () => 2 * threads;
        WebAssembly.instantiate(readFileSync(wasmBinary), info as unknown as WebAssembly.Imports).then(
          (r) => receive(r.instance, r.module),
          fail,
        );
        return {};
      },
    })]);
    // Same bridge the stock loader installs (backend_wasm.ts init()).
    module.tfjs = {
      init: module.cwrap('init', null, []),
      initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
      getThreadsCount: module.cwrap('get_threads_count', 'number', []),
      registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
      disposeData: module.cwrap('dispose_data', null, ['number']),
      dispose: module.cwrap('dispose', null, []),
    };
    return new BackendWasm(module as unknown as ConstructorParameters<typeof BackendWasm>[0]);
  }
}

/** Puts the stock single-threaded 'wasm' factory back (after a failed threaded start). */
export function uninstallThreadedWasm(): void {
  if (!installed || !stockFactory) return;
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', stockFactory.factory as () => Promise<tf.KernelBackend>, stockFactory.priority);
  setThreadsCount(-1);
  installed = null;
}

/** XNNPACK threads of the initialised wasm backend, or 0 when it is not initialised. */
export function wasmThreadCount(): number {
  try {
    return getThreadsCount();
  } catch {
    return 0;
  }
}
