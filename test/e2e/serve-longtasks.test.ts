/**
 * UI responsiveness while real jobs run: Chromium on serve mode records every main-thread
 * `longtask` (PerformanceObserver, buffered) while the Node side ingests a few hundred CIFAR
 * images, trains a few epochs at 16 px and builds the map. The Images tab is shown during the
 * ingest and the map build, the Train tab during training; no task in those windows may
 * exceed 100 ms. Tasks over 50 ms are printed with the server events that arrived around them.
 * Jobs are started over the contract's WebSocket, exactly as the UI's buttons do, so the page
 * receives the same event stream it would when the user starts them.
 */
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CIFAR_DIR, tempDir } from '../helpers/paths';
import { CHROMIUM, serveTestBlocker } from './map-harness';
import { startServe, type Serve } from './serve-process';

const PER_CLASS = Number(process.env.LONGTASK_PER_CLASS ?? 50); // 500 images
const LIMIT_MS = 100;

const missing = serveTestBlocker();
if (missing) console.log(`skipping the long-task test: ${missing}`);

interface LongTask { start: number; duration: number; name: string }
type Phase = 'ingest' | 'train' | 'map';

/** A minimal contract client: call() resolves with a result, untilFinished() with a job's end. */
function rpc(url: string): Promise<{ call: (method: string, params: object) => Promise<Record<string, unknown>>; untilFinished: (jobId: string) => Promise<Record<string, unknown>>; close: () => void }> {
  const ws = new WebSocket(url);
  let next = 1;
  const pending = new Map<number, (m: Record<string, unknown>) => void>();
  const finished = new Map<string, (p: Record<string, unknown>) => void>();
  const early = new Map<string, Record<string, unknown>>();
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as Record<string, unknown>;
    if (typeof m.id === 'number') pending.get(m.id)?.(m);
    const p = m.payload as Record<string, unknown> | undefined;
    if (m.event === 'job.finished' && p) {
      early.set(String(p.jobId), p);
      finished.get(String(p.jobId))?.(p);
    }
  });
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => resolve({
      call: (method, params) => new Promise((res, rej) => {
        const id = next++;
        pending.set(id, (m) => (m.error ? rej(new Error(`${method}: ${JSON.stringify(m.error)}`)) : res(m.result as Record<string, unknown>)));
        ws.send(JSON.stringify({ id, method, params }));
      }),
      untilFinished: (jobId) => new Promise((res) => (early.has(jobId) ? res(early.get(jobId)!) : finished.set(jobId, res))),
      close: () => ws.close(),
    }));
  });
}

describe.skipIf(missing !== null)('the UI stays responsive while jobs run (serve mode)', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let serve: Serve;
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
    const home = path.join(tmp.dir, 'home');
    await mkdir(home, { recursive: true });
    serve = await startServe(path.join(tmp.dir, 'project'), { HOME: home, BYOL_DATA_DIR: path.join(home, 'data') });
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

  it(`has no main-thread task over ${LIMIT_MS} ms on the Images and Train tabs while ingest, training and the map build run`, async () => {
    const page: Page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.addInitScript(() => {
      const w = window as unknown as { __longtasks: { start: number; duration: number; name: string }[] };
      w.__longtasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longtasks.push({ start: e.startTime, duration: e.duration, name: e.name });
      }).observe({ type: 'longtask', buffered: true });
      // Which server events arrived when, to tell what a long task was handling.
      const ev: [number, string][] = [];
      (window as unknown as { __events: [number, string][] }).__events = ev;
      const Ws = window.WebSocket;
      window.WebSocket = class extends Ws {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          this.addEventListener('message', (m: MessageEvent) => {
            const t = performance.now();
            const hit = typeof m.data === 'string' ? /"(?:event|method)":"([\w.]+)"/.exec(m.data) : null;
            ev.push([t, hit ? hit[1] : typeof m.data === 'string' ? 'reply' : 'binary']);
          });
        }
      };
    });
    await page.goto(serve.url);
    await page.getByTestId('project-view').waitFor({ timeout: 60_000 });
    const now = (): Promise<number> => page.evaluate(() => performance.now());
    const windows: { phase: Phase; tab: string; from: number; to: number }[] = [];

    // LONGTASK_TRACE=<file> records a Chromium timeline trace of the jobs, to find what a long task did.
    if (process.env.LONGTASK_TRACE) await browser.startTracing(page, { path: process.env.LONGTASK_TRACE, categories: ['devtools.timeline'] });
    const wsUrl = `${serve.url.replace(/^http/, 'ws').replace(/\/\?token=/, '/ws?token=')}`;
    const api = await rpc(wsUrl);
    try {
      const run = async (phase: Phase, tab: 'images' | 'train', start: () => Promise<Record<string, unknown>>) => {
        await page.getByTestId(`tab-${tab}`).click();
        await page.waitForTimeout(300); // the tab switch itself is not what is measured
        const from = await now();
        const { jobId } = await start();
        const fin = await api.untilFinished(String(jobId));
        expect(fin.status, `${phase}: ${JSON.stringify(fin)}`).toBe('ok');
        await page.waitForTimeout(500); // let the UI take in the final events
        windows.push({ phase, tab, from, to: await now() });
      };

      await run('ingest', 'images', () => api.call('ingest.start', { folder, projectDir: path.join(tmp.dir, 'project') }));
      await expect.poll(async () => Number(await page.getByTestId('count-images').getAttribute('data-value')), { timeout: 30_000 }).toBe(10 * PER_CLASS);
      await page.getByTestId('thumb-grid').waitFor();
      await page.screenshot({ path: path.join(os.tmpdir(), 'byol-longtasks-images.png') });
      await run('train', 'train', () => api.call('train.start', {
        config: { preset: 'small', imageSize: 16, batchSize: 32, epochs: 3, backend: 'wasm', seed: 7, optimizer: 'adam', warmupEpochs: 0 },
      }));
      await page.screenshot({ path: path.join(os.tmpdir(), 'byol-longtasks-train.png') });
      await run('map', 'images', () => api.call('map.build', { seed: 3 }));
    } finally {
      api.close();
      if (process.env.LONGTASK_TRACE) await browser.stopTracing();
    }

    const tasks = await page.evaluate(() => (window as unknown as { __longtasks: LongTask[] }).__longtasks);
    const events = await page.evaluate(() => (window as unknown as { __events: [number, string][] }).__events);
    for (const t of tasks.filter((x) => x.duration > LIMIT_MS / 2)) {
      const before = events.filter(([at]) => at >= t.start - 300 && at <= t.start + t.duration).map(([at, name]) => `${name}@${Math.round(at - t.start)}`);
      const w = windows.find((x) => t.start + t.duration >= x.from && t.start <= x.to);
      console.log(`longtasks: ${t.duration.toFixed(0)} ms at ${t.start.toFixed(0)} (${w ? `${w.phase} on ${w.tab}` : 'outside the job windows'}); events around it: ${before.join(' ') || 'none'}`);
    }
    const rows = windows.map((w) => {
      const inside = tasks.filter((t) => t.start + t.duration >= w.from && t.start <= w.to);
      return { ...w, seconds: (w.to - w.from) / 1000, count: inside.length, longest: Math.max(0, ...inside.map((t) => t.duration)) };
    });
    for (const r of rows) console.log(`longtasks: ${r.phase} on the ${r.tab} tab, ${r.seconds.toFixed(1)} s: ${r.count} long tasks, longest ${r.longest.toFixed(0)} ms`);
    console.log(`longtasks: longest main-thread task over the whole run ${Math.max(0, ...tasks.map((t) => t.duration)).toFixed(0)} ms (${tasks.length} tasks ≥ 50 ms)`);
    expect(problems).toEqual([]);
    // The trainer runs below normal priority (train-worker.ts), so even on a busy 2-core
    // machine the renderer gets a core when it needs one: the limit is always asserted.
    for (const r of rows) expect(r.longest, `${r.phase} on the ${r.tab} tab`).toBeLessThanOrEqual(LIMIT_MS);
    await page.close();
  }, 600_000);
});
