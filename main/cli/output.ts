// CLI output rules: progress and human text go to stderr; with --json the last line of
// stdout is exactly one JSON object, so scripts can `tail -n1 | jq`.
import type { JobProgress } from '../../preload/contract';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function printResult(json: boolean, result: object, human: string): void {
  if (json) process.stdout.write(JSON.stringify(result) + '\n');
  else process.stdout.write(human.endsWith('\n') ? human : human + '\n');
}

function fmtEta(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '--';
  if (s < 60) return `${Math.ceil(s)}s`;
  return `${Math.floor(s / 60)}m${String(Math.ceil(s % 60)).padStart(2, '0')}s`;
}

/** A one-line progress bar on a TTY; plain periodic lines otherwise (logs, CI). */
export function progressPrinter(label: string): { update(p: JobProgress): void; end(): void } {
  const tty = process.stderr.isTTY;
  let lastPlain = 0;
  return {
    update(p) {
      const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
      const width = 28;
      const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░');
      const line = `${label} ${bar} ${p.done}/${p.total} ${p.rate.toFixed(0)}/s ETA ${fmtEta(p.etaSeconds)} ${p.message}`;
      if (tty) process.stderr.write(`\r${line.slice(0, (process.stderr.columns ?? 120) - 1).padEnd(Math.min(119, (process.stderr.columns ?? 120) - 1))}`);
      else if (Date.now() - lastPlain > 2000 || p.done === p.total) {
        lastPlain = Date.now();
        process.stderr.write(line + '\n');
      }
    },
    end() {
      if (tty) process.stderr.write('\n');
    },
  };
}
