/**
 * Runs a child (the real CLI by default) and SIGKILLs it at a planned moment, for the crash
 * tests: a delay counted from the spawn, or from the first output line matching a pattern.
 * Resolves when the child is gone, killed or finished; rejects if it failed on its own.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './paths';

export const CLI = path.join(REPO_ROOT, 'main/cli/index.ts');

export interface KillPlan {
  /** Start the countdown at the first stdout/stderr line that matches (default: at spawn). */
  after?: RegExp | ((line: string) => boolean);
  delayMs: number;
}

export interface CrashRound {
  killed: boolean;
  /** The last output line seen before the kill (or the exit). */
  lastLine: string;
  output: string;
  ms: number;
}

export function runAndKill(args: string[], plan: KillPlan | null, o: { script?: string; env?: Record<string, string> } = {}): Promise<CrashRound> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', o.script ?? CLI, ...args], {
      cwd: REPO_ROOT, env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let lastLine = '';
    let fired = false;
    let armed = false;
    const arm = (): void => {
      if (!plan || armed) return;
      armed = true;
      setTimeout(() => {
        fired = true;
        child.kill('SIGKILL');
      }, plan.delayMs);
    };
    if (plan && !plan.after) arm();
    const onData = (d: Buffer): void => {
      const text = d.toString();
      output += text;
      if (fired) return;
      // Progress bars redraw with \r; every piece counts as a line.
      for (const line of text.split(/[\r\n]+/)) {
        if (!line.trim()) continue;
        lastLine = line.trim();
        const after = plan?.after;
        if (after && (typeof after === 'function' ? after(lastLine) : after.test(lastLine))) arm();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const ms = performance.now() - t0;
      if (signal === 'SIGKILL' || code === 0) resolve({ killed: signal === 'SIGKILL', lastLine, output, ms });
      else reject(new Error(`child ${args[0]} failed (code ${code}, signal ${signal}):\n${output.slice(-3000)}`));
    });
  });
}

/** Names in a folder that look like an unfinished atomic write (temp files or folders). */
export function isTempName(name: string): boolean {
  return /\.tmp$|\.tmp-|\.old-/.test(name);
}
