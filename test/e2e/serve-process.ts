import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT } from '../helpers/paths';

export interface Serve {
  /** The page URL with its token. */
  url: string;
  token: string;
  /** SIGTERM, then resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Spawns `main/serve` on a free port, the way `npm run serve` does: with a project open, or
 * (projectDir null) at the welcome screen. Resolves once it prints its one stdout line.
 */
export function startServe(projectDir: string | null, env: Record<string, string>): Promise<Serve> {
  const project = projectDir === null ? [] : ['--project', projectDir];
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'main/serve/index.ts', ...project, '--port', '0'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const stop = (): Promise<number | null> => {
    if (child.exitCode !== null) return Promise.resolve(child.exitCode);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    return exited;
  };
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve printed no URL within 60 s:\n${out}\n${log}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^Serving on (http:\/\/127\.0\.0\.1:\d+\/\?token=([\w-]+))$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], token: m[2], stop });
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${log}`)));
  });
}
