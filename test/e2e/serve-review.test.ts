/**
 * The review panels in the Map sidebar, end to end in serve mode + headless Chromium, on a real project: 120 CIFAR
 * images plus two planted byte copies, ingested, trained for one short BYOL epoch (so the
 * classifier has an encoder to export) and mapped, all by the CLI. Clusters (auto k with its
 * silhouette scores, a chosen k, selection on the map, naming labels the images), the planted
 * duplicate group with marks that persist, outliers, the map filter, and the classifier
 * trained, exported and its files checked on disk.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeMapBundle } from '../../preload/map-bundle';
import { CIFAR_DIR, hasCifar, REPO_ROOT, tempDir } from '../helpers/paths';
import { runCli } from '../helpers/run-cli';
import { launchWithWebGL, openMapTab, waitForMapFrame } from './map-harness';
import { updateReadmePicture } from './readme-picture';
import { startServe, type Serve } from './serve-process';

const FOLDERS = ['airplane', 'frog', 'ship', 'truck'];
const PER_FOLDER = 30;
const N = FOLDERS.length * PER_FOLDER + 2;
const W = 1500, H = 950;
const SHOTS = path.join(REPO_ROOT, 'test-results');

let browser: Browser | null = null;
let skipReason = hasCifar ? '' : 'the shared CIFAR sample is not present';
let tmp: { dir: string; cleanup: () => Promise<void> };
let serve: Serve | null = null;
let page: Page;
/** The ingested folder. */
let images: string;
/** Relative paths of the planted copy's group: the original and its two copies. */
let planted: string[] = [];

const env = () => ({ BYOL_DATA_DIR: path.join(tmp.dir, 'data'), HOME: path.join(tmp.dir, 'home') });

/** Newest modification time under a folder. */
function newest(dir: string): number {
  return Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).mtimeMs)));
}

/** Builds out/renderer when any renderer or contract source is newer than it. */
async function buildUi(): Promise<void> {
  const index = path.join(REPO_ROOT, 'out/renderer/index.html');
  const sources = Math.max(newest(path.join(REPO_ROOT, 'renderer')), newest(path.join(REPO_ROOT, 'preload')));
  if (!existsSync(index) || statSync(index).mtimeMs < sources) await promisify(execFile)('npm', ['run', 'build:renderer', '--silent'], { cwd: REPO_ROOT, timeout: 300_000 });
}

/** One request over serve mode's WebSocket, the way the renderer sends it. */
async function rpc<T>(method: string, params: object = {}): Promise<T> {
  const url = new URL(serve!.url);
  const ws = new WebSocket(`ws://${url.host}/ws?token=${serve!.token}`);
  try {
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    const reply = new Promise<{ result?: T; error?: { message: string } }>((r) => ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { id?: number };
      if (m.id === 1) r(m as { result?: T; error?: { message: string } });
    }));
    ws.send(JSON.stringify({ id: 1, method, params }));
    const m = await reply;
    if (m.error) throw new Error(m.error.message);
    return m.result as T;
  } finally {
    ws.close();
  }
}

const selectedIds = (): Promise<number[]> => page.evaluate(() => (window.__byolMap?.selectedIds() ?? []).sort((a, b) => a - b));
/** A screenshot once the panel thumbnails on screen have loaded (a blank tile would be a broken one). */
async function shot(name: string): Promise<void> {
  // Lazy images below the fold never load, so only those on screen are checked.
  const onScreen = (imgs: Element[]) => imgs.filter((i) => i.getBoundingClientRect().top < window.innerHeight).every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0);
  await expect.poll(() => page.locator('.review-thumb img').evaluateAll(onScreen), { timeout: 15_000 }).toBe(true);
  await page.screenshot({ path: path.join(SHOTS, `review-${name}.png`) });
}

async function openPanel(id: 'clusters' | 'review' | 'classifier'): Promise<void> {
  await page.getByTestId(`sidebar-tab-${id}`).click();
}

beforeAll(async () => {
  if (skipReason) return void console.log(`skipping the review panels test: ${skipReason}`);
  const l = await launchWithWebGL();
  if (!l.browser) {
    skipReason = l.reason;
    return void console.log(`skipping the review panels test: ${skipReason}`);
  }
  browser = l.browser;
  await buildUi();
  tmp = await tempDir('byol-e2e-review-');
  mkdirSync(path.join(tmp.dir, 'home', 'Pictures'), { recursive: true });
  mkdirSync(SHOTS, { recursive: true });
  // Under the (temp) home, as a user's folder would be: the header shows it as ~/Pictures/….
  images = path.join(tmp.dir, 'home', 'Pictures', 'cifar-4-classes');
  for (const f of FOLDERS) {
    await mkdir(path.join(images, f), { recursive: true });
    for (const name of (await readdir(path.join(CIFAR_DIR, f))).sort().slice(0, PER_FOLDER)) await cp(path.join(CIFAR_DIR, f, name), path.join(images, f, name));
  }
  // Two byte copies of one frog under another folder: one exact-duplicate group of three.
  const original = `frog/${(await readdir(path.join(images, 'frog'))).sort()[3]}`;
  await mkdir(path.join(images, 'copies'));
  for (const c of ['copy-a', 'copy-b']) await cp(path.join(images, original), path.join(images, 'copies', `${c}${path.extname(original)}`));
  planted = [original, ...['copy-a', 'copy-b'].map((c) => `copies/${c}${path.extname(original)}`)].sort();

  const project = path.join(tmp.dir, 'project');
  for (const args of [
    ['ingest', images, '--json'],
    ['train', '--epochs', '1', '--image-size', '16', '--batch', '16', '--seed', '7', '--backend', 'wasm', '--json'],
    ['map', '--json'],
  ]) {
    const r = await runCli([...args, '--project', project], env());
    expect(r.code, `${args[0]}: ${r.stderr}`).toBe(0);
  }
  serve = await startServe(project, env());
  page = await browser.newPage({ viewport: { width: W, height: H } });
  page.on('pageerror', (e) => console.log('page error:', e.message));
  await openMapTab(page, serve.url);
  await waitForMapFrame(page);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  await tmp?.cleanup();
});

describe('the review panels in serve mode', () => {
  it('runs k-means with automatic k, shows its silhouette scores, and re-runs with a chosen k', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    await openPanel('clusters');
    await expect.poll(() => page.getByTestId('clusters-panel').textContent()).toMatch(/No clusters yet/);
    const summary = page.getByTestId('cluster-summary');
    const rows = page.getByTestId('cluster-row');
    const total = () => rows.evaluateAll((els) => els.reduce((s, e) => s + Number(e.getAttribute('data-count')), 0));
    // HDBSCAN first: its clusters plus the noise row still cover every image, and it shows no k chart.
    await page.getByTestId('cluster-method-hdbscan').click();
    expect(await page.getByTestId('cluster-k').count()).toBe(0);
    await page.getByTestId('cluster-run').click();
    await summary.waitFor({ timeout: 60_000 });
    expect(await summary.textContent()).toMatch(/HDBSCAN/);
    await expect.poll(total).toBe(N);
    expect(await page.getByTestId('silhouette-chart').count()).toBe(0);

    await page.getByTestId('cluster-method-kmeans').click();
    expect(await page.getByTestId('cluster-k').inputValue()).toBe('');
    await page.getByTestId('cluster-run').click();
    await expect.poll(() => summary.textContent(), { timeout: 60_000 }).toMatch(/k-means/);
    const k = Number(await summary.getAttribute('data-k'));
    await expect.poll(() => rows.count()).toBe(k);
    expect(await total()).toBe(N);
    // The chart shows every candidate k the run scored, and marks the one with the best silhouette.
    const bars = page.locator('.silhouette-bar');
    const scored = await bars.evaluateAll((els) => els.map((e) => ({ k: Number(e.getAttribute('data-k')), chosen: e.classList.contains('chosen'), label: e.getAttribute('aria-label')! })));
    expect(scored.length).toBeGreaterThanOrEqual(2);
    expect(scored.filter((s) => s.chosen).map((s) => s.k)).toEqual([k]);
    const sil = scored.map((s) => Number(/silhouette (-?[\d.]+)/.exec(s.label)![1]));
    expect(Math.max(...sil)).toBe(sil[scored.findIndex((s) => s.chosen)]);
    await shot('clusters-auto');

    // A chosen k: picking a bar fills k, and the re-run gives exactly that many clusters.
    const pick = k === 4 ? 5 : 4;
    await page.locator(`.silhouette-bar[data-k="${pick}"]`).click();
    expect(await page.getByTestId('cluster-k').inputValue()).toBe(String(pick));
    await page.getByTestId('cluster-run').click();
    await expect.poll(() => summary.getAttribute('data-k'), { timeout: 60_000 }).toBe(String(pick));
    await expect.poll(() => rows.count()).toBe(pick);
    expect(await summary.getAttribute('data-total')).toBe(String(N));
  }, 150_000);

  it('selects a cluster on the map, shows its gallery, and naming it labels all its images', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    const rows = page.getByTestId('cluster-row');
    const first = rows.first();
    const count = Number(await first.getAttribute('data-count'));
    const gallery = first.getByTestId('review-thumb');
    // Two rows of six: eleven thumbnails and a "+N" tile when the cluster has more than twelve.
    await expect.poll(() => gallery.count()).toBe(count > 12 ? 11 : count);
    if (count > 12) expect(await first.locator('.review-more').textContent()).toBe(`+${count - 11}`);
    await expect.poll(() => gallery.locator('img').evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).naturalWidth > 0)), { timeout: 10_000 }).toBe(true);
    await first.getByTestId('cluster-select').click();
    await expect.poll(async () => (await selectedIds()).length).toBe(count);
    expect(await page.getByTestId('map-color-mode').inputValue()).toBe('cluster');
    // Every gallery image is one of the selected points.
    const shown = await gallery.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-id'))));
    const sel = new Set(await selectedIds());
    expect(shown.every((id) => sel.has(id))).toBe(true);

    // Name two clusters (the classifier needs two classes), by keyboard: Enter saves.
    for (const [i, name] of [[0, 'cluster one'], [1, 'cluster two']] as const) {
      await rows.nth(i).getByTestId('cluster-name').click();
      await rows.nth(i).getByTestId('cluster-name-input').fill(name);
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByTestId('cluster-note').textContent()).toContain(`as “${name}”`);
    }
    const n0 = Number(await rows.nth(0).getAttribute('data-count'));
    const n1 = Number(await rows.nth(1).getAttribute('data-count'));
    await expect.poll(() => rows.nth(0).locator('.cluster-name').textContent()).toBe('cluster one');
    const { classes } = await rpc<{ classes: { name: string; count: number }[] }>('label.classes');
    expect(classes.map((c) => [c.name, c.count])).toEqual([['cluster one', n0], ['cluster two', n1]]);
    // The map bundle was refetched: its cluster legend carries the new names.
    await page.getByTestId('map-color-mode').selectOption('cluster');
    await expect.poll(() => page.getByTestId('map-legend-row').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^cluster one/)]));
    await page.mouse.move(5, H - 5);
    await shot('clusters-named');
  }, 60_000);

  it('shows the planted duplicate group, keeps marks across a reload, and filters the map', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    await openPanel('review');
    const exact = page.getByTestId('dup-groups-exact').getByTestId('dup-group');
    await expect.poll(() => exact.count(), { timeout: 30_000 }).toBe(1);
    const captions = await exact.locator('figcaption').evaluateAll((els) => els.map((e) => e.getAttribute('title')));
    expect(captions.sort()).toEqual(planted);
    // At the default 0.95 the near-duplicate search finds the same three (identical embeddings).
    expect(await page.getByTestId('dup-threshold').textContent()).toBe('0.950');
    const near = page.getByTestId('dup-groups-near').getByTestId('dup-group');
    await expect.poll(() => near.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
    const nearSets = await near.evaluateAll((els) => els.map((e) => e.getAttribute('data-ids')!.split(',').map(Number)));
    const exactIds = (await exact.getAttribute('data-ids'))!.split(',').map(Number).sort((a, b) => a - b);
    expect(nearSets.some((g) => exactIds.every((id) => g.includes(id)))).toBe(true);

    await exact.getByTestId('dup-keep-first').click();
    const items = exact.getByTestId('dup-item');
    await expect.poll(() => items.evaluateAll((els) => els.map((e) => e.getAttribute('data-mark')))).toEqual(['keep', 'remove', 'remove']);
    await items.nth(2).getByTestId('dup-mark-not_duplicate').click();
    await expect.poll(() => items.nth(2).getAttribute('data-mark')).toBe('not_duplicate');
    await shot('duplicates');

    // Filter: the map shows duplicates (its colour mode) with every group member selected.
    await page.getByTestId('review-filter-duplicates').click();
    expect(await page.getByTestId('map-color-mode').inputValue()).toBe('duplicate');
    const dupIds = new Set(nearSets.flat().concat(exactIds));
    await expect.poll(selectedIds).toEqual([...dupIds].sort((a, b) => a - b));
    await page.getByTestId('review-filter-none').click();
    expect(await page.getByTestId('map-color-mode').inputValue()).toBe('cluster');

    // The marks are stored: a fresh page shows them.
    await page.reload();
    await page.getByTestId('project-view').waitFor({ timeout: 30_000 });
    await page.getByTestId('tab-map').click();
    await openPanel('review');
    await expect.poll(() => page.getByTestId('dup-groups-exact').getByTestId('dup-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-mark'))), { timeout: 30_000 })
      .toEqual(['keep', 'remove', 'not_duplicate']);
  }, 90_000);

  it('lists the top outliers, follows k and N, and a click opens the image on the map', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    await waitForMapFrame(page);
    const items = page.getByTestId('outlier-item');
    await expect.poll(() => items.count(), { timeout: 30_000 }).toBe(48);
    await page.getByTestId('outlier-limit').fill('8');
    await expect.poll(() => items.count(), { timeout: 15_000 }).toBe(8);
    const scores = await items.locator('.outlier-score').allTextContents();
    expect(scores.map(Number)).toEqual([...scores.map(Number)].sort((a, b) => b - a));
    const api = await rpc<{ items: { id: number }[] }>('outliers', { k: 10, limit: 8 });
    expect(await items.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-id'))))).toEqual(api.items.map((o) => o.id));

    await items.nth(0).getByTestId('review-thumb').click();
    await expect.poll(() => page.getByTestId('inspector').getAttribute('data-id')).toBe(String(api.items[0].id));
    expect(await selectedIds()).toEqual([api.items[0].id]);
    // ...and the camera flies to it: the fly-to ends with its target on the point.
    const res = await fetch(new URL(`/data/map?token=${serve!.token}`, serve!.url));
    const { sections } = decodeMapBundle(await res.arrayBuffer());
    const j = sections.ids.indexOf(api.items[0].id);
    const p = [sections.coords[j * 3], sections.coords[j * 3 + 1], sections.coords[j * 3 + 2]];
    await expect.poll(() => page.evaluate(() => window.__byolMap!.handle!.scene()!.getCamera().target), { timeout: 5000 })
      .toEqual(p.map((v) => expect.closeTo(v, 3)));
    await page.getByTestId('review-filter-outliers').click();
    expect(await page.getByTestId('map-color-mode').inputValue()).toBe('outlier');
    await expect.poll(selectedIds).toEqual(api.items.map((o) => o.id).sort((a, b) => a - b));
    await page.mouse.move(5, H - 5);
    await shot('outliers');
    await page.getByTestId('review-filter-none').click();
  }, 60_000);

  it('trains the classifier, shows its accuracy, refuses a bad folder clearly, and exports the files', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    await openPanel('classifier');
    await page.getByTestId('classifier-train').click();
    const result = page.getByTestId('classifier-result');
    await page.locator('[data-testid="classifier-result"], [data-testid="classifier-error"]').first().waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('classifier-error').count(), 'the classifier reported an error').toBe(0);
    const acc = Number(await result.getAttribute('data-accuracy'));
    expect(acc).toBeGreaterThanOrEqual(0);
    expect(acc).toBeLessThanOrEqual(1);
    expect(await page.getByTestId('classifier-accuracy').textContent()).toBe(`${(100 * acc).toFixed(1)}%`);
    expect(await result.locator('.review-chips li').allTextContents()).toEqual(['cluster one', 'cluster two']);

    // A folder with other files in it is refused, with the reason and what to do.
    const busy = path.join(tmp.dir, 'not-empty');
    await mkdir(busy);
    await writeFile(path.join(busy, 'notes.txt'), 'mine');
    const dirInput = page.getByTestId('classifier-export-dir');
    expect(await dirInput.inputValue()).toMatch(/classifier-export$/);
    await dirInput.fill(busy);
    await page.getByTestId('classifier-export').click();
    await expect.poll(() => page.getByTestId('classifier-export-error').textContent(), { timeout: 60_000 }).toMatch(/not empty.*choose an empty or new folder/);

    const out = path.join(tmp.dir, 'exported');
    await dirInput.fill(out);
    await dirInput.press('Enter');
    const files = page.getByTestId('classifier-files');
    await files.waitFor({ timeout: 120_000 });
    const listed = await page.getByTestId('classifier-file').allTextContents();
    expect(listed.sort()).toEqual(['README.md', 'labels.json', 'model.onnx', 'preprocessing.json', 'tfjs/model.json', 'tfjs/weights.bin']);
    for (const f of listed) expect(statSync(path.join(out, f)).size, f).toBeGreaterThan(0);
    expect(await page.getByTestId('classifier-export-error').count()).toBe(0);
    await shot('classifier');

    // After a reload the tab still shows the trained head, read back from the project.
    await openMapTab(page, serve!.url);
    await openPanel('classifier');
    await expect.poll(() => page.getByTestId('classifier-result').getAttribute('data-accuracy'), { timeout: 10_000 }).toBe(String(acc));
    expect(await page.getByTestId('classifier-result').locator('.review-chips li').allTextContents()).toEqual(['cluster one', 'cluster two']);
    expect(await page.getByTestId('classifier-stale').count()).toBe(0);
  }, 200_000);

  it('searches by a picture from outside the project, picked or dropped, with the classifier\'s prediction', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    const plane = (await readdir(path.join(images, 'airplane'))).sort()[5];
    const outside = path.join(tmp.dir, 'outside');
    await mkdir(outside, { recursive: true });
    const picked = path.join(outside, `my-plane${path.extname(plane)}`);
    await cp(path.join(images, 'airplane', plane), picked);
    const planeId = (await rpc<{ items: { id: number; path: string }[] }>('images.page', { offset: 0, limit: 500, filter: { text: `airplane/${plane}` } })).items[0].id;
    await page.getByTestId('tab-images').click();
    await page.getByTestId('search-by-image-file').setInputFiles(picked);
    const chip = page.getByTestId('filter-ids');
    await expect.poll(() => chip.getAttribute('data-kind'), { timeout: 30_000 }).toBe('image');
    expect(await chip.textContent()).toContain(`Like ${path.basename(picked)}`);
    await expect.poll(() => page.getByTestId('filter-count').getAttribute('data-value')).toBe(String(N));
    // The same pixels as a project image: that image first, at similarity 1.
    const first = page.locator('button.cell[data-index="0"]');
    await expect.poll(() => first.getAttribute('data-id')).toBe(String(planeId));
    expect(Number(await first.getByTestId('cell-similarity').getAttribute('data-value'))).toBeCloseTo(1, 4);
    const badges = await page.getByTestId('cell-similarity').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
    expect(badges).toEqual([...badges].sort((a, b) => b - a));
    // The classifier trained above names one of its classes, and lists them all in the tooltip.
    const pred = page.getByTestId('query-prediction');
    expect(['cluster one', 'cluster two']).toContain(await pred.getAttribute('data-class'));
    expect(await pred.getAttribute('title')).toMatch(/cluster one: \d+\.\d%\ncluster two: \d+\.\d%|cluster two: \d+\.\d%\ncluster one: \d+\.\d%/);
    await expect.poll(() => page.locator('button.cell img').evaluateAll((imgs) => imgs.slice(0, 12).every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0))).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, 'images-search.png'), animations: 'disabled' });
    await updateReadmePicture(path.join(SHOTS, 'images-search.png'), 'search.png');

    // A picture dropped on the grid searches by it too.
    const frog = (await readdir(path.join(images, 'frog'))).sort()[7];
    const bytes = Array.from(await readFile(path.join(images, 'frog', frog)));
    await page.evaluate(([data, name]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(data as number[])], name as string, { type: 'image/png' }));
      const target = document.querySelector('.images-tab')!;
      target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, [bytes, 'dropped-frog.png']);
    await expect.poll(() => chip.textContent(), { timeout: 30_000 }).toContain('Like dropped-frog.png');
    const frogId = (await rpc<{ items: { id: number }[] }>('images.page', { offset: 0, limit: 500, filter: { text: `frog/${frog}` } })).items[0].id;
    await expect.poll(() => first.getAttribute('data-id')).toBe(String(frogId));

    // What is not a picture is refused with a reason: by its type in the page, by its bytes on the server.
    const notes = path.join(outside, 'notes.txt');
    await writeFile(notes, 'not a picture');
    await page.getByTestId('search-by-image-file').setInputFiles(notes);
    await expect.poll(() => page.getByTestId('toast-error').last().textContent()).toContain('notes.txt is not an image');
    const fake = path.join(outside, 'fake.png');
    await writeFile(fake, 'not a picture either');
    await page.getByTestId('search-by-image-file').setInputFiles(fake);
    await expect.poll(() => page.getByTestId('toast-error').last().textContent(), { timeout: 15_000 }).toMatch(/Could not search by fake\.png: That file is not an image BYOL Explorer can read/);
    // The list searched last stays.
    expect(await chip.textContent()).toContain('Like dropped-frog.png');
  }, 120_000);
});
