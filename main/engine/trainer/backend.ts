/**
 * The trainer's view of backend selection (backends/select.ts does the work): which
 * backend runs, and one reason per backend that does not, in a fixed order for the UI
 * and the CLI.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend as select, type BackendChoice as Name, type BackendPreference } from '../backends/select';

export type BackendChoice = BackendPreference;
export type BackendName = Name;

export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

export interface BackendReport {
  backend: BackendName;
  /** tfjs's own name of the active backend ('tensorflow', 'wasm', 'cpu'). */
  tfBackend: string;
  /** One line per backend that is not used, saying why, in BACKEND_ORDER. */
  reasons: { backend: BackendName; reason: string }[];
  /** Set when the chosen backend is much slower than it should be. */
  warning: string | null;
  /** XNNPACK threads for wasm, else 0. */
  threads: number;
}

/**
 * Activates the preferred backend ('auto': the fastest that works; a named one starts the
 * search there and falls back to the slower ones, saying why).
 */
export async function selectBackend(pref: BackendChoice = 'auto', opts: { threads?: number } = {}): Promise<BackendReport> {
  const sel = await select(pref, opts);
  return {
    backend: sel.backend,
    tfBackend: tf.getBackend(),
    reasons: BACKEND_ORDER.filter((b) => b !== sel.backend).map((b) => ({ backend: b, reason: sel.reasons[b] ?? 'not used' })),
    warning: sel.warning ?? null,
    threads: sel.threads ?? 0,
  };
}

/** One human line per backend, for the CLI and logs. */
export function describeBackend(r: BackendReport): string {
  const lines = [`Backend: ${r.backend}${r.threads ? ` (${r.threads} threads)` : ''}`];
  for (const x of r.reasons) lines.push(`  not ${x.backend}: ${x.reason}`);
  if (r.warning) lines.push(`Warning: ${r.warning}`);
  return lines.join('\n');
}
