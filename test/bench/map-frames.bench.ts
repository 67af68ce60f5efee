/**
 * Frame time of the embedding map against N in headless Chromium. The GL here is software
 * (SwiftShader), so the renderer string is printed with every row; a laptop GPU is far faster.
 * Per frame: orbit one step, draw synchronously, and read one pixel back so the GPU work is
 * finished inside the timed span. Also times a hover pick, and the lasso maths in Node.
 */
import { makeClusters } from '../../renderer/map/demo-data';
import { selectInShape } from '../../renderer/map/select-async';
import { buildDemo, launchWithWebGL, serveDemo } from '../e2e/map-harness';
import { median, printTable } from './table';

const SIZES = (process.env.MAP_BENCH_N ?? '100000,1000000').split(',').map(Number);
const FRAMES = Number(process.env.MAP_BENCH_FRAMES ?? 30);
const W = 1280, H = 800;

async function main(): Promise<void> {
  const l = await launchWithWebGL();
  if (!l.browser) {
    console.log(`skipping the map frame benchmark: ${l.reason}`);
    return;
  }
  await buildDemo();
  const server = await serveDemo();
  const rows: Record<string, string | number>[] = [];
  try {
    for (const n of SIZES) {
      const page = await l.browser.newPage({ viewport: { width: W, height: H } });
      const t0 = Date.now();
      await page.goto(`${server.url}?n=${n}&mode=cluster`);
      await page.waitForFunction(() => (window.__map?.handle?.scene()?.frames ?? 0) > 0, null, { timeout: 300_000, polling: 100 });
      const firstFrame = Date.now() - t0;
      // No await inside the loop: a queued rAF render would otherwise land inside the next timed span.
      const r = await page.evaluate((frames) => {
        const s = window.__map.handle!.scene()!;
        const gl = s.renderer.getContext();
        const px = new Uint8Array(4);
        const times: number[] = [];
        const picks: number[] = [];
        for (let f = 0; f < frames + 3; f++) {
          const c = s.getCamera();
          const [tx, , tz] = c.target;
          const ox = c.position[0] - tx, oz = c.position[2] - tz, a = 0.02;
          const t = performance.now();
          s.setCamera({ position: [tx + ox * Math.cos(a) - oz * Math.sin(a), c.position[1], tz + ox * Math.sin(a) + oz * Math.cos(a)], target: c.target });
          s.renderNow();
          gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
          if (f >= 3) times.push(performance.now() - t); // the first frames include shader compiles
          const tp = performance.now();
          s.pick(s.getSize().width / 2, s.getSize().height / 2);
          if (f >= 3) picks.push(performance.now() - tp);
        }
        return { times, picks, renderer: s.rendererName() };
      }, FRAMES);
      await page.close();

      // The lasso's O(n) step (chunked, yielding), the same code the component runs when a lasso closes.
      const d = makeClusters(n, 8, 1);
      const vp = [1.2, 0, 0, 0, 0, 1.9, 0, 0, 0, 0, -1, -1, 0, 0, 40, 45];
      const lasso: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        await selectInShape(d.coords, vp, W, H, { kind: 'polygon', points: [300, 200, 900, 150, 1000, 600, 500, 700, 250, 500] });
        lasso.push(performance.now() - t);
      }
      const ms = median(r.times);
      rows.push({
        points: n.toLocaleString('en-US'),
        'frame ms (median)': ms,
        fps: 1000 / ms,
        'frame ms (max)': Math.max(...r.times),
        'pick ms': median(r.picks),
        'first frame s': firstFrame / 1000,
        'lasso ms (node, ~all inside)': median(lasso),
        renderer: r.renderer.replace(/^ANGLE \(|\)$/g, ''),
      });
    }
  } finally {
    await l.browser.close();
    await server.close();
  }
  printTable(`Map frame time, ${W}x${H}, ${FRAMES} frames (no reference renderer exists here; 60 fps = 16.7 ms)`, rows);
}

await main();
