import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIFAR_DIR, REPO_ROOT, tempDir } from '../helpers/paths';
import { CHROMIUM, serveTestBlocker } from './map-harness';
import { updateReadmePicture } from './readme-picture';
import { startServe, type Serve } from './serve-process';

const RESULTS = path.join(REPO_ROOT, 'test-results');
const CLASSES = ['airplane', 'cat', 'ship'];
const PER_CLASS = 100;

const missing = serveTestBlocker();
if (missing) console.log(`skipping the serve-mode browser test: ${missing}`);

let tmp: { dir: string; cleanup: () => Promise<void> };
let serve: Serve | undefined;
let url: string;
let browser: Browser;

/** Waits until every grid cell in view shows its thumbnail. */
async function visibleThumbsLoaded(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const view = document.querySelector('[data-testid=thumb-grid]')!.getBoundingClientRect();
    const visible = [...document.querySelectorAll('.cell')].filter((c) => {
      const r = c.getBoundingClientRect();
      return r.bottom > view.top && r.top < view.bottom;
    });
    return visible.length > 0 && visible.every((c) => c.classList.contains('loaded'));
  });
}

async function shot(page: Page, name: string): Promise<string> {
  const file = path.join(RESULTS, `${name}.png`);
  // Finished, not mid-way through a dialog's fade-in.
  await page.screenshot({ path: file, animations: 'disabled' });
  return file;
}

describe.skipIf(missing !== null)('serve mode in a real browser', () => {
  let images = 0;

  beforeAll(async () => {
    tmp = await tempDir('byol-e2e-');
    const home = path.join(tmp.dir, 'home');
    const folder = path.join(home, 'Pictures', 'cifar-sample');
    await mkdir(path.join(home, 'Documents'), { recursive: true });
    for (const cls of CLASSES) {
      await mkdir(path.join(folder, cls), { recursive: true });
      const names = (await readdir(path.join(CIFAR_DIR, cls))).sort().slice(0, PER_CLASS);
      await Promise.all(names.map((n) => copyFile(path.join(CIFAR_DIR, cls, n), path.join(folder, cls, n))));
      images += names.length;
    }
    // One exact copy (a duplicate) and one file that is not an image (skipped).
    const first = (await readdir(path.join(folder, CLASSES[0]))).sort()[0];
    await copyFile(path.join(folder, CLASSES[0], first), path.join(folder, `copy-of-${first}`));
    images += 1;
    await writeFile(path.join(folder, 'broken.jpg'), Buffer.from('this is not a JPEG at all'));
    await mkdir(RESULTS, { recursive: true });
    serve = await startServe(null, { HOME: home, BYOL_DATA_DIR: path.join(tmp.dir, 'data') });
    url = serve.url;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    // A clean SIGTERM shutdown closes the project and exits 0.
    if (serve) expect(await serve.stop()).toBe(0);
    await tmp?.cleanup();
  });

  it('picks a folder on the server, ingests it with progress, and shows the thumbnail grid', async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url().replace(/token=[\w-]+/, 'token=…')}`));

    const res = await page.goto(url);
    expect(res?.status()).toBe(200);
    await page.getByTestId('welcome').waitFor();
    await page.getByRole('heading', { name: 'BYOL Explorer' }).waitFor();
    await shot(page, 'welcome');

    // A browser cannot tell where a dropped folder lives: the drop opens the picker and says why.
    const dataTransfer = await page.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['x'], 'holiday-photos'));
      return dt;
    });
    await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer });
    const picker = page.getByTestId('folder-picker');
    await picker.waitFor();
    expect(await picker.locator('.picker-hint').textContent()).toContain('holiday-photos');
    await page.keyboard.press('Escape');
    await picker.waitFor({ state: 'detached' });

    // Serve mode has no native dialog: "Open folder…" opens the picker at the (temp) home.
    await page.getByTestId('open-folder').click();
    await picker.waitFor();
    expect(await picker.locator('.picker-hint').count()).toBe(0);
    await picker.getByTestId('picker-entry').filter({ hasText: 'Pictures' }).waitFor();
    // A typed path that does not exist is reported, and the listing stays usable.
    await picker.getByLabel('Folder path').fill(path.join(tmp.dir, 'no-such-folder'));
    await picker.getByLabel('Folder path').press('Enter');
    await expect.poll(() => picker.locator('.picker-error').textContent()).toContain('not found');
    // `~` is the home folder, as in a shell.
    await picker.getByLabel('Folder path').fill('~');
    await picker.getByLabel('Folder path').press('Enter');
    await expect.poll(() => picker.getByLabel('Folder path').inputValue()).toBe(path.join(tmp.dir, 'home'));
    await picker.getByTestId('picker-entry').filter({ hasText: 'Pictures' }).click();
    await picker.getByTestId('picker-entry').filter({ hasText: 'cifar-sample' }).waitFor();
    // Keyboard: select cifar-sample and open it with Enter.
    await picker.getByRole('listbox').focus();
    await page.keyboard.press('c');
    await page.keyboard.press('Enter');
    for (const cls of CLASSES) await picker.getByTestId('picker-entry').filter({ hasText: cls }).waitFor();
    await expect.poll(() => picker.locator('.crumb button.current').textContent()).toBe('cifar-sample');
    await shot(page, 'picker');
    await picker.getByTestId('picker-use').click();
    // Best effort: a small folder may finish before the progress screen can be captured.
    await page
      .getByTestId('ingest-progress')
      .waitFor({ timeout: 3000 })
      .then(() => shot(page, 'ingest'))
      .catch(() => console.log('ingest finished before its screenshot could be taken'));

    // The progress screen shows at least one progress event before the project opens.
    await page.getByTestId('project-view').waitFor({ timeout: 90_000 });
    const shown = Number(await page.locator('.app').getAttribute('data-progress-shown'));
    expect(shown).toBeGreaterThan(0);

    await expect.poll(async () => Number(await page.getByTestId('count-images').getAttribute('data-value'))).toBe(images);
    expect(Number(await page.getByTestId('count-skipped').getAttribute('data-value'))).toBe(1);
    expect(Number(await page.getByTestId('count-duplicates').getAttribute('data-value'))).toBeGreaterThanOrEqual(1);
    await expect.poll(() => page.getByTestId('project-name').textContent()).toContain('cifar-sample');
    // The folder is shown relative to home, with the full path on hover.
    expect(await page.getByTestId('project-folder').textContent()).toBe('~/Pictures/cifar-sample');
    expect(await page.getByTestId('project-folder').getAttribute('title')).toBe(path.join(tmp.dir, 'home', 'Pictures', 'cifar-sample'));

    // Real thumbnails, decoded by the browser.
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.cell img')].filter((i) => i.complete && i.naturalWidth > 0).length >= 30, null, { timeout: 30_000 });
    // Virtualized: fewer cells exist than images.
    const grid = page.getByTestId('thumb-grid');
    const rendered = await page.locator('.cell').count();
    expect(rendered).toBeGreaterThan(0);
    expect(rendered).toBeLessThan(images);
    expect(Number(await grid.getAttribute('data-total'))).toBe(images);

    // Hover shows the path and the size.
    await page.locator('.cell.loaded').first().hover();
    await expect.poll(() => page.getByTestId('hover-info').textContent()).toMatch(/\.jpg.*32 × 32 px/);
    await page.mouse.move(5, 5);
    await visibleThumbsLoaded(page);
    for (const close of await page.locator('.toast button').all()) await close.click();
    await page.mouse.move(5, 5);
    await expect.poll(() => page.getByTestId('hover-info').textContent()).toContain('Hover a thumbnail');
    await updateReadmePicture(await shot(page, 'grid'), 'grid.png');

    // A click shows the large thumbnail; Esc closes it.
    const opened = Number(await page.locator('.cell.loaded').nth(3).getAttribute('data-index'));
    await page.locator('.cell.loaded').nth(3).click();
    const preview = page.getByTestId('preview');
    await preview.waitFor();
    await page.waitForFunction(() => (document.querySelector<HTMLImageElement>('[data-testid=preview] img')?.naturalWidth ?? 0) > 0);
    await shot(page, 'preview');
    // ← and → browse the grid's images in order.
    const title = () => preview.locator('h2').textContent();
    expect(await page.getByTestId('preview-pos').textContent()).toBe(`${opened + 1} of ${images}`);
    const fourth = await title();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('preview-pos').textContent()).toBe(`${opened + 2} of ${images}`);
    expect(await title()).not.toBe(fourth);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(title).toBe(fourth);
    await page.keyboard.press('Escape');
    await preview.waitFor({ state: 'detached' });

    // Keyboard: arrows move the focus between cells, Space selects, End goes to the last image.
    const focused = () => page.evaluate(() => Number(document.activeElement?.getAttribute('data-index')));
    await page.locator('button.cell[data-index="0"]').focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(focused).toBe(1);
    const cols = await page.evaluate(() => new Set([...document.querySelectorAll<HTMLElement>('button.cell')].map((c) => c.getBoundingClientRect().left)).size);
    await page.keyboard.press('ArrowDown');
    await expect.poll(focused).toBe(1 + cols);
    await page.keyboard.press(' ');
    await expect.poll(() => page.getByTestId('grid-selection').getAttribute('data-count')).toBe('1');
    expect(await page.getByTestId('preview').count()).toBe(0);
    // Enter opens the image in focus, even while selecting.
    await page.keyboard.press('Enter');
    await page.getByTestId('preview').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('preview').waitFor({ state: 'detached' });
    await expect.poll(focused).toBe(1 + cols);
    await page.keyboard.press('End');
    await expect.poll(focused).toBe(images - 1);
    await page.keyboard.press('Home');
    await expect.poll(focused).toBe(0);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('grid-selection').count()).toBe(0);

    // Scrolling to the end loads the last rows' thumbnails too.
    await grid.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await page.waitForFunction(
      (n) => [...document.querySelectorAll<HTMLElement>('.cell')].some((c) => Number(c.dataset.index) === n - 1 && (c.querySelector('img')?.naturalWidth ?? 0) > 0),
      images,
      { timeout: 20_000 },
    );

    // Skipped files panel lists the broken file with a reason.
    await page.getByTestId('skipped-toggle').click();
    const skipped = page.getByTestId('skipped-item');
    await skipped.first().waitFor();
    expect(await skipped.count()).toBe(1);
    expect(await skipped.first().textContent()).toContain('broken.jpg');
    await visibleThumbsLoaded(page);
    await shot(page, 'skipped');
    await page.keyboard.press('Escape');
    await page.getByTestId('skipped-panel').waitFor({ state: 'detached' });

    // ? shows the shortcuts, Esc closes them.
    await page.keyboard.press('?');
    await page.getByTestId('shortcuts-help').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcuts-help').waitFor({ state: 'detached' });

    expect(problems).toEqual([]);
    await page.close();
  });

  it('gives a wrong token no app: 401 for the page and the WebSocket', async () => {
    const page = await browser.newPage();
    const base = new URL(url);
    const res = await page.goto(`${base.origin}/?token=not-the-token`);
    expect(res?.status()).toBe(401);
    expect(await page.locator('#root').count()).toBe(0);
    expect(await page.textContent('body')).toContain('Unauthorized');
    const wsResult = await page.evaluate(
      (wsUrl) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(wsUrl);
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('refused');
        }),
      `ws://${base.host}/ws?token=not-the-token`,
    );
    expect(wsResult).toBe('refused');
    await page.close();
  });
});
