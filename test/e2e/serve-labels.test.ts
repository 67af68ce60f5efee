/**
 * Labelling on the Map tab end to end: a 200-image CIFAR project (20 per class, ingested by the
 * CLI, pixel embeddings, map built by the CLI) served by `main/serve` in headless Chromium.
 * Classes are created, renamed, recoloured and merged in the sidebar; keys 1–3 label legend
 * selections; Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y undo and redo; propagation runs from the UI, the
 * threshold slider's live count is accepted; suggestions fly the map; CSV and JSON are exported.
 * Every count is checked in the UI and again through the API over the WebSocket.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Method, Params, Result } from '../../preload/contract';
import { decodeMapBundle, type MapHeader, type MapSections } from '../../preload/map-bundle';
import { ProjectStore } from '../../main/store/project-store';
import { CIFAR_DIR, hasCifar, REPO_ROOT, tempDir } from '../helpers/paths';
import { pixelEmbeddings } from '../helpers/pixel-embeddings';
import { runCli } from '../helpers/run-cli';
import { launchWithWebGL, openMapTab, rendererStale, waitForMapFrame } from './map-harness';
import { updateReadmePicture } from './readme-picture';
import { startServe, type Serve } from './serve-process';

const PER_CLASS = 20;
const W = 1400, H = 900;
const RESULTS = path.join(REPO_ROOT, 'test-results');

let browser: Browser | null = null;
let skipReason = hasCifar ? '' : 'the shared CIFAR sample is not present';
let tmp: { dir: string; cleanup: () => Promise<void> };
let serve: Serve | null = null;
let ws: WebSocket | null = null;
let page: Page;
let folders: string[];
let sections: MapSections;
let embeddings: { ids: Int32Array; dim: number; data: Float32Array };

/** Every image's cosine similarity to image `id`, from the stored vectors (the test's own reference). */
function cosineTo(id: number): Map<number, number> {
  const { ids, dim, data } = embeddings;
  const row = (i: number) => data.subarray(i * dim, (i + 1) * dim);
  const q = row(ids.indexOf(id));
  const norm = (v: Float32Array) => Math.hypot(...v);
  return new Map(Array.from(ids, (other, i) => [other, row(i).reduce((t, v, j) => t + v * q[j], 0) / (norm(row(i)) * norm(q))]));
}

/** The grid's rendered cells as [index, image id, similarity badge], in grid order. */
const gridCells = () =>
  page.locator('button.cell[data-id]').evaluateAll((els) =>
    els
      .map((e) => [Number(e.getAttribute('data-index')), Number(e.getAttribute('data-id')), Number(e.querySelector('[data-testid="cell-similarity"]')?.getAttribute('data-value') ?? NaN)])
      .sort((a, b) => a[0] - b[0]),
  );

let rpcId = 1;
/** One contract call over serve mode's WebSocket, as a second client beside the page. */
function rpc<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
  const id = rpcId++;
  return new Promise((resolve, reject) => {
    const onMsg = (raw: WebSocket.RawData) => {
      const msg = JSON.parse(raw.toString()) as { id?: number; result?: Result<M>; error?: { message: string } };
      if (msg.id !== id) return;
      ws!.off('message', onMsg);
      if (msg.error) reject(new Error(msg.error.message));
      else resolve(msg.result!);
    };
    ws!.on('message', onMsg);
    ws!.send(JSON.stringify({ id, method, params }));
  });
}

const classCounts = async (): Promise<Record<string, number>> =>
  Object.fromEntries((await rpc('label.classes', {})).classes.map((k) => [k.name, k.count]));

/** The class rows as the sidebar shows them: name → count. */
const uiCounts = (): Promise<Record<string, number>> =>
  page.getByTestId('label-class').evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-name'), Number(e.getAttribute('data-count'))])));

async function bundle(): Promise<{ header: MapHeader; sections: MapSections }> {
  const res = await fetch(new URL(`/data/map?token=${serve!.token}`, serve!.url));
  return decodeMapBundle(await res.arrayBuffer());
}

/** Selects one folder's points through the legend (colour by folder, hover, "select"). */
async function selectFolder(name: string): Promise<number[]> {
  await page.getByTestId('map-color-mode').selectOption('folder');
  const f = folders.indexOf(name);
  await page.getByTestId('map-legend-row').nth(f).hover();
  await page.getByTestId('map-legend-select').nth(f).click();
  const ids = Array.from(sections.ids.filter((_, i) => sections.folder[i] === f)).sort((a, b) => a - b);
  await expect.poll(() => page.evaluate(() => window.__byolMap!.selectedIds().sort((a, b) => a - b))).toEqual(ids);
  return ids;
}

async function createClass(name: string): Promise<void> {
  await page.getByTestId('label-new-name').fill(name);
  await page.getByTestId('label-new-name').press('Enter');
  await expect.poll(() => page.getByTestId('label-class').evaluateAll((els, n) => els.some((e) => e.getAttribute('data-name') === n), name)).toBe(true);
}

const status = () => page.getByTestId('label-status').textContent();

beforeAll(async () => {
  if (skipReason) return void console.log(`skipping the labelling e2e test: ${skipReason}`);
  if (rendererStale()) await promisify(execFile)('npm', ['run', 'build:renderer', '--silent'], { cwd: REPO_ROOT, timeout: 300_000 });
  const l = await launchWithWebGL();
  if (!l.browser) {
    skipReason = l.reason;
    return void console.log(`skipping the labelling e2e test: ${skipReason}`);
  }
  browser = l.browser;
  tmp = await tempDir('byol-e2e-labels-');
  const env = { BYOL_DATA_DIR: path.join(tmp.dir, 'data'), HOME: path.join(tmp.dir, 'home') };
  mkdirSync(env.HOME);
  mkdirSync(RESULTS, { recursive: true });
  // Under the (temp) home, as a user's folder would be: the header shows it as ~/Pictures/….
  const images = path.join(env.HOME, 'Pictures', 'cifar-10-classes');
  for (const cls of (await readdir(CIFAR_DIR)).sort()) {
    await mkdir(path.join(images, cls), { recursive: true });
    const names = (await readdir(path.join(CIFAR_DIR, cls))).sort().slice(0, PER_CLASS);
    await Promise.all(names.map((n) => copyFile(path.join(CIFAR_DIR, cls, n), path.join(images, cls, n))));
  }
  const project = path.join(tmp.dir, 'project');
  const ing = await runCli(['ingest', images, '--project', project, '--json'], env);
  expect(ing.code, ing.stderr).toBe(0);
  const store = await ProjectStore.open(project);
  await pixelEmbeddings(store, images);
  embeddings = (await store.getEmbeddings())!;
  await store.close();
  const built = await runCli(['map', '--project', project, '--json'], env);
  expect(built.code, built.stderr).toBe(0);

  serve = await startServe(project, env);
  ws = new WebSocket(`${serve.url.replace(/^http/, 'ws').replace(/\/\?token=.*$/, '')}/ws?token=${serve.token}`);
  await new Promise((resolve, reject) => { ws!.once('open', resolve); ws!.once('error', reject); });
  const b = await bundle();
  folders = b.header.folders;
  sections = b.sections;
  page = await browser.newPage({ viewport: { width: W, height: H } });
  page.on('pageerror', (e) => console.log('page error:', e.message));
  await openMapTab(page, serve.url);
  await waitForMapFrame(page);
  await page.getByTestId('labels-panel').waitFor();
}, 300_000);

afterAll(async () => {
  ws?.close();
  await browser?.close();
  await serve?.stop();
  await tmp?.cleanup();
});

describe('labelling on the Map tab (serve mode)', () => {
  it('creates, renames and recolours classes; keys 1 and 2 label selections; undo and redo', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    expect(folders.length).toBe(10);
    await createClass('airplan');
    await createClass('frog');
    // Double-click renames; Enter commits.
    await page.getByTestId('label-class').first().locator('.label-name').dblclick();
    await page.getByTestId('label-rename-input').fill('airplane');
    await page.getByTestId('label-rename-input').press('Enter');
    await expect.poll(async () => Object.keys(await classCounts())).toEqual(['airplane', 'frog']);
    // A colour change is one debounced edit.
    await page.getByTestId('label-color').nth(1).fill('#33cc66');
    await expect.poll(async () => (await rpc('label.classes', {})).classes[1].color, { timeout: 5000 }).toBe('#33cc66');

    const planes = await selectFolder('airplane');
    await page.keyboard.press('1');
    await expect.poll(uiCounts).toEqual({ airplane: PER_CLASS, frog: 0 });
    expect(await classCounts()).toEqual({ airplane: PER_CLASS, frog: 0 });
    // The map now shows labels, and the bundle carries them.
    expect(await page.getByTestId('map-color-mode').inputValue()).toBe('label');
    const lb = await bundle();
    expect(Array.from(lb.sections.ids.filter((_, i) => lb.sections.label[i] === 0)).sort((a, b) => a - b)).toEqual(planes);

    await selectFolder('frog');
    await page.keyboard.press('2');
    await expect.poll(uiCounts).toEqual({ airplane: PER_CLASS, frog: PER_CLASS });
    expect(await classCounts()).toEqual({ airplane: PER_CLASS, frog: PER_CLASS });
    await page.screenshot({ path: path.join(RESULTS, 'labels-assigned.png') });

    await page.keyboard.press('Control+z');
    await expect.poll(uiCounts).toEqual({ airplane: PER_CLASS, frog: 0 });
    expect(await classCounts()).toEqual({ airplane: PER_CLASS, frog: 0 });
    await expect.poll(status).toBe(`Undid: Label ${PER_CLASS} image(s) "frog"`);
    await expect.poll(() => page.getByTestId('toast-info').last().textContent()).toContain('Undid: Label');
    await page.keyboard.press('Control+Shift+Z');
    await expect.poll(uiCounts).toEqual({ airplane: PER_CLASS, frog: PER_CLASS });
    await expect.poll(status).toMatch(/^Redid: Label 20 image\(s\) "frog"$/);
    await page.keyboard.press('Control+z');
    await expect.poll(uiCounts).toEqual({ airplane: PER_CLASS, frog: 0 });
    await page.keyboard.press('Control+y');
    await expect.poll(uiCounts).toEqual({ airplane: PER_CLASS, frog: PER_CLASS });
    expect(await classCounts()).toEqual({ airplane: PER_CLASS, frog: PER_CLASS });

    // 0 clears the selection's labels; typing a digit into a text field labels nothing.
    await page.keyboard.press('0');
    await expect.poll(uiCounts).toEqual({ airplane: PER_CLASS, frog: 0 });
    await page.getByTestId('label-new-name').fill('');
    await page.getByTestId('label-new-name').press('2');
    expect(await page.getByTestId('label-new-name').inputValue()).toBe('2');
    await page.getByTestId('label-new-name').fill('');
    await page.getByTestId('label-undo').click();
    await expect.poll(uiCounts).toEqual({ airplane: PER_CLASS, frog: PER_CLASS });
    expect(await classCounts()).toEqual({ airplane: PER_CLASS, frog: PER_CLASS });
  });

  it('merges two ticked classes into one, and undoes the merge', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    await createClass('truck');
    await selectFolder('truck');
    await page.keyboard.press('3');
    await expect.poll(uiCounts).toEqual({ airplane: PER_CLASS, frog: PER_CLASS, truck: PER_CLASS });
    const rows = page.getByTestId('label-class');
    await rows.nth(1).locator('.label-check').check();
    await rows.nth(2).locator('.label-check').check();
    await page.getByTestId('label-merge-target').selectOption({ label: 'frog' });
    await page.getByTestId('label-merge-go').click();
    await expect.poll(uiCounts).toEqual({ airplane: PER_CLASS, frog: 2 * PER_CLASS });
    expect(await classCounts()).toEqual({ airplane: PER_CLASS, frog: 2 * PER_CLASS });
    await page.getByTestId('map-view').focus();
    await page.keyboard.press('Control+z');
    await expect.poll(uiCounts).toEqual({ airplane: PER_CLASS, frog: PER_CLASS, truck: PER_CLASS });
    expect(await classCounts()).toEqual({ airplane: PER_CLASS, frog: PER_CLASS, truck: PER_CLASS });
  });

  it('propagates, colours by prediction, and accepts exactly the predictions above the slider', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    await page.getByTestId('propagate-method-spreading').click();
    await page.getByTestId('propagate-run').click();
    await page.getByTestId('propagate-summary').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('map-color-mode').inputValue()).toBe('predicted');
    const before = await bundle();
    const unlabelledConf = Array.from(before.sections.confidence.filter((c, i) => before.sections.label[i] < 0 && Number.isFinite(c)));
    // Label spreading reaches (nearly) every image of a connected kNN graph.
    expect(unlabelledConf.length).toBeGreaterThan(100);
    expect(await page.getByTestId('propagate-summary').textContent()).toMatch(new RegExp(`^${unlabelledConf.length} predicted from 60 labelled`));
    await page.getByTestId('colour-by-confidence').click();
    expect(await page.getByTestId('map-color-mode').inputValue()).toBe('confidence');
    await page.screenshot({ path: path.join(RESULTS, 'labels-confidence.png') });
    await page.getByTestId('colour-by-predicted').click();

    // A threshold near the median confidence, on the slider's 0.01 grid.
    const sorted = [...unlabelledConf].sort((a, b) => a - b);
    const t = Math.floor(sorted[Math.floor(sorted.length / 2)] * 100) / 100;
    const expected = unlabelledConf.filter((c) => c >= t).length;
    expect(expected).toBeGreaterThan(0);
    await page.getByTestId('threshold').fill(String(t));
    const accept = page.getByTestId('accept-above');
    await expect.poll(() => accept.getAttribute('data-count')).toBe(String(expected));
    expect(await accept.textContent()).toBe(`Accept ${expected} above ${t.toFixed(2)}`);
    await page.screenshot({ path: path.join(RESULTS, 'labels-propagated.png') });
    await accept.click();
    await expect.poll(async () => Object.values(await uiCounts()).reduce((s, v) => s + v, 0)).toBe(3 * PER_CLASS + expected);
    const api = await classCounts();
    expect(Object.values(api).reduce((s, v) => s + v, 0)).toBe(3 * PER_CLASS + expected);
    await expect.poll(status).toBe(`Accepted ${expected} prediction(s) ≥ ${t.toFixed(2)}`);
    // Nothing is left above the threshold once accepted.
    await expect.poll(() => accept.getAttribute('data-count')).toBe('0');
  });

  it('suggests images to label next; a click selects one and flies to it', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    await page.getByTestId('suggest-run').click();
    const items = page.getByTestId('suggest-item');
    await expect.poll(() => items.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const api = await rpc('suggest.next', { count: 24 });
    expect(await items.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-id'))))).toEqual(api.items.map((it) => it.id));
    await expect.poll(() => items.first().locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    const id = Number(await items.nth(2).getAttribute('data-id'));
    await items.nth(2).click();
    await expect.poll(() => page.evaluate(() => window.__byolMap!.selectedIds())).toEqual([id]);
    const j = sections.ids.indexOf(id);
    const p = [sections.coords[j * 3], sections.coords[j * 3 + 1], sections.coords[j * 3 + 2]];
    await expect.poll(() => page.evaluate(() => window.__byolMap!.handle!.scene()!.getCamera().target), { timeout: 5000 })
      .toEqual(p.map((v) => expect.closeTo(v, 3)));
    await page.screenshot({ path: path.join(RESULTS, 'labels-suggest.png') });
  });

  it('exports the labels as CSV and JSON, one row per image with its source', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    const counts = await classCounts();
    const labelled = Object.values(counts).reduce((s, v) => s + v, 0);
    const b = await bundle();
    const total = b.sections.ids.filter((_, i) => b.sections.label[i] >= 0 || Number.isFinite(b.sections.confidence[i])).length;
    const csvFile = path.join(tmp.dir, 'out', 'labels.csv');
    await mkdir(path.dirname(csvFile));
    expect(await page.getByTestId('export-file').inputValue()).toMatch(/project[\\/]labels\.csv$/);
    await page.getByTestId('export-file').fill(csvFile);
    await page.getByTestId('export-run').click();
    await expect.poll(() => status(), { timeout: 10_000 }).toBe(`Exported ${total} row(s) to ${csvFile}`);
    const lines = (await readFile(csvFile, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('path,label,source,confidence');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.length).toBe(total);
    const bySource = (s: string) => rows.filter((r) => r[2] === s);
    expect(bySource('human').length).toBe(3 * PER_CLASS);
    expect(bySource('accepted').length).toBe(labelled - 3 * PER_CLASS);
    expect(bySource('propagated').length).toBe(total - labelled);
    // Human labels sit on their folders; machine rows carry a confidence, human rows none.
    for (const r of bySource('human')) expect(r[0].split('/')[0]).toBe(r[1]);
    for (const r of [...bySource('accepted'), ...bySource('propagated')]) expect(Number(r[3])).toBeGreaterThan(0);
    expect(bySource('human').every((r) => r[3] === '')).toBe(true);

    await page.getByTestId('export-format-json').click();
    expect(await page.getByTestId('export-file').inputValue()).toBe(csvFile.replace(/\.csv$/, '.json'));
    await page.getByTestId('export-run').click();
    await expect.poll(() => status(), { timeout: 10_000 }).toMatch(new RegExp(`^Exported ${total} row\\(s\\) to .*labels\\.json$`));
    const json = JSON.parse(await readFile(csvFile.replace(/\.csv$/, '.json'), 'utf8')) as { path: string; source: string }[];
    expect(json.length).toBe(total);
    expect(json.filter((r) => r.source === 'human').length).toBe(3 * PER_CLASS);

    // A path typed with ~ lands in the home folder, and is reported the same way.
    await page.getByTestId('export-file').fill('~/labels-at-home.json');
    await page.getByTestId('export-run').click();
    await expect.poll(() => status(), { timeout: 10_000 }).toBe(`Exported ${total} row(s) to ~/labels-at-home.json`);
    expect(JSON.parse(await readFile(path.join(tmp.dir, 'home', 'labels-at-home.json'), 'utf8'))).toEqual(json);
  });

  it('lists the labelling keys in the help; the sidebar collapses and opens again', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    await page.getByTestId('map-view').focus();
    await page.keyboard.press('?');
    const help = page.getByTestId('shortcuts-help');
    await help.waitFor();
    expect(await help.textContent()).toMatch(/Label the selection with class 1–9.*Undo the last label change/s);
    await page.screenshot({ path: path.join(RESULTS, 'labels-help.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => help.count()).toBe(0);
    const sidebar = page.getByTestId('map-sidebar');
    const wide = (await sidebar.boundingBox())!.width;
    await page.evaluate(() => window.__byolMap!.handle!.resetCamera());
    await page.getByRole('button', { name: 'Hide the sidebar' }).click();
    await expect.poll(() => sidebar.getAttribute('data-open')).toBe('false');
    expect((await sidebar.boundingBox())!.width).toBeLessThan(wide / 4);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.screenshot({ path: path.join(RESULTS, 'labels-collapsed.png') });
    // Keys still label with the panel hidden.
    const frogs = (await classCounts()).frog;
    await selectFolder('airplane');
    await page.keyboard.press('2');
    await expect.poll(async () => (await classCounts()).frog, { timeout: 5000 }).toBe(frogs + PER_CLASS);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await classCounts()).frog, { timeout: 5000 }).toBe(frogs);
    await page.getByRole('button', { name: 'Show the sidebar' }).click();
    await page.getByTestId('labels-panel').waitFor();
  });

  it('filters the Images grid by class, no label, folder and path text; each cell shows its label', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    const counts = await classCounts();
    const total = sections.ids.length;
    const labelled = Object.values(counts).reduce((s, v) => s + v, 0);
    // NaN while the grid is still counting ('' in the attribute).
    const count = () => page.getByTestId('filter-count').getAttribute('data-value').then((v) => (v ? Number(v) : NaN));
    await page.getByTestId('tab-images').click();
    await page.getByTestId('image-filters').waitFor();
    await expect.poll(count).toBe(total);

    // A class: exactly its images, each cell badged with it.
    await expect.poll(() => page.getByTestId('filter-label').locator('option').allTextContents()).toContain(`frog (${counts.frog})`);
    await page.getByTestId('filter-label').selectOption('frog');
    await expect.poll(count).toBe(counts.frog);
    await page.locator('.cell.loaded').first().waitFor();
    const badges = await page.getByTestId('cell-label').allTextContents();
    expect(badges.length).toBe(Math.min(counts.frog, await page.locator('.cell:not(.placeholder)').count()));
    expect(new Set(badges)).toEqual(new Set(['frog']));
    await page.screenshot({ path: path.join(RESULTS, 'images-filtered.png') });

    // What the propagation predicted for unlabelled images, as the label export lists it.
    const file = path.join(tmp.dir, 'predicted.json');
    await rpc('label.export', { format: 'json', file });
    const propagated = (JSON.parse(await readFile(file, 'utf8')) as { label: string; source: string; confidence: number }[]).filter((r) => r.source === 'propagated');
    const predictedClass = propagated[0].label;
    await page.getByTestId('filter-label').selectOption('');
    await page.getByTestId('filter-predicted').selectOption(predictedClass);
    await expect.poll(count).toBe(propagated.filter((r) => r.label === predictedClass).length);
    await page.locator('.cell.loaded').first().waitFor();
    for (const t of await page.getByTestId('cell-predicted').allTextContents()) expect(t).toMatch(new RegExp(`^${predictedClass} \\d+%$`));
    expect(await page.getByTestId('cell-label').count()).toBe(0);
    await page.screenshot({ path: path.join(RESULTS, 'images-predicted.png'), animations: 'disabled' });
    await page.getByTestId('filter-predicted').selectOption('');
    await page.getByTestId('filter-confidence').selectOption('0.7');
    await expect.poll(count).toBe(propagated.filter((r) => r.confidence < 0.7).length);
    await page.getByTestId('filter-confidence').selectOption('');
    await expect.poll(count).toBe(total);

    // No label, then a folder on top of it.
    await page.getByTestId('filter-label').selectOption({ index: 1 });
    await expect.poll(count).toBe(total - labelled);
    await page.getByTestId('filter-label').selectOption('');
    await page.getByTestId('filter-folder').selectOption('cat');
    await expect.poll(count).toBe(PER_CLASS);
    await page.locator('.cell.loaded').first().hover();
    await expect.poll(() => page.getByTestId('hover-info').textContent()).toMatch(/^cat\//);

    // "/" focuses the path search; a search that contradicts the folder matches nothing.
    await page.mouse.move(5, 5);
    await page.locator('body').press('/');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('filter-text');
    await page.keyboard.type('frog/');
    await page.getByTestId('filter-empty').waitFor();
    await page.getByTestId('filter-empty').getByRole('button', { name: 'Show all images' }).click();
    await expect.poll(count).toBe(total);
    expect(await page.getByTestId('filter-text').inputValue()).toBe('');
    expect(await page.getByTestId('filter-folder').inputValue()).toBe('');

    // The search alone; Esc clears it.
    await page.getByTestId('filter-text').fill('FROG/');
    await expect.poll(count).toBe(PER_CLASS);
    await page.getByTestId('filter-text').press('Escape');
    await expect.poll(count).toBe(total);
  });

  it('labels from the grid: Ctrl+A under a filter, a new class in one go, undo, then a Ctrl/Shift-click range and a key', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    // NaN while the grid is still counting ('' in the attribute).
    const count = () => page.getByTestId('filter-count').getAttribute('data-value').then((v) => (v ? Number(v) : NaN));
    const selected = async () => ((await page.getByTestId('grid-selection').count()) ? Number(await page.getByTestId('grid-selection').getAttribute('data-count')) : 0);
    await page.getByTestId('filter-folder').selectOption('horse');
    await expect.poll(count).toBe(PER_CLASS);
    await page.locator('.cell.loaded').first().waitFor();
    // Some horses already carry labels accepted from the propagation above; undo must bring them back.
    const before = await page.getByTestId('cell-label').allTextContents();

    // Ctrl+A selects every image the filter shows (after a click on the grid's margin takes the
    // focus from the search box); a class typed in the bar is made and applied.
    await page.getByTestId('thumb-grid').click({ position: { x: 6, y: 6 } });
    await page.keyboard.press('Control+a');
    await expect.poll(selected).toBe(PER_CLASS);
    await page.getByTestId('grid-new-class').fill('horse');
    await page.getByTestId('grid-new-class').press('Enter');
    await expect.poll(async () => (await classCounts())['horse'], { timeout: 10_000 }).toBe(PER_CLASS);
    await expect.poll(() => page.getByTestId('cell-label').allTextContents()).toEqual(Array(PER_CLASS).fill('horse'));
    await page.screenshot({ path: path.join(RESULTS, 'images-selection.png'), animations: 'disabled' });
    await updateReadmePicture(path.join(RESULTS, 'images-selection.png'), 'grid-labels.png');
    await page.getByTestId('thumb-grid').click({ position: { x: 6, y: 6 } });
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await classCounts())['horse'], { timeout: 10_000 }).toBe(0);
    await expect.poll(() => page.getByTestId('cell-label').allTextContents()).toEqual(before);
    await page.keyboard.press('Escape');
    await expect.poll(selected).toBe(0);

    // Ctrl-click the first image, Shift-click the fifth: five in path order; the class's key labels them.
    const cells = page.locator('.cell.loaded');
    await cells.nth(0).click({ modifiers: ['Control'] });
    await cells.nth(4).click({ modifiers: ['Shift'] });
    await expect.poll(selected).toBe(5);
    const n = (await rpc('label.classes', {})).classes.findIndex((k) => k.name === 'horse') + 1;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(9);
    await page.keyboard.press(String(n));
    await expect.poll(async () => (await classCounts())['horse'], { timeout: 10_000 }).toBe(5);
    const first5 = (await rpc('images.ids', { filter: { folder: 'horse' }, offset: 0, limit: 5 })).ids;
    expect((await rpc('images.ids', { filter: { label: 'horse' } })).ids.sort((a, b) => a - b)).toEqual([...first5].sort((a, b) => a - b));
    // While selecting, a plain click toggles instead of opening the preview.
    await cells.nth(2).click();
    await expect.poll(selected).toBe(4);
    expect(await page.getByTestId('preview').count()).toBe(0);
    await page.getByTestId('grid-select-none').click();
    await expect.poll(selected).toBe(0);

    // Under "No label", labelled images leave the view, and the selection is cleared with them.
    await page.getByTestId('filter-label').selectOption({ index: 1 });
    await expect.poll(count).toBeLessThan(PER_CLASS);
    const unlabelled = await count();
    expect(unlabelled).toBeGreaterThanOrEqual(2);
    await page.locator('.cell.loaded').first().waitFor();
    await cells.nth(0).click({ modifiers: ['Control'] });
    await cells.nth(1).click({ modifiers: ['Control'] });
    await expect.poll(selected).toBe(2);
    await page.keyboard.press(String(n));
    await expect.poll(count).toBe(unlabelled - 2);
    await expect.poll(selected).toBe(0);
    await page.getByTestId('filter-clear').click();
    await expect.poll(count).toBe(sections.ids.length);

    // In the preview, a class key labels the image shown and moves on to the next one.
    await page.getByTestId('filter-folder').selectOption('ship');
    await expect.poll(count).toBe(PER_CLASS);
    await page.locator('button.cell[data-index="0"]').click();
    const preview = page.getByTestId('preview');
    await preview.waitFor();
    expect(await page.getByTestId('preview-pos').textContent()).toBe(`1 of ${PER_CLASS}`);
    const shipsBefore = (await classCounts())['horse'];
    await page.keyboard.press(String(n));
    await expect.poll(() => page.getByTestId('preview-pos').textContent()).toBe(`2 of ${PER_CLASS}`);
    await expect.poll(async () => (await classCounts())['horse']).toBe(shipsBefore + 1);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.getByTestId('preview-label').textContent()).toBe('horse');
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await classCounts())['horse']).toBe(shipsBefore);
    await expect.poll(() => page.getByTestId('preview-label').textContent()).not.toBe('horse');
    await page.keyboard.press('Escape');
    await preview.waitFor({ state: 'detached' });
    await page.getByTestId('filter-clear').click();
  });

  it('shows a map selection in the grid, where Ctrl+A selects exactly it', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    await page.getByTestId('tab-map').click();
    await waitForMapFrame(page);
    const ids = await selectFolder('deer');
    await page.getByTestId('selection-grid').click();
    await page.getByTestId('filter-ids').waitFor();
    await expect.poll(() => page.getByTestId('filter-count').getAttribute('data-value')).toBe(String(ids.length));
    await page.locator('button.cell[data-index="0"]').hover();
    await expect.poll(() => page.getByTestId('hover-info').textContent()).toMatch(/^deer\//);
    await page.getByTestId('thumb-grid').click({ position: { x: 6, y: 6 } });
    await page.keyboard.press('Control+a');
    await expect.poll(() => page.getByTestId('grid-selection').getAttribute('data-count')).toBe(String(ids.length));
    expect(await page.locator('.cell.selected').count()).toBe(ids.length);
    await page.screenshot({ path: path.join(RESULTS, 'images-map-selection.png'), animations: 'disabled' });
    await page.keyboard.press('Escape');
    await page.getByTestId('filter-ids').getByRole('button', { name: 'Show all images' }).click();
    await expect.poll(() => page.getByTestId('filter-count').getAttribute('data-value')).toBe(String(sections.ids.length));
    expect(await page.getByTestId('filter-ids').count()).toBe(0);
  });

  it('finds the images most like one, from the preview (S) and from the focused cell, most similar first', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    const chip = page.getByTestId('filter-ids');
    await page.locator('button.cell[data-index="7"]').click();
    const preview = page.getByTestId('preview');
    await preview.waitFor();
    const queryName = await page.locator('button.cell[data-index="7"]').getAttribute('aria-label');
    const query = Number(await page.locator('button.cell[data-index="7"]').getAttribute('data-id'));
    await page.keyboard.press('s');
    await preview.waitFor({ state: 'detached' });
    await expect.poll(() => chip.getAttribute('data-kind')).toBe('similar');
    expect(await chip.textContent()).toContain(`Similar to ${queryName!.split(',')[0]}`);
    await expect.poll(() => page.getByTestId('filter-count').getAttribute('data-value')).toBe(String(sections.ids.length));
    await expect.poll(async () => (await gridCells())[0]?.[1]).toBe(query);

    // Each cell's badge is its similarity by the test's own cosine, and the order is descending.
    const sim = cosineTo(query);
    const ranked = [...sim.values()].sort((a, b) => b - a);
    const cells = await gridCells();
    expect(cells.length).toBeGreaterThan(20);
    cells.forEach(([i, id, badge]) => {
      expect(sim.get(id)).toBeCloseTo(ranked[i], 4);
      expect(badge).toBeCloseTo(sim.get(id)!, 4);
    });
    await page.locator('button.cell[data-index="1"]').hover();
    await expect.poll(() => page.getByTestId('hover-info').textContent()).toContain(`similarity ${sim.get(cells[1][1])!.toFixed(3)}`);

    // The preview browses the list and names the similarity; S on a focused cell starts over from it.
    await page.locator('button.cell[data-index="2"]').click();
    await expect.poll(() => page.getByTestId('preview-similarity').textContent()).toBe(`${sim.get(cells[2][1])!.toFixed(3)} to ${queryName!.split(',')[0]}`);
    await page.keyboard.press('Escape');
    await preview.waitFor({ state: 'detached' });
    await page.locator('button.cell[data-index="5"]').focus();
    await page.keyboard.press('s');
    await expect.poll(async () => (await gridCells())[0]?.[1]).toBe(cells[5][1]);
    const sim2 = cosineTo(cells[5][1]);
    const ranked2 = [...sim2.values()].sort((a, b) => b - a);
    for (const [i, id] of (await gridCells()).slice(0, 20)) expect(sim2.get(id)).toBeCloseTo(ranked2[i], 4);

    await chip.getByRole('button', { name: 'Show all images' }).click();
    await expect.poll(() => chip.count()).toBe(0);
    await expect.poll(() => page.getByTestId('filter-count').getAttribute('data-value')).toBe(String(sections.ids.length));
    expect(await page.getByTestId('cell-similarity').count()).toBe(0);
  });

  it('shows the grid\'s selection on the map ("Show on map"), selected there and flown to', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    await page.getByTestId('filter-folder').selectOption('ship');
    await expect.poll(() => page.getByTestId('filter-count').getAttribute('data-value')).toBe(String(PER_CLASS));
    await page.getByTestId('thumb-grid').click({ position: { x: 6, y: 6 } });
    await page.keyboard.press('Control+a');
    await expect.poll(() => page.getByTestId('grid-selection').getAttribute('data-count')).toBe(String(PER_CLASS));
    await page.getByTestId('grid-show-on-map').click();
    await waitForMapFrame(page);
    const ship = folders.indexOf('ship');
    const ids = Array.from(sections.ids.filter((_, i) => sections.folder[i] === ship)).sort((a, b) => a - b);
    await expect.poll(() => page.evaluate(() => window.__byolMap!.selectedIds().sort((a, b) => a - b))).toEqual(ids);
    // The camera ends on the selection's centre (the fly-to), not where it was.
    const centre = [0, 1, 2].map((k) => ids.reduce((t, id) => t + sections.coords[sections.ids.indexOf(id) * 3 + k], 0) / ids.length);
    await expect.poll(async () => {
      const t = await page.evaluate(() => window.__byolMap!.handle!.scene()!.getCamera().target);
      return Math.hypot(t[0] - centre[0], t[1] - centre[1], t[2] - centre[2]);
    }, { timeout: 5000 }).toBeLessThan(1e-2);
    await page.getByTestId('tab-images').click();
    await page.keyboard.press('Escape');
    await page.getByTestId('filter-clear').click();
  });
});
