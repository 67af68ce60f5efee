/**
 * The Map tab end to end on a real project: 1500 CIFAR images ingested by the CLI, pixel
 * embeddings stored in DuckDB, the map built by the CLI, then `main/serve` opened in headless
 * Chromium with SwiftShader WebGL: points drawn, hover thumbnail, lasso, legend, inspector,
 * saved view state, and the empty state of a project without embeddings.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMapBundle, type MapSections } from '../../preload/map-bundle';
import { ProjectStore } from '../../main/store/project-store';
import { pointsInPolygon, projectToScreen } from '../../renderer/map/projection';
import { CIFAR_DIR, hasCifar, REPO_ROOT, tempDir } from '../helpers/paths';
import { pixelEmbeddings } from '../helpers/pixel-embeddings';
import { runCli } from '../helpers/run-cli';
import { launchWithWebGL, openMapTab, rendererStale, waitForMapFrame } from './map-harness';
import { updateReadmePicture } from './readme-picture';
import { startServe, type Serve } from './serve-process';

const FOLDERS = ['airplane', 'frog', 'truck'];
const W = 1400, H = 900;
const BG = [0x0d, 0x0f, 0x14];
const RESULTS = path.join(REPO_ROOT, 'test-results');

let browser: Browser | null = null;
let skipReason = hasCifar ? '' : 'the shared CIFAR sample is not present';
let tmp: { dir: string; cleanup: () => Promise<void> };
let serve: Serve | null = null;
let page: Page;
let sections: MapSections;
let folders: string[];

const env = () => ({ BYOL_DATA_DIR: path.join(tmp.dir, 'data'), HOME: path.join(tmp.dir, 'home') });

/** Screen positions (page pixels) of every point, with the same maths as the component. */
async function pagePositions(): Promise<Float32Array> {
  // A panel that just opened or closed resizes the canvas on the next frame: wait until the view has caught up.
  await expect.poll(async () => {
    await waitFrames();
    const box = (await page.getByTestId('map-canvas').boundingBox())!;
    const size = await page.evaluate(() => window.__byolMap!.handle!.size());
    return Math.abs(box.width - size.width) + Math.abs(box.height - size.height);
  }).toBeLessThan(1);
  const { vp, size } = await page.evaluate(() => ({ vp: Array.from(window.__byolMap!.handle!.viewProjection()), size: window.__byolMap!.handle!.size() }));
  const box = (await page.getByTestId('map-canvas').boundingBox())!;
  const xy = projectToScreen(sections.coords, vp, size.width, size.height);
  for (let i = 0; i < xy.length; i += 2) { xy[i] += box.x; xy[i + 1] += box.y; }
  return xy;
}

/** A point inside the canvas with no other point within `r` px, so a pick is unambiguous. */
function isolated(xy: Float32Array, box: { x: number; y: number; width: number; height: number }, r = 12): number {
  const n = xy.length / 2;
  for (let i = 0; i < n; i++) {
    const x = xy[i * 2], y = xy[i * 2 + 1];
    if (!(x > box.x + 300 && x < box.x + box.width - 260 && y > box.y + 120 && y < box.y + box.height - 120)) continue;
    let alone = true;
    for (let j = 0; j < n && alone; j++) if (j !== i && Math.hypot(xy[j * 2] - x, xy[j * 2 + 1] - y) < r) alone = false;
    if (alone) return i;
  }
  return -1;
}

/**
 * Canvas pixels that are not the background, and how many of them are nearest (in RGB) to each
 * of `palette`: points are blended, so a pixel counts for the colour it is closest to.
 */
async function canvasPixels(palette: number[][] = []): Promise<{ lit: number; byColour: number[] }> {
  await waitFrames();
  const png = await page.getByTestId('map-canvas').screenshot();
  const { data: px, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  let lit = 0;
  const byColour = palette.map(() => 0);
  for (let o = 0; o < px.length; o += info.channels) {
    if (Math.abs(px[o] - BG[0]) + Math.abs(px[o + 1] - BG[1]) + Math.abs(px[o + 2] - BG[2]) <= 40) continue;
    lit++;
    let best = -1, bestD = Infinity;
    palette.forEach((c, k) => {
      const d = (px[o] - c[0]) ** 2 + (px[o + 1] - c[1]) ** 2 + (px[o + 2] - c[2]) ** 2;
      if (d < bestD) { bestD = d; best = k; }
    });
    if (best >= 0) byColour[best]++;
  }
  return { lit, byColour };
}
const litPixels = async () => (await canvasPixels()).lit;

const waitFrames = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

beforeAll(async () => {
  if (skipReason) return void console.log(`skipping the serve-mode map test: ${skipReason}`);
  if (rendererStale()) await promisify(execFile)('npm', ['run', 'build:renderer', '--silent'], { cwd: REPO_ROOT, timeout: 300_000 });
  const l = await launchWithWebGL();
  if (!l.browser) {
    skipReason = l.reason;
    return void console.log(`skipping the serve-mode map test: ${skipReason}`);
  }
  browser = l.browser;
  tmp = await tempDir('byol-e2e-map-');
  // Under the (temp) home, as a user's folder would be: the header shows it as ~/Pictures/….
  const images = path.join(tmp.dir, 'home', 'Pictures', 'cifar-3-classes');
  mkdirSync(images, { recursive: true });
  for (const f of FOLDERS) await cp(path.join(CIFAR_DIR, f), path.join(images, f), { recursive: true });
  const project = path.join(tmp.dir, 'home', 'Pictures', 'cifar-3-classes.byol');
  const ing = await runCli(['ingest', images, '--project', project, '--json'], env());
  expect(ing.code, ing.stderr).toBe(0);

  // First, the project without embeddings: the Map tab offers to build, and says to train first.
  serve = await startServe(project, env());
  page = await browser.newPage({ viewport: { width: W, height: H } });
  page.on('pageerror', (e) => console.log('page error:', e.message));
  await openMapTab(page, serve.url);
  await page.getByTestId('map-build').click();
  const err = page.getByTestId('map-error');
  await err.waitFor({ timeout: 30_000 });
  expect(await err.textContent()).toMatch(/no embeddings yet.*Train/i);
  await page.screenshot({ path: path.join(RESULTS, 'map-empty.png') });
  await serve.stop();
  serve = null;

  const store = await ProjectStore.open(project);
  await pixelEmbeddings(store, images);
  await store.close();
  const built = await runCli(['map', '--project', project, '--json'], env());
  expect(built.code, built.stderr).toBe(0);
  console.log(`CLI map: ${JSON.stringify(built.json)}`);

  serve = await startServe(project, env());
  const res = await fetch(new URL(`/data/map?token=${serve.token}`, serve.url));
  const bundle = decodeMapBundle(await res.arrayBuffer());
  sections = bundle.sections;
  folders = bundle.header.folders;
  await openMapTab(page, serve.url);
  await waitForMapFrame(page);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  await tmp?.cleanup();
});

describe('the Map tab in serve mode', () => {
  it('was refused for a project without embeddings, with a clear message (checked in setup)', ({ skip }) => {
    if (!browser) return skip(skipReason);
    expect(existsSync(path.join(RESULTS, 'map-empty.png'))).toBe(true);
  });

  it('draws every point, coloured by folder, with a legend of 500 per folder', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    expect(await page.getByTestId('map-panel').getAttribute('data-points')).toBe('1500');
    await page.getByTestId('map-color-mode').selectOption('folder');
    const rows = page.getByTestId('map-legend-row');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))))).toEqual([500, 500, 500]);
    expect((await rows.allTextContents()).map((t) => t.replace(/[\d,]+$/, ''))).toEqual(folders);
    await page.mouse.move(5, H - 5);
    const lit = await litPixels();
    console.log(`lit pixels: ${lit} of ${W * H}`);
    expect(lit).toBeGreaterThan(5000);
    await page.screenshot({ path: path.join(RESULTS, 'map.png') });
    await updateReadmePicture(path.join(RESULTS, 'map.png'), 'map.png');
    // Hiding a folder in the legend removes its points from the canvas; showing it brings them back.
    // Points overlap, so the check counts pixels by colour: the hidden folder's colour must vanish.
    const palette = await page.locator('.map-swatch').evaluateAll((els) =>
      els.map((e) => getComputedStyle(e).backgroundColor.match(/\d+/g)!.slice(0, 3).map(Number)));
    expect(palette).toHaveLength(3);
    const shown = await canvasPixels(palette);
    expect(shown.byColour[1]).toBeGreaterThan(2000);
    await rows.nth(1).click();
    expect(await rows.nth(1).getAttribute('aria-pressed')).toBe('false');
    await expect.poll(async () => (await canvasPixels(palette)).byColour[1]).toBeLessThan(shown.byColour[1] * 0.1);
    const hidden = await canvasPixels(palette);
    console.log(`pixels by folder colour, shown ${shown.byColour.join('/')}, with ${folders[1]} hidden ${hidden.byColour.join('/')}`);
    expect(hidden.lit).toBeLessThan(lit);
    await rows.nth(1).click();
    await expect.poll(async () => (await canvasPixels(palette)).byColour[1]).toBeGreaterThan(shown.byColour[1] * 0.95);
    // The legend selects a whole class; the strip shows the count and caps its thumbnails.
    await rows.nth(2).hover();
    await page.getByTestId('map-legend-select').nth(2).click();
    await expect.poll(() => page.getByTestId('selection-count').getAttribute('data-value')).toBe('500');
    const truckIds = Array.from(sections.ids.filter((_, i) => sections.folder[i] === 2)).sort((a, b) => a - b);
    expect(await page.evaluate(() => window.__byolMap!.selectedIds().sort((a, b) => a - b))).toEqual(truckIds);
    expect(await page.getByTestId('selection-more').textContent()).toMatch(/\+380 more/);
    await page.getByTestId('selection-strip').getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => page.getByTestId('selection-strip').count()).toBe(0);
  });

  it('shows the hovered image and opens the inspector with 12 neighbours; a neighbour flies', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    const xy = await pagePositions();
    const box = (await page.getByTestId('map-canvas').boundingBox())!;
    const target = isolated(xy, box);
    expect(target).toBeGreaterThanOrEqual(0);
    const id = sections.ids[target];
    await page.mouse.move(xy[target * 2], xy[target * 2 + 1]);
    const card = page.getByTestId('map-hover');
    await card.waitFor({ timeout: 5000 });
    // The card may still show a point the mouse rested on before (the last test's Clear button
    // sat over the map once the strip closed); the pick of the new position follows a frame later.
    await expect.poll(async () => Number(await card.getAttribute('data-index')), { timeout: 5000 }).toBe(target);
    expect(await card.locator('img').getAttribute('src')).toContain(`/${id}?`);
    await expect.poll(() => card.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

    await page.mouse.click(xy[target * 2], xy[target * 2 + 1]);
    const insp = page.getByTestId('inspector');
    await insp.waitFor({ timeout: 5000 });
    expect(Number(await insp.getAttribute('data-id'))).toBe(id);
    await expect.poll(() => page.getByTestId('inspector-neighbor').count(), { timeout: 10_000 }).toBe(12);
    await expect.poll(() => page.getByTestId('inspector-path').textContent()).toContain(`${folders[sections.folder[target]]}/`);
    await expect.poll(() => page.getByTestId('inspector-image').evaluate((img: HTMLImageElement) => img.naturalWidth > 0)).toBe(true);
    await page.screenshot({ path: path.join(RESULTS, 'map-inspector.png') });

    const nb = page.getByTestId('inspector-neighbor').first();
    const nbId = Number(await nb.getAttribute('data-id'));
    await nb.click();
    await expect.poll(() => insp.getAttribute('data-id')).toBe(String(nbId));
    const j = sections.ids.indexOf(nbId);
    const p = [sections.coords[j * 3], sections.coords[j * 3 + 1], sections.coords[j * 3 + 2]];
    // The fly-to ends with the camera's target on the neighbour.
    await expect.poll(() => page.evaluate(() => window.__byolMap!.handle!.scene()!.getCamera().target), { timeout: 5000 })
      .toEqual(p.map((v) => expect.closeTo(v, 3)));
    await page.keyboard.press('Escape');
    await expect.poll(() => insp.count()).toBe(0);
    await page.evaluate(() => window.__byolMap!.handle!.resetCamera());
  });

  it('lists the inspected image and the images most like it in the grid ("More in grid")', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    const xy = await pagePositions();
    const target = isolated(xy, (await page.getByTestId('map-canvas').boundingBox())!);
    const id = sections.ids[target];
    await page.mouse.click(xy[target * 2], xy[target * 2 + 1]);
    const insp = page.getByTestId('inspector');
    await expect.poll(() => insp.getAttribute('data-id'), { timeout: 5000 }).toBe(String(id));
    await expect.poll(() => page.getByTestId('inspector-neighbor').count(), { timeout: 10_000 }).toBe(12);
    const neighbours = await page.getByTestId('inspector-neighbor').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-id'))));
    await expect.poll(() => page.getByTestId('inspector-path').textContent()).toContain('/');
    const name = (await page.getByTestId('inspector-path').textContent())!.split('/').pop()!;
    await page.getByTestId('inspector-similar').click();
    const chip = page.getByTestId('filter-ids');
    await expect.poll(() => chip.getAttribute('data-kind')).toBe('similar');
    expect(await chip.textContent()).toContain(`Similar to ${name}`);
    await expect.poll(() => page.getByTestId('filter-count').getAttribute('data-value')).toBe('1000');
    // The store's exhaustive search (DuckDB) and the map's exact kNN graph (WASM) agree.
    const cells = () => page.locator('button.cell[data-id]').evaluateAll((els) => els.map((e) => [Number(e.getAttribute('data-index')), Number(e.getAttribute('data-id'))]).sort((a, b) => a[0] - b[0]).map((c) => c[1]));
    await expect.poll(async () => (await cells()).length).toBeGreaterThan(12);
    const shown = await cells();
    expect(shown[0]).toBe(id);
    expect(shown.slice(1, 13).sort((a, b) => a - b)).toEqual([...neighbours].sort((a, b) => a - b));
    await page.screenshot({ path: path.join(RESULTS, 'images-similar.png'), animations: 'disabled' });
    await page.getByTestId('tab-map').click();
    await waitForMapFrame(page);
    await page.getByRole('button', { name: 'Close the inspector' }).click();
    await expect.poll(() => insp.count()).toBe(0);
    await page.evaluate(() => window.__byolMap!.handle!.resetCamera());
  });

  it('selects exactly the points inside a lasso, then restores the view after a reload', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    await page.evaluate(() => window.__byolMap!.handle!.resetCamera());
    const xy = await pagePositions();
    // An octagon around the middle of the first folder's points.
    let cx = 0, cy = 0, m = 0;
    for (let i = 0; i < sections.folder.length; i++) if (sections.folder[i] === 0) { cx += xy[i * 2]; cy += xy[i * 2 + 1]; m++; }
    cx = Math.round(cx / m); cy = Math.round(cy / m);
    const poly: number[] = [];
    for (let k = 0; k < 8; k++) poly.push(Math.round(cx + 70 * Math.cos((k * Math.PI) / 4)), Math.round(cy + 70 * Math.sin((k * Math.PI) / 4)));
    const expected = Array.from(pointsInPolygon(xy, poly), (i) => sections.ids[i]).sort((a, b) => a - b);
    expect(expected.length).toBeGreaterThan(20);
    await page.getByRole('radio', { name: 'Lasso' }).click();
    await page.mouse.move(poly[0], poly[1]);
    await page.mouse.down();
    for (let k = 1; k <= 8; k++) await page.mouse.move(poly[(k % 8) * 2], poly[(k % 8) * 2 + 1]);
    await page.mouse.up();
    await expect.poll(() => page.evaluate(() => window.__byolMap!.selectedIds().sort((a, b) => a - b))).toEqual(expected);
    expect(await page.getByTestId('selection-count').getAttribute('data-value')).toBe(String(expected.length));
    await page.getByRole('radio', { name: 'Orbit' }).click();
    await page.mouse.move(5, H - 5);
    await page.screenshot({ path: path.join(RESULTS, 'map-selection.png') });

    // `c` moves to the next colour mode; clusters do not exist yet, and the map says so.
    await page.getByTestId('map-view').focus();
    await page.keyboard.press('c');
    expect(await page.getByTestId('map-color-mode').inputValue()).toBe('cluster');
    expect(await page.getByTestId('map-note').textContent()).toMatch(/no clusters yet.*clustering/i);

    // The ? help lists the map's keys, including the app-level ones.
    await page.keyboard.press('?');
    const help = page.getByTestId('shortcuts-help');
    await help.waitFor();
    expect(await help.textContent()).toMatch(/Invert selection.*Next colour mode/s);
    await page.keyboard.press('Escape');
    await expect.poll(() => help.count()).toBe(0);

    await page.waitForTimeout(1200); // the debounced map.state.save
    await openMapTab(page, serve!.url);
    await waitForMapFrame(page);
    expect(await page.getByTestId('map-color-mode').inputValue()).toBe('cluster');
    await expect.poll(() => page.evaluate(() => window.__byolMap!.selectedIds().sort((a, b) => a - b))).toEqual(expected);

    // Rebuild from the UI: a progress bar, the streamed layouts refetched live, the selection kept by id.
    let fetches = 0;
    page.on('request', (r) => void (r.url().includes('/data/map') && fetches++));
    await page.getByTestId('map-rebuild').click();
    await page.getByTestId('map-build-progress').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(RESULTS, 'map-building.png') });
    await page.getByTestId('map-rebuild').waitFor({ timeout: 120_000 });
    expect(fetches).toBeGreaterThanOrEqual(2); // the PCA preview and the final layout at least
    expect(await page.getByTestId('map-panel').getAttribute('data-layout')).toBe('umap');
    expect(await page.evaluate(() => window.__byolMap!.selectedIds().sort((a, b) => a - b))).toEqual(expected);
  });
});
