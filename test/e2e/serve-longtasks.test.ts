/**
 * UI responsiveness while real jobs run: Chromium on serve mode records every main-thread
 * `longtask` (PerformanceObserver, buffered) while the Node side ingests a few hundred CIFAR
 * images, trains a few epochs at 16 px and builds the map. The Images tab is shown during the
 * ingest, the Train tab during training and the Map tab (where the map first appears) during
 * the map build; no task in those windows may exceed 100 ms. Tasks over 50 ms are printed with the server events that arrived around them.
 * Jobs are started over the contract's WebSocket, exactly as the UI's buttons do, so the page
 * receives the same event stream it would when the user starts them.
 */
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIFAR_DIR, tempDir } from '../helpers/paths';
import { contractClient, longTaskReport, openProbedPage, pageNow, wsUrlOf, type JobWindow } from './longtask-probe';
import { CHROMIUM, serveTestBlocker } from './map-harness';
import { startServe, type Serve } from './serve-process';

const PER_CLASS = Number(process.env.LONGTASK_PER_CLASS ?? 50); // 500 images
const LIMIT_MS = 100;

const missing = serveTestBlocker();
if (missing) console.log(`skipping the long-task test: ${missing}`);

type Phase = 'ingest' | 'train' | 'map';

describe.skipIf(missing !== null)('the UI stays responsive while jobs run (serve mode)', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let serve: Serve | undefined;
  let browser: Browser;
  let folder: string;

  beforeAll(async () => {
    tmp = await tempDir('byol-e2e-longtasks-');
    folder = path.join(tmp.dir, 'images');
    for (const cls of (await readdir(CIFAR_DIR)).sort()) {
      await mkdir(path.join(folder, cls), { recursive: true });
      const names = (await readdir(path.join(CIFAR_DIR, cls))).sort().slice(0, PER_CLASS);
      await Promise.all(names.map((n) => copyFile(path.join(CIFAR_DIR, cls, n), path.join(folder, cls, n))));
    }
    await mkdir(path.join(tmp.dir, 'home'), { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
        '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'],
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await tmp?.cleanup();
  });

  // Timing on a shared 2-core runner: one retry, from scratch (a fresh server, project and
  // page), so a burst from elsewhere on the machine does not fail the suite; a real long task
  // fails both attempts.
  let attempt = 0;
  it(`has no main-thread task over ${LIMIT_MS} ms on the Images, Train and Map tabs while ingest, training and the map build run`, { retry: 1, timeout: 600_000 }, async () => {
    attempt++;
    await serve?.stop();
    const projectDir = path.join(tmp.dir, `project-${attempt}`);
    const home = path.join(tmp.dir, 'home');
    const started = await startServe(projectDir, { HOME: home, BYOL_DATA_DIR: path.join(home, 'data') });
    serve = started;
    const { page, problems } = await openProbedPage(browser, started.url);
    try {
      await measure(page, problems, projectDir, started.url);
    } finally {
      await page.close();
    }
  });

  async function measure(page: Page, problems: string[], projectDir: string, url: string): Promise<void> {
    const now = (): Promise<number> => pageNow(page);
    const windows: JobWindow[] = [];

    // LONGTASK_TRACE=<file> records a Chromium timeline trace of the jobs, to find what a long task did.
    if (process.env.LONGTASK_TRACE) await browser.startTracing(page, { path: process.env.LONGTASK_TRACE, categories: ['devtools.timeline'] });
    const api = await contractClient(wsUrlOf(url));
    try {
      const run = async (phase: Phase, tab: 'images' | 'train' | 'map', start: () => Promise<Record<string, unknown>>) => {
        await page.getByTestId(`tab-${tab}`).click();
        await page.waitForTimeout(300); // the tab switch itself is not what is measured
        const from = await now();
        const { jobId } = await start();
        const fin = await api.untilFinished(String(jobId));
        expect(fin.status, `${phase}: ${JSON.stringify(fin)}`).toBe('ok');
        await page.waitForTimeout(500); // let the UI take in the final events
        windows.push({ phase, tab, from, to: await now() });
      };

      await run('ingest', 'images', () => api.call('ingest.start', { folder, projectDir }));
      await expect.poll(async () => Number(await page.getByTestId('count-images').getAttribute('data-value')), { timeout: 30_000 }).toBe(10 * PER_CLASS);
      await page.getByTestId('thumb-grid').waitFor();
      await page.screenshot({ path: path.join(os.tmpdir(), 'byol-longtasks-images.png') });
      await run('train', 'train', () => api.call('train.start', {
        config: { preset: 'small', imageSize: 16, batchSize: 32, epochs: 3, backend: 'wasm', seed: 7, optimizer: 'adam', warmupEpochs: 0 },
      }));
      await page.screenshot({ path: path.join(os.tmpdir(), 'byol-longtasks-train.png') });
      await run('map', 'map', () => api.call('map.build', { seed: 3 }));
      await page.screenshot({ path: path.join(os.tmpdir(), 'byol-longtasks-map.png') });
    } finally {
      api.close();
      if (process.env.LONGTASK_TRACE) await browser.stopTracing();
    }

    const rows = await longTaskReport(page, windows, LIMIT_MS);
    expect(problems).toEqual([]);
    // The trainer runs below normal priority (train-worker.ts), so even on a busy 2-core
    // machine the renderer gets a core when it needs one: the limit is always asserted.
    for (const r of rows) expect(r.longest, `${r.phase} on the ${r.tab} tab`).toBeLessThanOrEqual(LIMIT_MS);
  }
});
