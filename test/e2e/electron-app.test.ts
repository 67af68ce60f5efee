// The desktop shell end to end, through Playwright's Electron driver. Electron's binary
// cannot be downloaded on the build machines, so this runs only where it exists.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/paths';

function electronPath(): string | null {
  try {
    const p = createRequire(import.meta.url)('electron') as unknown;
    return typeof p === 'string' ? p : null;
  } catch {
    return null;
  }
}

const binary = electronPath();
if (!binary) console.log('[skip] Electron end-to-end: no Electron binary here (its download is blocked); serve-mode browser tests cover the renderer.');

describe.skipIf(!binary)('Electron app', () => {
  it('opens the welcome screen with the API bridged and the sandbox on', async () => {
    const build = spawnSync('npx', ['electron-vite', 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    const { _electron } = await import('playwright-core');
    const data = await tempDir();
    const app = await _electron.launch({ executablePath: binary!, args: [REPO_ROOT], cwd: REPO_ROOT, env: { ...process.env, BYOL_DATA_DIR: data.dir } });
    try {
      const win = await app.firstWindow();
      await win.waitForSelector('text=BYOL Explorer');
      expect(await win.evaluate(() => typeof (window as unknown as { byol?: unknown }).byol)).toBe('object');
      expect(await win.evaluate(() => typeof (globalThis as unknown as { require?: unknown }).require)).toBe('undefined');
      const info = await win.evaluate(() => (window as unknown as { byol: { call(m: string, p: object): Promise<{ mode: string }> } }).byol.call('app.info', {}));
      expect(info.mode).toBe('electron');
      expect(win.url()).toMatch(/^app:\/\/bundle\//);
    } finally {
      await app.close();
      await data.cleanup();
    }
  });
});
