// `npm start`: the desktop app where an Electron binary exists; otherwise one clear paragraph
// about why, then the same app in serve mode so `npm start` works on every machine.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

/** The electron package exports its binary's path, and throws when the download failed. */
function electronBinary(): { path: string } | { reason: string } {
  try {
    const p = require('electron') as unknown;
    return typeof p === 'string' ? { path: p } : { reason: 'the electron package did not report a binary path' };
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    if (msg.includes("Cannot find module 'electron'")) return { reason: 'the electron package is not installed' };
    // The package's own wording ("failed to install correctly") means its binary is missing.
    return { reason: msg.includes('failed to install') ? 'its binary has not been downloaded' : msg };
  }
}

function run(cmd: string, args: string[]): number {
  return spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' }).status ?? 1;
}

/** npm leaves electron's download script unrun (package.json allowScripts), so the first
 *  start fetches the binary; without network that fails fast and we fall back. */
function tryDownloadElectron(): void {
  let installer: string;
  try {
    installer = require.resolve('electron/install.js');
  } catch {
    return;
  }
  process.stderr.write('Fetching the Electron binary (first start only)…\n');
  spawnSync(process.execPath, [installer], { cwd: root, stdio: ['ignore', 'ignore', 'ignore'], timeout: 180_000 });
}

const argv = process.argv.slice(2);
let found = process.env.BYOL_FORCE_SERVE ? { reason: 'BYOL_FORCE_SERVE is set' } : electronBinary();
if (!('path' in found) && !process.env.BYOL_FORCE_SERVE) {
  tryDownloadElectron();
  found = electronBinary();
}
if ('path' in found) {
  const child = spawn(process.execPath, [require.resolve('electron-vite/bin/electron-vite.js'), 'preview', ...argv], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  process.stderr.write(
    [
      '',
      `The Electron desktop window cannot start here: ${found.reason}. Electron fetches its`,
      'binary from the internet the first time the app starts, and that download failed (no',
      'network, or a proxy in the way). To get the desktop window, run `npm start` again with',
      'internet access, or set ELECTRON_MIRROR to a mirror you can reach. Until then BYOL Explorer',
      'runs the very same app in serve mode: open the URL printed below in any browser.',
      '',
    ].join('\n') + '\n',
  );
  if (run('npm', ['run', '--silent', 'build:renderer']) !== 0) process.exit(1);
  const { runServe } = (await import('../serve/index')) as { runServe(argv: string[]): Promise<void> };
  await runServe(argv);
}
