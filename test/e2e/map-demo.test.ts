import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClassIndex, CATEGORY_HEX, countClasses, hexToRgb, type LegendEntry } from '../../renderer/map/colors';
import { makeClusters, tightened } from '../../renderer/map/demo-data';
import { pointsInPolygon, pointsInRect, projectToScreen } from '../../renderer/map/projection';
import { REPO_ROOT } from '../helpers/paths';
import { buildDemo, launchWithWebGL, serveDemo } from './map-harness';

// The demo page's synthetic map, regenerated here from the same seed to compute expectations.
const N = 20000, K = 8, SEED = 1;
const data = makeClusters(N, K, SEED);
const W = 1000, H = 700;
const BG = [0x0d, 0x0f, 0x14];
const PALETTE = CATEGORY_HEX.slice(0, K).map((h) => hexToRgb(h).map((c) => c * 255));

let browser: Browser | null = null;
let skipReason = '';
let server: { url: string; close: () => Promise<void> } | null = null;
let page: Page;

/** The page's camera → screen positions of every point, with the same maths as the component. */
async function screenPositions(): Promise<Float32Array> {
  const { vp, size } = await page.evaluate(() => ({ vp: Array.from(window.__map.handle!.viewProjection()), size: window.__map.handle!.size() }));
  expect(size).toEqual({ width: W, height: H });
  return projectToScreen(data.coords, vp, size.width, size.height);
}

/** Per-palette-colour pixel counts of the canvas, by nearest chromaticity, plus the non-background total. */
async function canvasColours(): Promise<{ lit: number; perClass: number[]; nearPalette: number }> {
  const png = await page.locator('[data-testid=map-canvas]').screenshot();
  const { data: px, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const perClass = new Array(K).fill(0);
  let lit = 0, nearPalette = 0;
  for (let o = 0; o < px.length; o += info.channels) {
    const r = px[o], g = px[o + 1], b = px[o + 2];
    if (Math.abs(r - BG[0]) + Math.abs(g - BG[1]) + Math.abs(b - BG[2]) < 40) continue;
    lit++;
    // Shading scales a colour, so compare directions (chromaticity), not raw RGB.
    const s = r + g + b;
    let best = -1, bestD = Infinity;
    PALETTE.forEach((p, k) => {
      const ps = p[0] + p[1] + p[2];
      const d = Math.abs(r / s - p[0] / ps) + Math.abs(g / s - p[1] / ps) + Math.abs(b / s - p[2] / ps);
      if (d < bestD) { bestD = d; best = k; }
    });
    if (bestD < 0.12) { nearPalette++; perClass[best]++; }
  }
  return { lit, perClass, nearPalette };
}

async function waitIdle(): Promise<void> {
  // Two animation frames: the requested render has run.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

beforeAll(async () => {
  const l = await launchWithWebGL();
  if (!l.browser) {
    skipReason = l.reason;
    console.log(`skipping the map browser test: ${skipReason}`);
    return;
  }
  browser = l.browser;
  console.log(`map e2e: WebGL renderer ${l.renderer}`);
  await buildDemo();
  server = await serveDemo();
  page = await browser.newPage({ viewport: { width: W, height: H } });
  page.on('pageerror', (e) => console.log('page error:', e.message));
  await page.goto(`${server.url}?n=${N}&k=${K}&seed=${SEED}&mode=cluster`);
  await page.waitForFunction(() => (window.__map?.handle?.scene()?.frames ?? 0) > 0, null, { timeout: 60_000 });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the embedding map in Chromium', () => {
  it('draws the points in their cluster colours, and only renders on change', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    await waitIdle();
    const c = await canvasColours();
    console.log(`lit pixels ${c.lit}, near a palette colour ${c.nearPalette}, per class ${c.perClass.join(' ')}`);
    expect(c.lit).toBeGreaterThan(W * H * 0.05);
    expect(c.nearPalette / c.lit).toBeGreaterThan(0.8);
    expect(c.perClass.filter((v) => v > 500).length).toBe(K);
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-results/map-demo.png') });
    const f0 = await page.evaluate(() => window.__map.handle!.scene()!.frames);
    await page.waitForTimeout(400);
    expect(await page.evaluate(() => window.__map.handle!.scene()!.frames)).toBe(f0);
  });

  it('shows the hovered point\'s thumbnail and opens it on click', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    const xy = await screenPositions();
    // An isolated point (no neighbour within 14 px on screen) so the pick is unambiguous.
    let target = -1;
    for (let i = 0; i < N && target < 0; i++) {
      const x = xy[i * 2], y = xy[i * 2 + 1];
      if (!(x > 260 && x < 760 && y > 90 && y < 640)) continue;
      let alone = true;
      for (let j = 0; j < N && alone; j++) if (j !== i && Math.hypot(xy[j * 2] - x, xy[j * 2 + 1] - y) < 14) alone = false;
      if (alone) target = i;
    }
    expect(target).toBeGreaterThanOrEqual(0);
    await page.mouse.move(xy[target * 2], xy[target * 2 + 1]);
    const card = page.locator('[data-testid=map-hover]');
    await card.waitFor({ timeout: 5000 });
    expect(Number(await card.getAttribute('data-index'))).toBe(target);
    expect(await page.evaluate(() => window.__map.hovered)).toBe(target);
    expect(await card.textContent()).toContain(`#${data.ids[target]}`);
    expect(await card.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await page.mouse.click(xy[target * 2], xy[target * 2 + 1]);
    await page.locator('[data-testid=demo-inspector]').waitFor({ timeout: 5000 });
    expect(await page.evaluate(() => window.__map.opened)).toBe(target);
    await page.mouse.move(5, H - 5);
    await expect.poll(() => page.evaluate(() => window.__map.hovered)).toBeNull();
    await page.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => page.evaluate(() => window.__map.handle!.size().width)).toBe(W); // the map took the space back
    await waitIdle();
  });

  it('selects exactly the points inside a lasso, Shift adds a second one, Alt + box subtracts', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    const xy = await screenPositions();
    const lasso = async (cluster: number, r: number, modifier?: 'Shift') => {
      // An octagon around the cluster's projected centroid, with integer vertices.
      let cx = 0, cy = 0, m = 0;
      for (let i = 0; i < N; i++) if (data.categories[i] === cluster) { cx += xy[i * 2]; cy += xy[i * 2 + 1]; m++; }
      cx = Math.round(cx / m); cy = Math.round(cy / m);
      const poly: number[] = [];
      for (let k = 0; k < 8; k++) poly.push(Math.round(cx + r * Math.cos((k * Math.PI) / 4)), Math.round(cy + r * Math.sin((k * Math.PI) / 4)));
      if (modifier) await page.keyboard.down(modifier);
      await page.mouse.move(poly[0], poly[1]);
      await page.mouse.down();
      for (let k = 1; k <= 8; k++) await page.mouse.move(poly[(k % 8) * 2], poly[(k % 8) * 2 + 1]);
      await page.mouse.up();
      if (modifier) await page.keyboard.up(modifier);
      return pointsInPolygon(xy, poly);
    };
    await page.getByRole('radio', { name: 'Lasso' }).click();
    const first = await lasso(3, 40);
    expect(first.length).toBeGreaterThan(100);
    // The lasso sits on one cluster, so nearly everything it holds belongs to it.
    expect(Array.from(first).filter((i) => data.categories[i] === 3).length / first.length).toBeGreaterThan(0.9);
    await expect.poll(() => page.evaluate(() => Array.from(window.__map.selected))).toEqual(Array.from(first));
    const second = await lasso(2, 30, 'Shift');
    const union = Array.from(new Set([...first, ...second])).sort((a, b) => a - b);
    expect(second.length).toBeGreaterThan(50);
    await expect.poll(() => page.evaluate(() => Array.from(window.__map.selected))).toEqual(union);
    expect(await page.getByTestId('map-selected-count').textContent()).toContain(union.length.toLocaleString('en-US'));
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-results/map-demo-selection.png') });
    // Alt + box subtracts: a box over the left half of the first lasso.
    await page.getByRole('radio', { name: 'Box' }).click();
    const fx = Array.from(first).map((i) => xy[i * 2]), fy = Array.from(first).map((i) => xy[i * 2 + 1]);
    const [bx0, by0] = [Math.round(Math.min(...fx)) - 2, Math.round(Math.min(...fy)) - 2];
    const [bx1, by1] = [Math.round((Math.min(...fx) + Math.max(...fx)) / 2), Math.round(Math.max(...fy)) + 2];
    await page.keyboard.down('Alt');
    await page.mouse.move(bx0, by0);
    await page.mouse.down();
    await page.mouse.move(bx1, by1, { steps: 4 });
    await page.mouse.up();
    await page.keyboard.up('Alt');
    const boxed = new Set(Array.from(pointsInRect(xy, bx0, by0, bx1, by1)));
    const remaining = union.filter((i) => !boxed.has(i));
    expect(remaining.length).toBeLessThan(union.length - 30);
    await expect.poll(() => page.evaluate(() => Array.from(window.__map.selected))).toEqual(remaining);
    await page.keyboard.press('Escape'); // back to the orbit tool (focus is on the Box button)
    await page.keyboard.press('Escape'); // clear the selection
    await expect.poll(() => page.evaluate(() => window.__map.selected.length)).toBe(0);
  });

  it('shows a legend with the right counts and hides a class when toggled', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    const stub = (k: number): LegendEntry[] => Array.from({ length: k }, () => ({ name: '', color: '#000000', count: 0, visible: true }));
    const expected = Array.from(countClasses(buildClassIndex({ mode: 'cluster', categories: data.categories, legend: stub(K) }, N), K));
    const rows = page.getByTestId('map-legend-row');
    expect(await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))))).toEqual(expected);
    await page.mouse.move(5, H - 5); // off the map: no hover card over the pixels we count
    await expect.poll(() => page.evaluate(() => window.__map.hovered)).toBeNull();
    await waitIdle();
    const before = await canvasColours();
    await rows.nth(0).click();
    await waitIdle();
    const after = await canvasColours();
    console.log(`class pixels before ${before.perClass.join(' ')}, after hiding class 0 ${after.perClass.join(' ')}`);
    expect(before.perClass[0]).toBeGreaterThan(1000);
    expect(after.perClass[0]).toBeLessThan(before.perClass[0] * 0.05);
    expect(after.perClass[2]).toBeGreaterThan(before.perClass[2] * 0.8);
    await rows.nth(0).click();
    await page.getByTestId('demo-mode').selectOption('confidence');
    const bins = Array.from(countClasses(buildClassIndex({ mode: 'confidence', values: data.values, legend: stub(5) }, N), 5));
    await expect.poll(() => rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))))).toEqual(bins);
    await page.getByTestId('demo-mode').selectOption('cluster');
  });

  it('flies in to show thumbnail sprites, and saves a PNG screenshot', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    await page.evaluate(() => window.__map.handle!.flyTo(5));
    await expect.poll(() => page.evaluate(() => window.__map.handle!.scene()!.sprites.drawn()), { timeout: 15_000 }).toBeGreaterThan(50);
    await waitIdle();
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-results/map-demo-sprites.png') });
    const png = await page.evaluate(async () => {
      const b = await window.__map.handle!.screenshot();
      return Array.from(new Uint8Array(await b.arrayBuffer()));
    });
    const meta = await sharp(Buffer.from(png)).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBeGreaterThanOrEqual(W);
    await page.evaluate(() => window.__map.handle!.resetCamera());
    expect(await page.evaluate(() => window.__map.handle!.scene()!.sprites.drawn())).toBeGreaterThanOrEqual(0);
  });

  it('orbits with the arrow keys, zooms with + and resets with R', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    type Cam = { position: number[]; target: number[] };
    const cam = () => page.evaluate(() => window.__map.handle!.scene()!.getCamera() as Cam);
    const dist = (c: Cam) => Math.hypot(...c.position.map((v, i) => v - c.target[i]));
    const home = await cam();
    await page.getByRole('radio', { name: 'Orbit' }).focus();
    await page.keyboard.press('ArrowLeft');
    const orbited = await cam();
    expect(orbited.position).not.toEqual(home.position);
    expect(dist(orbited)).toBeCloseTo(dist(home), 3);
    await page.keyboard.press('+');
    expect(dist(await cam())).toBeCloseTo(dist(home) * 0.8, 3);
    await page.keyboard.press('r');
    await expect.poll(async () => dist(await cam()), { timeout: 15_000 }).toBeCloseTo(dist(home), 3);
    (await cam()).position.forEach((v, i) => expect(v).toBeCloseTo(home.position[i], 3));
    // The debounced camera report reached the page (it may be the last animation frame before home: 2 digits).
    await expect.poll(() => page.evaluate(() => window.__map.camera?.position[0]), { timeout: 5000 }).toBeCloseTo(home.position[0], 2);
  });

  it('glides to a new layout of the same points, and picking follows it', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    const next = tightened(data, 0.55);
    await page.getByTestId('demo-relayout').click();
    await page.waitForTimeout(1200); // the 450 ms glide has ended
    const { vp, size } = await page.evaluate(() => ({ vp: Array.from(window.__map.handle!.viewProjection()), size: window.__map.handle!.size() }));
    const xy = projectToScreen(next, vp, size.width, size.height);
    const old = projectToScreen(data.coords, vp, size.width, size.height);
    // A point that moved far and is isolated at its new place: only the new layout can pick it.
    let target = -1;
    for (let i = 0; i < N && target < 0; i++) {
      const x = xy[i * 2], y = xy[i * 2 + 1];
      if (!(x > 260 && x < 740 && y > 90 && y < 620) || Math.hypot(x - old[i * 2], y - old[i * 2 + 1]) < 30) continue;
      let alone = true;
      for (let j = 0; j < N && alone; j++) if (j !== i && Math.hypot(xy[j * 2] - x, xy[j * 2 + 1] - y) < 10) alone = false;
      if (alone) target = i;
    }
    expect(target).toBeGreaterThanOrEqual(0);
    await page.mouse.move(xy[target * 2], xy[target * 2 + 1]);
    await expect.poll(() => page.evaluate(() => window.__map.hovered)).toBe(target);
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-results/map-demo-relayout.png') });
  });

  it('moves the camera along to each new layout while it is at home, and keeps a camera the user moved', async ({ skip }) => {
    if (!browser) return skip(skipReason);
    type Cam = { position: number[]; target: number[] };
    const cam = () => page.evaluate(() => window.__map.handle!.scene()!.getCamera() as Cam);
    const home = () => page.evaluate(() => window.__map.handle!.scene()!.home() as Cam);
    const close = (a: Cam, b: Cam) => [...a.position, ...a.target].every((v, i) => Math.abs(v - [...b.position, ...b.target][i]) < 1e-4);
    // The glide test left the tightened layout with the camera at its home; back to the wide one.
    const tightHome = await cam();
    expect(close(tightHome, await home())).toBe(true);
    await page.getByTestId('demo-relayout').click();
    await page.waitForTimeout(1200); // the glide and the camera's flight have ended
    const wideHome = await home();
    expect(close(wideHome, tightHome)).toBe(false); // the layouts differ in extent, so do their homes
    expect(close(await cam(), wideHome)).toBe(true);
    // An arrow key orbits: the camera is now the user's and stays through the next layout.
    await page.getByRole('radio', { name: 'Orbit' }).focus();
    await page.keyboard.press('ArrowLeft');
    const moved = await cam();
    await page.getByTestId('demo-relayout').click();
    await page.waitForTimeout(1200);
    expect(close(await cam(), moved)).toBe(true);
    expect(close(await cam(), await home())).toBe(false);
  });
});
