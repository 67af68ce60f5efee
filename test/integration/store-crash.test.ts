import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectStore } from '../../main/store/project-store';
import { REPO_ROOT, tempDir } from '../helpers/paths';

const CHILD = path.join(REPO_ROOT, 'test/integration/store-crash-child.ts');
const B = 2000;

/** Seeded delays, so a failing kill schedule can be replayed. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Reported {
  upsert: number;
  embed: number;
}

/** Runs the writer child and SIGKILLs it `killAfterMs` after it first reports a commit. */
function runAndKill(dir: string, killAfterMs: number): Promise<Reported> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, String(B)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const seen: Reported = { upsert: 0, embed: 0 };
    let stderr = '';
    let buf = '';
    let armed = false;
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const line of lines) {
        const [kind, k] = line.split(' ');
        if (kind === 'upsert' || kind === 'embed') seen[kind] = Number(k);
        if (!armed && kind !== undefined && kind in seen) {
          armed = true;
          setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(seen);
      else reject(new Error(`writer exited on its own (code ${code}): ${stderr}`));
    });
  });
}

describe('project store survives SIGKILL mid-write', () => {
  let dir = '';
  let cleanup = async () => {};
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('byol-store-crash-'));
  });
  afterAll(() => cleanup());

  it('reopens intact at a committed batch boundary after each of 4 kills', async () => {
    const rand = lcg(20261128);
    let lastBatches = 0;
    for (let round = 0; round < 4; round++) {
      const delay = Math.round(50 + rand() * 900);
      const reported = await runAndKill(dir, delay);
      // A WAL left behind shows the kill landed before DuckDB folded its log into the file.
      const walLeft = existsSync(path.join(dir, 'project.duckdb.wal'));

      const store = await ProjectStore.open(dir);
      try {
        const known = await store.knownFiles();
        const n = known.size;
        // No partial batch: the row count sits on a batch boundary.
        expect(n % B).toBe(0);
        const m = n / B;
        // Durability: everything the child saw committed is still there; the batch in flight
        // when killed may or may not have committed, nothing more.
        expect(m).toBeGreaterThanOrEqual(reported.upsert);
        expect(m).toBeLessThanOrEqual(reported.upsert + 1);
        expect(m).toBeGreaterThan(lastBatches);
        lastBatches = m;
        // Atomicity within one upsert: batch m was inserted together with the rewrite of m-1.
        const batchOf = (p: string) => Number(p.slice(1, 5));
        const perBatch = new Map<number, number>();
        for (const [p, f] of known) {
          const k = batchOf(p);
          perBatch.set(k, (perBatch.get(k) ?? 0) + 1);
          expect(f.bytes).toBe(k === m ? 0 : k + 1);
          expect(f.removed).toBe(false);
        }
        expect([...perBatch.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: m }, (_, i) => i + 1));
        for (const c of perBatch.values()) expect(c).toBe(B);
        // Ids are unique and dense.
        const ids = [...known.values()].map((f) => f.id).sort((a, b) => a - b);
        expect(ids[0]).toBe(1);
        expect(ids[ids.length - 1]).toBe(n);

        // Embeddings are replaced per run in one transaction: one whole generation is visible.
        const emb = await store.getEmbeddings();
        if (reported.embed > 0) expect(emb).not.toBeNull();
        if (emb) {
          const k = emb.data[0];
          expect(k % 2).toBe(0);
          expect(k).toBeGreaterThanOrEqual(reported.embed);
          expect(emb.dim).toBe(16);
          expect(emb.ids.length).toBe(k * B);
          expect(emb.data.every((v) => v === k)).toBe(true);
        }
        console.log(`round ${round}: killed ${delay} ms after first commit; reported upsert ${reported.upsert}, embed ${reported.embed}; reopened with ${m} batches, embeddings ${emb ? emb.data[0] : 'none'}; WAL left by the kill: ${walLeft}`);
      } finally {
        await store.close();
      }
    }
  });
});
