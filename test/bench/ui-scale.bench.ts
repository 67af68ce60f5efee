/**
 * UI responsiveness at scale: Chromium on serve mode records every main-thread long task
 * (Performance API) while a 100k-image folder goes through every stage, each started over
 * the contract's WebSocket as the UI's buttons do, with the tab a user would watch open:
 * ingest (Images), train + embed (Train), map build (Map), labelling 10 images per class
 * (Map), a whole folder labelled in the grid (filter, Ctrl+A, a key: Images), propagation
 * (Map), k-means clusters (Map), classifier training and export (Map).
 * Target: no task over 100 ms in any window. The serve-longtasks e2e test asserts the
 * same at 500 images on every CI run; this is the 100k check.
 *
 * Training is time-boxed (UI_SCALE_TRAIN_MINUTES, default 3): what matters here is the UI
 * while the trainer runs, and the scale bench covers a full epoch at 100k.
 *
 * Env: UI_SCALE_N (100000), UI_SCALE_FOLDER=<folder> (use existing images, e.g. one kept by
 * SCALE_KEEP=1 of the scale bench, under its images/), UI_SCALE_TRAIN_MINUTES (3),
 * UI_SCALE_KEEP=1 keeps the work folder; UI_SCALE_REUSE=<kept folder> with UI_SCALE_FROM=<stage>
 * (e.g. map) reruns the later stages on its project. UI_SCALE_PROFILE=<stage> prints the
 * page's JS self time by function during that stage.
 * Run: npx tsx test/bench/ui-scale.bench.ts
 */
import { mkdir, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { hasCifar, tempDir } from '../helpers/paths';
import { generateScaleFolder } from '../helpers/scale-folder';
import { contractClient, longTaskReport, openProbedPage, pageNow, wsUrlOf, type ContractClient, type JobWindow } from '../e2e/longtask-probe';
import { launchWithWebGL, rendererStale, serveTestBlocker } from '../e2e/map-harness';
import { startServe } from '../e2e/serve-process';
import { printTable } from './table';

const N = Number(process.env.UI_SCALE_N ?? 100_000);
const TRAIN_MINUTES = Number(process.env.UI_SCALE_TRAIN_MINUTES ?? 3);
const LIMIT_MS = 100;
const log = (m: string) => process.stderr.write(m + '\n');

type Tab = 'images' | 'train' | 'map';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** UI_SCALE_PROFILE=<stage>: the page's JS self time by function during that stage (CDP sampling profiler). */
function printProfile(p: CpuProfile): void {
  const keyOf = new Map(p.nodes.map((n) => [n.id, `${n.callFrame.functionName || '(anonymous)'} ${path.basename(n.callFrame.url)}:${n.callFrame.lineNumber + 1}:${n.callFrame.columnNumber + 1}`]));
  const byFn = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const k = keyOf.get(id) ?? '?';
    byFn.set(k, (byFn.get(k) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  });
  const top = [...byFn].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, 25);
  for (const [k, ms] of top) log(`profile: ${ms.toFixed(0).padStart(6)} ms  ${k}`);
  // Busy stretches (no idle sample) over 50 ms, with the functions that filled them.
  let run: [string, number][] = [];
  const flush = (): void => {
    const total = run.reduce((a, [, ms]) => a + ms, 0);
    if (total > 50) {
      const by = new Map<string, number>();
      for (const [k, ms] of run) by.set(k, (by.get(k) ?? 0) + ms);
      log(`profile: busy ${total.toFixed(0)} ms: ${[...by].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, ms]) => `${k} ${ms.toFixed(0)}`).join(' | ')}`);
    }
    run = [];
  };
  p.samples.forEach((id, i) => {
    const k = keyOf.get(id) ?? '?';
    if (k.startsWith('(idle)')) flush();
    else run.push([k, (p.timeDeltas[i] ?? 0) / 1000]);
  });
  flush();
}

/** Ids of the first `per` images of each class folder, from the paged image list. */
async function idsPerFolder(api: ContractClient, per: number): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (let offset = 0; ; offset += 5000) {
    const page = (await api.call('images.page', { offset, limit: 5000 })) as { total: number; items: { id: number; path: string }[] };
    for (const im of page.items) {
      const folder = path.basename(path.dirname(im.path));
      const list = out.get(folder) ?? [];
      if (list.length < per) list.push(im.id);
      out.set(folder, list);
    }
    if (offset + 5000 >= page.total) return out;
  }
}

async function main(): Promise<void> {
  const blocker = serveTestBlocker() ?? (hasCifar ? null : 'the shared CIFAR folder is absent');
  if (blocker) return console.log(`ui-scale bench skipped: ${blocker}`);
  if (rendererStale()) return console.log('ui-scale bench skipped: the renderer build is older than its sources (npm run build:renderer)');
  const reuse = process.env.UI_SCALE_REUSE;
  const tmp = reuse ? { dir: path.resolve(reuse), cleanup: async () => undefined } : await tempDir('byol-ui-scale-');
  const firstStage = process.env.UI_SCALE_FROM;
  const launched = await launchWithWebGL();
  if (!launched.browser) return console.log(`ui-scale bench skipped: ${launched.reason}`);
  const { browser, renderer } = launched;
  const home = path.join(tmp.dir, 'home');
  await mkdir(home, { recursive: true });
  const serve = await startServe(path.join(tmp.dir, 'project'), { HOME: home, BYOL_DATA_DIR: path.join(home, 'data') });
  try {
    const folder = process.env.UI_SCALE_FOLDER ? path.resolve(process.env.UI_SCALE_FOLDER) : path.join(tmp.dir, 'images');
    if (!process.env.UI_SCALE_FOLDER && !reuse) {
      const gen = await generateScaleFolder(folder, N, 1);
      log(`generated ${N} images in ${gen.seconds.toFixed(0)} s`);
    }
    const classes = (await readdir(folder)).sort();

    const { page, problems } = await openProbedPage(browser, serve.url);
    const api = await contractClient(wsUrlOf(serve.url));
    const windows: JobWindow[] = [];
    const summaries: Record<string, string> = {};

    let skipping = Boolean(firstStage);
    /** Shows `tab`, runs `work` (a job, or plain requests), and records its window. */
    const stage = async (phase: string, tab: Tab, work: () => Promise<Record<string, unknown> | null>): Promise<void> => {
      if (skipping && phase !== firstStage) return;
      skipping = false;
      await page.getByTestId(`tab-${tab}`).click();
      await page.waitForTimeout(500); // the tab switch itself is not what is measured
      const from = await pageNow(page);
      const t0 = performance.now();
      const profiling = process.env.UI_SCALE_PROFILE === phase;
      const cdp = profiling ? await page.context().newCDPSession(page) : null;
      if (cdp) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
        await cdp.send('Profiler.start');
      }
      const started = await work();
      if (started && typeof started.jobId === 'string') {
        const fin = await api.untilFinished(started.jobId);
        if (fin.status !== 'ok') throw new Error(`${phase} failed: ${JSON.stringify(fin).slice(0, 500)}`);
        summaries[phase] = JSON.stringify(fin.summary ?? {}).slice(0, 100);
      }
      await page.waitForTimeout(1000); // let the UI take in the final events
      if (cdp) printProfile((await cdp.send('Profiler.stop')).profile as CpuProfile);
      windows.push({ phase, tab, from, to: await pageNow(page) });
      log(`${phase}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      await page.screenshot({ path: path.join(os.tmpdir(), `byol-ui-scale-${phase}.png`) });
    };

    const project = path.join(tmp.dir, 'project');
    await stage('ingest', 'images', () => api.call('ingest.start', { folder, projectDir: project }));
    await stage('train + embed', 'train', () => api.call('train.start', {
      config: { preset: 'small', imageSize: 16, batchSize: 256, epochs: 1, minutes: TRAIN_MINUTES, backend: 'auto', seed: 1, optimizer: 'adam', liveMapEvery: 0 },
    }));
    await stage('map', 'map', () => api.call('map.build', { seed: 1 }));
    await stage('label 10 per class', 'map', async () => {
      const ids = await idsPerFolder(api, 10);
      // (A small UI_SCALE_N fills only the first class folders.)
      // A reused project (UI_SCALE_REUSE) already has the classes.
      const existing = ((await api.call('label.classes', {})) as { classes: { id: number; name: string }[] }).classes;
      for (const cls of classes.filter((x) => ids.get(x)?.length)) {
        const c = existing.find((e) => e.name === cls) ?? ((await api.call('label.createClass', { name: cls })) as { id: number });
        await api.call('label.assign', { ids: ids.get(cls) ?? [], classId: c.id });
      }
      return null;
    });
    // A whole folder labelled from the grid, as a user would: filter, Ctrl+A, the class's key.
    await stage('grid: folder, Ctrl+A, key', 'images', async () => {
      const k = ((await api.call('label.classes', {})) as { classes: { name: string }[] }).classes.findIndex((c) => c.name === classes[0]) + 1;
      if (k < 1 || k > 9) throw new Error(`class ${classes[0]} has no key (${k})`);
      await page.getByTestId('filter-folder').selectOption(classes[0]);
      await page.waitForFunction((n) => { const v = document.querySelector('[data-testid=filter-count]')?.getAttribute('data-value'); return !!v && Number(v) < n; }, N, { timeout: 60_000 });
      await page.getByTestId('thumb-grid').click({ position: { x: 6, y: 6 } });
      await page.keyboard.press('Control+a');
      await page.waitForFunction(() => Number(document.querySelector('[data-testid=grid-selection]')?.getAttribute('data-count')) > 0, null, { timeout: 60_000 });
      await page.keyboard.press(String(k));
      await page.waitForFunction((name) => { const l = [...document.querySelectorAll('[data-testid=cell-label]')]; return l.length > 0 && l.every((e) => e.textContent === name); }, classes[0], { timeout: 120_000 });
      await page.keyboard.press('Escape');
      await page.getByTestId('filter-clear').click();
      return null;
    });
    await stage('propagate', 'map', () => api.call('propagate.run', { method: 'spreading' }));
    await stage('clusters (k-means)', 'map', () => api.call('cluster.run', { method: 'kmeans' }));
    await stage('classifier', 'map', () => api.call('classifier.train', {}));
    await stage('export', 'map', () => api.call('classifier.export', { outDir: path.join(tmp.dir, 'export') }));
    api.close();

    const rows = await longTaskReport(page, windows, LIMIT_MS, log);
    printTable(`UI main-thread long tasks while jobs run, ${N} images (Chromium, ${renderer}; target ≤ ${LIMIT_MS} ms)`, rows.map((r) => ({
      stage: r.phase,
      tab: r.tab,
      'wall s': r.seconds,
      'tasks ≥ 50 ms': r.count,
      'longest ms': r.longest,
      ok: r.longest <= LIMIT_MS ? 'yes' : 'NO',
      result: summaries[r.phase] ?? '',
    })));
    console.log(`page errors: ${problems.length ? problems.join('; ') : 'none'}; load average at the end ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    console.log(`screenshots: ${path.join(os.tmpdir(), 'byol-ui-scale-*.png')}`);
  } finally {
    await browser.close();
    await serve.stop();
    if (process.env.UI_SCALE_KEEP === '1') console.log(`kept ${tmp.dir}`);
    else await tmp.cleanup();
  }
}

await main();
