// Per-kernel wall time of the wasm backend, for the step benchmark's profile mode.
// tf.profile() times customGrad scopes around the kernels they run (so totals count
// twice) and reads back every output; here every registered wasm kernel is wrapped
// instead. wasm kernels are synchronous, so wall time is exact. Kernels our gradient
// kernels call directly (through the registry) are timed as "parent>child", and the
// parent keeps only its own (self) time, so the rows add up to the kernel total.
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';

export interface KernelStat { key: string; calls: number; ms: number }

interface Frame { key: string; child: number }

let stock: KernelConfig[] | null = null;
let withShapes = false;
const stats = new Map<string, KernelStat>();
const stack: Frame[] = [];

function wrap(cfg: KernelConfig): KernelFunc {
  return (args) => {
    const parent = stack[stack.length - 1];
    let name = cfg.kernelName;
    if (withShapes) name += ' ' + Object.values(args.inputs).map((t) => `[${t?.shape ?? ""}]`).join('');
    const key = parent ? `${parent.key}>${name}` : name;
    const frame: Frame = { key, child: 0 };
    stack.push(frame);
    const t0 = performance.now();
    try {
      return cfg.kernelFunc(args);
    } finally {
      const dt = performance.now() - t0;
      stack.pop();
      if (parent) parent.child += dt;
      const s = stats.get(key) ?? { key, calls: 0, ms: 0 };
      s.calls++;
      s.ms += dt - frame.child;
      stats.set(key, s);
    }
  };
}

/**
 * Starts timing every kernel registered for 'wasm' (call after kernels are registered).
 * `shapes`: one row per kernel and input shapes instead of per kernel.
 */
export function startWasmProfile(shapes = false): void {
  if (stock) return;
  withShapes = shapes;
  stock = tf.getKernelsForBackend('wasm');
  for (const cfg of stock) {
    tf.unregisterKernel(cfg.kernelName, 'wasm');
    tf.registerKernel({ ...cfg, kernelFunc: wrap(cfg) });
  }
  stats.clear();
}

/** Clears the counts gathered so far (e.g. after warm-up). */
export function resetWasmProfile(): void {
  stats.clear();
}

/** Restores the unwrapped kernels and returns the counts, largest first. */
export function stopWasmProfile(): KernelStat[] {
  if (stock) {
    for (const cfg of stock) {
      tf.unregisterKernel(cfg.kernelName, 'wasm');
      tf.registerKernel(cfg);
    }
    stock = null;
  }
  return [...stats.values()].sort((a, b) => b.ms - a.ms);
}
