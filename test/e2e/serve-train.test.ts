/**
 * The Train tab end to end: a real 64-image CIFAR project (ingested by the CLI), served by
 * `main/serve`, trained from the browser on the trainable wasm backend with a tiny config.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIFAR_DIR, REPO_ROOT, tempDir } from '../helpers/paths';
import { CHROMIUM, serveTestBlocker } from './map-harness';
import { updateReadmePicture } from './readme-picture';
import { startServe, type Serve } from './serve-process';

const RESULTS = path.join(REPO_ROOT, 'test-results');
const CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse'];
const PER_CLASS = 8;

const missing = serveTestBlocker();
if (missing) console.log(`skipping the serve-mode training test: ${missing}`);

let tmp: { dir: string; cleanup: () => Promise<void> };
let serve: Serve | undefined;
let url: string;
let browser: Browser;

/** Number of vertices in the loss chart's drawn series. */
const lossVertices = (page: Page): Promise<number> =>
  page.evaluate(() => Math.max(0, ...[...document.querySelectorAll('[data-testid=loss-chart] path.series')].map((p) => (p.getAttribute('d') ?? '').split(/[ML]/).filter(Boolean).length)));

async function fill(page: Page, testId: string, value: string): Promise<void> {
  const input = page.getByTestId(testId);
  await input.fill(value);
  await input.blur();
}

describe.skipIf(missing !== null)('training from the browser (serve mode)', () => {
  beforeAll(async () => {
    tmp = await tempDir('byol-e2e-train-');
    // Under the (temp) home, as a user's folder would be: the header shows it as ~/Pictures/….
    const home = path.join(tmp.dir, 'home');
    const folder = path.join(home, 'Pictures', 'cifar-sample');
    for (const cls of CLASSES) {
      await mkdir(path.join(folder, cls), { recursive: true });
      const names = (await readdir(path.join(CIFAR_DIR, cls))).sort().slice(0, PER_CLASS);
      await Promise.all(names.map((n) => copyFile(path.join(CIFAR_DIR, cls, n), path.join(folder, cls, n))));
    }
    const project = path.join(home, 'Pictures', 'cifar-sample.byol');
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', 'ingest', folder, '--project', project], { cwd: REPO_ROOT, timeout: 120_000 });
    await mkdir(RESULTS, { recursive: true });
    serve = await startServe(project, { HOME: home, BYOL_DATA_DIR: path.join(home, 'data') });
    url = serve.url;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    // A clean SIGTERM shutdown closes the project and exits 0.
    if (serve) expect(await serve.stop()).toBe(0);
    await tmp?.cleanup();
  });

  it('starts a tiny wasm run, streams progress into the charts, and stops it', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));

    await page.goto(url);
    await page.getByTestId('project-view').waitFor();
    await expect.poll(async () => Number(await page.getByTestId('count-images').getAttribute('data-value'))).toBe(CLASSES.length * PER_CLASS);

    // Keyboard: G then T opens the Train tab; the help lists the tab and run keys.
    await page.keyboard.press('g');
    await page.keyboard.press('t');
    const panel = page.getByTestId('train-panel');
    await panel.waitFor();
    expect(await page.getByTestId('tab-train').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('?');
    const help = page.getByTestId('shortcuts-help');
    await help.waitFor();
    expect(await help.textContent()).toContain('Pause or resume');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    // Alt+1 goes back to the images, G then T returns.
    await page.keyboard.press('Alt+1');
    await page.getByTestId('thumb-grid').waitFor();
    await page.keyboard.press('g');
    await page.keyboard.press('t');
    await panel.waitFor();

    // A tiny config: the small CNN at 16 px, batch 16 (4 steps an epoch), at most two minutes, forced wasm.
    await page.getByTestId('train-preset').selectOption('quick-cpu');
    await fill(page, 'train-image-size', '16');
    await fill(page, 'train-batch', '16');
    await fill(page, 'train-epochs', '30');
    await fill(page, 'train-minutes', '2');
    await page.getByTestId('train-backend').selectOption('wasm');
    await page.getByTestId('train-optimizer').selectOption('adam');
    await fill(page, 'train-seed', '7');

    // The settings persist across a reload.
    await page.reload();
    await page.getByTestId('project-view').waitFor();
    await page.getByTestId('tab-train').click();
    await panel.waitFor();
    expect(await page.getByTestId('train-image-size').inputValue()).toBe('16');
    expect(await page.getByTestId('train-batch').inputValue()).toBe('16');
    expect(await page.getByTestId('train-backend').inputValue()).toBe('wasm');
    expect(await page.getByTestId('train-epochs').inputValue()).toBe('30');
    expect(await page.getByTestId('train-seed').inputValue()).toBe('7');

    await page.getByTestId('train-start').click();
    // The trainer announces its backend with the reasons the others were not used.
    await expect.poll(() => page.getByTestId('backend-badge').getAttribute('data-backend'), { timeout: 120_000 }).toBe('wasm');
    await page.getByTestId('backend-badge').hover();
    const reasons = page.getByTestId('backend-reasons');
    await reasons.waitFor();
    expect(await reasons.textContent()).toMatch(/tensorflow/i);

    // Progress events draw the loss line: several vertices, real numbers in the readouts.
    await expect.poll(() => lossVertices(page), { timeout: 150_000, interval: 250 }).toBeGreaterThanOrEqual(5);
    expect(Number(await page.getByTestId('loss-chart').getAttribute('data-points'))).toBeGreaterThanOrEqual(5);
    const loss = Number(await page.getByTestId('train-loss').textContent());
    expect(loss).toBeGreaterThanOrEqual(0);
    expect(loss).toBeLessThanOrEqual(8);
    expect(await page.getByTestId('train-step').textContent()).toMatch(/^\d+$/);
    expect(await page.getByTestId('train-speed').textContent()).toMatch(/img\/s/);

    // The README's picture: the run live, mid-way.
    await page.mouse.move(700, 40);
    const file = path.join(RESULTS, 'train.png');
    await page.screenshot({ path: file });
    await updateReadmePicture(file, 'train.png');

    // P pauses (the trainer confirms with its state), P again resumes.
    if ((await panel.getAttribute('data-phase')) === 'running') {
      await page.keyboard.press('p');
      await expect.poll(() => panel.getAttribute('data-phase'), { timeout: 60_000 }).toMatch(/^(paused|done)$/);
      if ((await panel.getAttribute('data-phase')) === 'paused') {
        await page.getByTestId('train-resume').waitFor();
        await page.keyboard.press('p');
        await expect.poll(() => panel.getAttribute('data-phase'), { timeout: 60_000 }).toMatch(/^(running|done)$/);
      }
    }

    // Stop (the X key) unless the run already finished; either way it ends and Start returns.
    if ((await panel.getAttribute('data-phase')) === 'running') await page.keyboard.press('x');
    await expect.poll(() => panel.getAttribute('data-phase'), { timeout: 120_000 }).toMatch(/^(stopped|done)$/);
    await page.getByTestId('train-start').waitFor();
    // The run's checkpoint is described; a run stopped early can be continued from it, a finished one cannot.
    const card = page.getByTestId('last-run');
    await card.waitFor();
    const stoppedEarly = (await panel.getAttribute('data-phase')) === 'stopped';
    if (stoppedEarly) expect(await card.getAttribute('data-resumable')).toBe('true');
    const resumable = (await card.getAttribute('data-resumable')) === 'true';
    await expect.poll(() => page.getByTestId('train-continue').count()).toBe(resumable ? 1 : 0);
    const steps = await card.getAttribute('data-steps');
    expect(Number(steps)).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('last-run-summary').textContent()).toMatch(/^\d+ of \d+ steps/);
    // It comes from the project, not from this page's memory: a reload shows the same run.
    await page.reload();
    await page.getByTestId('project-view').waitFor();
    await page.getByTestId('tab-train').click();
    await card.waitFor();
    expect(await card.getAttribute('data-steps')).toBe(steps);
    expect(await page.getByTestId('last-run-outcome').textContent()).toBe(!resumable ? 'Finished' : stoppedEarly ? 'Stopped early' : 'Time limit reached');
    await expect.poll(() => page.getByTestId('train-continue').count()).toBe(resumable ? 1 : 0);
    await page.mouse.move(700, 40);
    for (const close of await page.locator('.toast button').all()) await close.click();

    await page.screenshot({ path: path.join(RESULTS, 'train-stopped.png') });

    expect(problems).toEqual([]);
    await page.close();
  }, 300_000);
});
