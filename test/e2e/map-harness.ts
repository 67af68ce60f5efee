import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { hasCifar, REPO_ROOT } from '../helpers/paths';

/** Shared by the map's browser test and frame benchmark: build the demo, serve it, open Chromium. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why a serve-mode browser test of the built renderer on CIFAR images cannot run here, or null. */
export function serveTestBlocker(): string | null {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is not installed (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (!existsSync(path.join(REPO_ROOT, 'out/renderer/index.html'))) return 'out/renderer/index.html is missing; run `npm run build:renderer` first';
  return hasCifar ? null : 'the shared CIFAR sample is not present';
}

/** out/renderer is rebuilt when any renderer or contract source is newer than it. */
export function rendererStale(): boolean {
  const index = path.join(REPO_ROOT, 'out/renderer/index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((e) => (e.isDirectory() ? newer(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).mtimeMs > built));
  return newer(path.join(REPO_ROOT, 'renderer')) || newer(path.join(REPO_ROOT, 'preload'));
}

const SRC = path.join(REPO_ROOT, 'renderer/map');
const OUT = path.join(REPO_ROOT, 'out/map-demo');

/** Builds out/map-demo unless it is newer than every source file of the map. */
export async function buildDemo(): Promise<void> {
  const built = path.join(OUT, 'demo.html');
  if (existsSync(built)) {
    const t = statSync(built).mtimeMs;
    if (readdirSync(SRC).every((f) => statSync(path.join(SRC, f)).mtimeMs < t)) return;
  }
  const { build } = await import('vite');
  await build({ configFile: path.join(SRC, 'vite.demo.config.ts'), logLevel: 'error' });
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };

/** A tiny static server for out/map-demo on 127.0.0.1 (file:// would block module scripts). */
export async function serveDemo(): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '') || 'demo.html';
    const file = path.resolve(OUT, rel);
    if (!file.startsWith(OUT + path.sep)) return void res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/demo.html`, close: () => new Promise((r) => server.close(() => r())) };
}

/** Headless Chromium with SwiftShader WebGL; null and a reason when no WebGL2 context comes up. */
export async function launchWithWebGL(): Promise<{ browser: Browser; renderer: string } | { browser: null; reason: string }> {
  if (!existsSync(CHROMIUM)) return { browser: null, reason: `${CHROMIUM} is not installed (apt-get install chromium, or set CHROMIUM_PATH)` };
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
      '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'],
  });
  const page = await browser.newPage();
  const renderer = await page.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return null;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    return String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  });
  await page.close();
  if (!renderer) {
    await browser.close();
    return { browser: null, reason: 'Chromium gave no WebGL2 context here' };
  }
  return { browser, renderer };
}

/** Opens a serve page on the Map tab (map or empty state). */
export async function openMapTab(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('project-view').waitFor({ timeout: 30_000 });
  await page.getByTestId('tab-map').click();
  await page.getByTestId('map-panel').waitFor();
}

/** Waits until the map view has drawn at least one frame. */
export async function waitForMapFrame(page: Page): Promise<void> {
  await page.waitForFunction(() => (window.__byolMap?.handle?.scene()?.frames ?? 0) > 0, null, { timeout: 60_000 });
}
