/**
 * Measuring UI responsiveness while jobs run: a PerformanceObserver records every
 * main-thread `longtask` in the page, a WebSocket wrapper records which server events
 * arrived when (to tell what a long task was handling), and a minimal contract client
 * starts jobs exactly as the UI's buttons do. Shared by the long-task test and the
 * 100k-image UI benchmark.
 */
import type { Browser, Page } from 'playwright-core';
import WebSocket from 'ws';

export interface LongTask { start: number; duration: number; name: string }

/** A time window in page time (performance.now()) in which one job ran on one tab. */
export interface JobWindow { phase: string; tab: string; from: number; to: number }

export interface WindowReport extends JobWindow { seconds: number; count: number; longest: number }

export interface ContractClient {
  call: (method: string, params: object) => Promise<Record<string, unknown>>;
  /** Resolves with a job's job.finished payload, even if it arrived before the call. */
  untilFinished: (jobId: string) => Promise<Record<string, unknown>>;
  close: () => void;
}

/** The contract's WebSocket URL for a serve page URL with its token. */
export function wsUrlOf(pageUrl: string): string {
  return pageUrl.replace(/^http/, 'ws').replace(/\/\?token=/, '/ws?token=');
}

export function contractClient(url: string): Promise<ContractClient> {
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

/** Must run before the page loads (an init script), so buffered entries from the start are kept. */
export async function installLongTaskProbe(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __longtasks: { start: number; duration: number; name: string }[]; __events: [number, string][] };
    w.__longtasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longtasks.push({ start: e.startTime, duration: e.duration, name: e.name });
    }).observe({ type: 'longtask', buffered: true });
    const ev: [number, string][] = [];
    w.__events = ev;
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
}

/** Opens the serve page with the probe installed and waits for the project; page errors are collected. */
export async function openProbedPage(browser: Browser, url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await installLongTaskProbe(page);
  await page.goto(url);
  await page.getByTestId('project-view').waitFor({ timeout: 60_000 });
  return { page, problems };
}

export function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

/**
 * Prints every task over limit/2 with the server events around it, and one line per
 * window; returns the per-window counts and longest task.
 */
export async function longTaskReport(page: Page, windows: JobWindow[], limitMs: number, log: (line: string) => void = console.log): Promise<WindowReport[]> {
  const tasks = await page.evaluate(() => (window as unknown as { __longtasks: LongTask[] }).__longtasks);
  const events = await page.evaluate(() => (window as unknown as { __events: [number, string][] }).__events);
  for (const t of tasks.filter((x) => x.duration > limitMs / 2)) {
    const around = events.filter(([at]) => at >= t.start - 300 && at <= t.start + t.duration).map(([at, name]) => `${name}@${Math.round(at - t.start)}`);
    const w = windows.find((x) => t.start + t.duration >= x.from && t.start <= x.to);
    log(`longtasks: ${t.duration.toFixed(0)} ms at ${t.start.toFixed(0)} (${w ? `${w.phase} on ${w.tab}` : 'outside the job windows'}); events around it: ${around.join(' ') || 'none'}`);
  }
  const rows = windows.map((w) => {
    const inside = tasks.filter((t) => t.start + t.duration >= w.from && t.start <= w.to);
    return { ...w, seconds: (w.to - w.from) / 1000, count: inside.length, longest: Math.max(0, ...inside.map((t) => t.duration)) };
  });
  for (const r of rows) log(`longtasks: ${r.phase} on the ${r.tab} tab, ${r.seconds.toFixed(1)} s: ${r.count} long tasks, longest ${r.longest.toFixed(0)} ms`);
  log(`longtasks: longest main-thread task over the whole run ${Math.max(0, ...tasks.map((t) => t.duration)).toFixed(0)} ms (${tasks.length} tasks ≥ 50 ms)`);
  return rows;
}
