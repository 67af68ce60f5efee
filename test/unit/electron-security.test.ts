// The Electron security checklist, asserted from the code itself (no Electron binary needed).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, isTrustedSenderUrl, secureWebPreferences } from '../../main/app/security';
import { REPO_ROOT } from '../helpers/paths';

const src = (rel: string) => readFileSync(path.join(REPO_ROOT, rel), 'utf8');

describe('Electron security checklist', () => {
  it('isolates and sandboxes the renderer', () => {
    const prefs = secureWebPreferences('/preload.cjs');
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, webviewTag: false });
    expect(src('main/app/window.ts')).toMatch(/webPreferences: secureWebPreferences\(preload\)/);
    expect(src('main/app/index.ts')).toMatch(/app\.enableSandbox\(\)/);
  });

  it('sets a strict Content-Security-Policy on app pages', () => {
    expect(CONTENT_SECURITY_POLICY).toMatch(/default-src 'self'/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/object-src 'none'/);
    expect(src('main/app/protocols.ts')).toMatch(/Content-Security-Policy/);
  });

  it('blocks navigation and new windows', () => {
    const w = src('main/app/window.ts');
    expect(w).toMatch(/'will-navigate'[\s\S]*preventDefault\(\)/);
    expect(w).toMatch(/setWindowOpenHandler[\s\S]*action: 'deny'/);
  });

  it('validates the sender of every IPC message', () => {
    expect(isTrustedSenderUrl('app://bundle/index.html')).toBe(true);
    for (const bad of ['file:///etc/passwd', 'https://evil.example/', 'app://other/index.html', undefined, 'not a url']) {
      expect(isTrustedSenderUrl(bad)).toBe(false);
    }
    const ipc = src('main/app/ipc.ts');
    const handles = ipc.match(/ipcMain\.(handle|on)\(/g) ?? [];
    const checks = ipc.match(/isTrustedSenderUrl\(event\.senderFrame/g) ?? [];
    expect(handles.length).toBeGreaterThan(0);
    expect(checks.length).toBe(handles.length);
  });

  it('loads the app from a custom protocol, never file://', () => {
    expect(src('main/app/window.ts')).toMatch(/loadURL\(`\$\{APP_ORIGIN\}/);
    expect(src('main/app/window.ts')).not.toMatch(/loadFile|file:\/\//);
  });

  it('sets Electron fuses in the electron-builder configuration', () => {
    const pkg = JSON.parse(src('package.json')) as { build: { electronFuses: Record<string, boolean>; asarUnpack: string[] } };
    expect(pkg.build.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    expect(pkg.build.asarUnpack.some((p) => p.includes('sharp'))).toBe(true);
    expect(pkg.build.asarUnpack.some((p) => p.includes('@duckdb'))).toBe(true);
  });

  it('keeps electron imports inside main/app and the preload', () => {
    const lint = src('eslint.config.js');
    expect(lint).toMatch(/Only main\/app and preload\/index\.ts may import electron/);
  });
});
