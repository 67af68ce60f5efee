// Fuzzes every request in the contract (new ones are picked up automatically from their zod
// schemas) through AppService.call and over the real WebSocket transport. Replay a failure
// with FUZZ_SEED=<seed>; FUZZ_DEBUG=1 prints slow and hung cases.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { requests, type Method } from '../../preload/contract';
import { UserError } from '../../main/api/errors';
import { AppService } from '../../main/api/service';
import { EventHub } from '../../main/serve/event-hub';
import { startServer, type RunningServer } from '../../main/serve/server';
import { ProjectStore } from '../../main/store/project-store';
import { describeParams, genCase, junkMethod, pick, rngFrom, type FieldSpec, type GenOptions, type Rng } from '../helpers/fuzz';
import { tempDir } from '../helpers/paths';

const DEBUG = Boolean(process.env.FUZZ_DEBUG);
const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
const DIRECT_CASES = 11_000;
const WS_CASES = 3_000;
const METHODS = Object.keys(requests) as Method[];
const FIELDS = Object.fromEntries(METHODS.map((m) => [m, describeParams(requests[m].params)])) as Record<Method, Record<string, FieldSpec>>;
/** Codes a well-formed request may still end in (absent folder, no project yet, a job running...). */
const HANDLER_CODES = new Set(['not_found', 'no_project', 'busy', 'failed', 'invalid_request']);

let sb = '';
let cleanup = async () => {};
let hub: EventHub;
let service: AppService;
let server: RunningServer;
let protoBefore: string[] = [];
const uncaught: unknown[] = [];
const onUncaught = (err: unknown): void => void uncaught.push(err);
let opts: GenOptions;
let projectDirs: string[] = [];
const onlyByMethod = {} as Record<Method, Record<string, readonly string[]>>;
/** Handler time spent on well-formed calls, per method: past VALID_BUDGET_MS a method gets only
 *  malformed cases, so heavy handlers (jobs, workers) cannot stretch the run as the contract grows. */
const spentMs = new Map<string, number>();
const VALID_BUDGET_MS = 250;

/** Everything the fuzzer may create or ingest lives in the sandbox; see GenOptions.only. */
beforeAll(async () => {
  ({ dir: sb, cleanup } = await tempDir('byol-fuzz-'));
  await mkdir(path.join(sb, 'images/sub'), { recursive: true });
  await mkdir(path.join(sb, 'empty'));
  await mkdir(path.join(sb, 'notproject/project.duckdb'), { recursive: true });
  for (let i = 0; i < 4; i++) {
    const png = await sharp({ create: { width: 16 + i, height: 12, channels: 3, background: { r: 40 * i, g: 90, b: 200 - 30 * i } } }).png().toBuffer();
    await writeFile(path.join(sb, i % 2 ? 'images/sub' : 'images', `img${i}.png`), png);
  }
  await writeFile(path.join(sb, 'images/broken.png'), 'not a png');
  await writeFile(path.join(sb, 'file.txt'), 'plain file');
  projectDirs = [`${sb}/projects/p0`, `${sb}/projects/../projects/p1`, `${sb}/projects/./p0/`, `${sb}//projects//ünï 2`];
  const badDirs = [`${sb}/file.txt/sub`, `${sb}/notproject`, `${sb}/projects/a\u0000b`, '/proc/byol-fuzz-absent/p', '/dev/null/p'];
  const folders = [`${sb}/images`, `${sb}/images/../images`, `${sb}/nope`, `${sb}/file.txt`, `${sb}/empty`, '/dev/null', `${sb}/images\u0000x`];
  opts = {
    paths: ['/', '/etc', '/proc/self', '/dev/null', sb, `${sb}/images`, `${sb}/../..`, `${sb}/file.txt`, 'relative/dir', '', '.'],
    huge: 2_000_000,
    validRate: 0.2,
  };
  const outPaths = [`${sb}/out/labels.csv`, `${sb}/out/../out/x y.json`, `${sb}/out/ünï`, `${sb}/file.txt/sub`, '/proc/byol-fuzz-absent/o', `${sb}/out/a\u0000b`];
  // Well-formed paths that a handler may write to stay in the sandbox: the fuzzer runs as
  // whatever user runs the tests (root, here). fs.list only reads, so its `dir` roams free.
  for (const m of METHODS) {
    const only: Record<string, readonly string[]> = {};
    for (const [key, f] of Object.entries(FIELDS[m])) {
      if (f.kind !== 'string' || (f.maxLen ?? 0) < 4096 || m === 'fs.list') continue;
      only[key] = key === 'folder' ? folders : key === 'dir' || key === 'projectDir' ? [...projectDirs, ...badDirs] : outPaths;
    }
    onlyByMethod[m] = only;
  }
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  protoBefore = Object.getOwnPropertyNames(Object.prototype).sort();
  hub = new EventHub();
  service = new AppService({ mode: 'serve', dataRoot: path.join(sb, 'data'), emit: hub.emit });
  // fs.list answers are read-only; its `dir` may be anything, absolute paths included.
  server = await startServer({ service, staticDir: path.join(sb, 'empty'), hub, token: 'fuzz-token-0123456789abcdefghijklmn' });
});

afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
  await server?.close();
  await service?.close();
  await cleanup();
});

interface Outcome {
  ok: boolean;
  result?: unknown;
  code?: string;
  message?: string;
  isUserError?: boolean;
}

/** Checks one answer against what the case demanded; returns a complaint or null. */
function judge(method: unknown, c: { invalid: boolean; junkMethod: boolean }, out: Outcome): string | null {
  const name = typeof method === 'string' ? method : String(method);
  if (!out.ok) {
    if (!out.message || out.message.length < 10) return `empty or vague message ${JSON.stringify(out.message)}`;
    if (out.isUserError === false) return `non-user error escaped: ${out.message}`;
  }
  if (c.junkMethod) {
    if (out.ok) return 'junk method accepted';
    if (typeof method !== 'string') return out.code === 'unknown_method' || out.code === 'invalid_request' ? null : `code ${out.code}`;
    return out.code === 'unknown_method' && out.message?.includes('Unknown request') ? null : `code ${out.code}: ${out.message}`;
  }
  if (c.invalid) {
    if (out.ok) return 'malformed payload accepted';
    return out.code === 'invalid_request' && out.message?.includes(`Invalid ${name} request`) ? null : `code ${out.code}: ${out.message?.slice(0, 200)}`;
  }
  if (out.ok) {
    const parsed = requests[method as Method].result.safeParse(out.result);
    return parsed.success ? null : `result breaks the contract: ${parsed.error.message.slice(0, 200)}`;
  }
  return HANDLER_CODES.has(out.code ?? '') ? null : `unexpected code ${out.code}: ${out.message}`;
}

function nextCase(rng: Rng, huge: number): { method: unknown; params: unknown; invalid: boolean; junkMethod: boolean; mutation: string } {
  if (rng() < 0.08) return { method: junkMethod(rng, METHODS), params: {}, invalid: true, junkMethod: true, mutation: 'junk method' };
  const method = pick(rng, METHODS);
  const validRate = (spentMs.get(method) ?? 0) > VALID_BUDGET_MS ? 0 : opts.validRate;
  return { method, ...genCase(rng, FIELDS[method], { ...opts, huge, validRate, only: onlyByMethod[method] }), junkMethod: false };
}

function checkPrototypes(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoBefore);
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted).toBeUndefined();
  expect(probe.isAdmin).toBeUndefined();
  expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
}

describe('fuzzing every contract request', () => {
  it(`rejects ${DIRECT_CASES} random and malformed payloads through AppService.call with clear errors`, async () => {
    const rng = rngFrom(SEED);
    const problems: string[] = [];
    const tally = { ok: 0, rejected: 0 };
    // Small concurrent bursts: a UI fires several requests at once, and races must not leak stores.
    for (let i = 0; i < DIRECT_CASES && problems.length < 20; i += 8) {
      const burst = Array.from({ length: Math.min(8, DIRECT_CASES - i) }, () => nextCase(rng, opts.huge));
      await Promise.all(
        burst.map(async (c, j) => {
          const t0 = Date.now();
          const timer = DEBUG ? setTimeout(() => console.log('SLOW', i + j, String(c.method).slice(0, 40), c.mutation, JSON.stringify(c.params)?.slice(0, 200)), 2000) : undefined;
          const out: Outcome = await answerWithin(service.call(c.method, c.params), 10_000).then(
            (result) => ({ ok: true, result }),
            (err: unknown) => ({ ok: false, code: (err as UserError).code, message: (err as Error).message, isUserError: err instanceof UserError }),
          );
          clearTimeout(timer);
          if (!c.invalid) spentMs.set(String(c.method), (spentMs.get(String(c.method)) ?? 0) + Date.now() - t0);
          if (DEBUG && Date.now() - t0 > 300) console.log('took', Date.now() - t0, String(c.method).slice(0, 40), c.mutation);
          tally[out.ok ? 'ok' : 'rejected']++;
          const bad = judge(c.method, c, out);
          if (bad) problems.push(`case ${i + j} ${String(c.method).slice(0, 40)} (${c.mutation}): ${bad}`);
        }),
      );
    }
    console.log(`direct fuzz: ${DIRECT_CASES} cases, ${tally.ok} answered, ${tally.rejected} rejected (seed ${SEED})`);
    expect(problems.slice(0, 20)).toEqual([]);
    expect(tally.rejected).toBeGreaterThan(DIRECT_CASES * 0.6);
    expect(uncaught).toEqual([]);
    checkPrototypes();
    // Still serving, and no store left open by a race: every project folder reopens after close.
    expect(await service.call('app.info', {})).toMatchObject({ mode: 'serve' });
    await service.close();
    for (const dir of new Set(projectDirs.map((d) => path.resolve(d)))) {
      const store = await ProjectStore.open(dir);
      expect((await store.info()).images).toBeGreaterThanOrEqual(0);
      await store.close();
    }
  });

  it(`answers ${WS_CASES} malformed frames over the real WebSocket transport and keeps serving`, async () => {
    const rng = rngFrom(SEED + 1);
    const ws = await connect();
    const pending = new Map<number, (o: Outcome) => void>();
    let nullIdAnswers = 0;
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { id?: number | null; result?: unknown; error?: { code: string; message: string }; event?: string };
      if (msg.event) return;
      if (msg.id === null || msg.id === undefined) {
        nullIdAnswers++;
        return;
      }
      pending.get(msg.id)?.(msg.error ? { ok: false, code: msg.error.code, message: msg.error.message } : { ok: true, result: msg.result });
      pending.delete(msg.id);
    });
    const problems: string[] = [];
    let rawSent = 0;
    const rawFrames: (string | Buffer)[] = ['{', 'null', '[]', '"app.info"', '{"id":"1","method":"app.info"}', '{"id":1.5,"method":"app.info"}', '{"id":1e400,"method":"app.info"}', Buffer.from([0, 1, 2]), `{"id":null,"method":"app.info","params":{}}`, '{"__proto__":{"polluted":1},"id":{}}'];
    for (let i = 0; i < WS_CASES; i += 100) {
      const waits: Promise<void>[] = [];
      for (let k = i; k < Math.min(i + 100, WS_CASES); k++) {
        if (rng() < 0.05) {
          const f = pick(rng, rawFrames);
          ws.send(f, { binary: Buffer.isBuffer(f) });
          rawSent++;
          continue;
        }
        const c = nextCase(rng, 200_000);
        const id = k + 1;
        const t0 = Date.now();
        waits.push(
          new Promise<Outcome>((resolve) => pending.set(id, resolve)).then((out) => {
            if (!c.invalid) spentMs.set(String(c.method), (spentMs.get(String(c.method)) ?? 0) + Date.now() - t0);
            const bad = judge(c.method, c, out);
            if (bad) problems.push(`ws case ${k} ${String(c.method).slice(0, 40)} (${c.mutation}): ${bad}`);
          }),
        );
        ws.send(JSON.stringify({ id, method: c.method, params: c.params }));
      }
      await Promise.all(waits);
    }
    expect(problems.slice(0, 20)).toEqual([]);
    // A frame without a usable id is still answered, with id null.
    await until(() => nullIdAnswers === rawSent);
    console.log(`websocket fuzz: ${WS_CASES} cases (${rawSent} raw malformed frames), all answered`);
    expect(uncaught).toEqual([]);
    checkPrototypes();
    // The same socket and a new one both still answer.
    expect(await rpc(ws, 'app.info')).toMatchObject({ mode: 'serve' });
    const fresh = await connect();
    expect(await rpc(fresh, 'job.list')).toHaveProperty('jobs');
    fresh.close();
    ws.close();
  });
});

/** A request that never settles is a bug too (a spinning mkdir once hung project.open). */
function answerWithin<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

function connect(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

let rpcId = 1e9;
function rpc(ws: WebSocket, method: string, params: unknown = {}): Promise<unknown> {
  const id = rpcId++;
  return new Promise((resolve, reject) => {
    const on = (data: WebSocket.RawData): void => {
      const msg = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
      if (msg.id !== id) return;
      ws.off('message', on);
      if (msg.error) reject(new Error(msg.error.message));
      else resolve(msg.result);
    };
    ws.on('message', on);
    ws.send(JSON.stringify({ id, method, params }));
  });
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond() && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
}
