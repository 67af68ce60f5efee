/**
 * The map job survives SIGKILL at seeded random points, 20 times: after each kill the project
 * reopens with its embeddings and labels, the kNN and map files are the earlier complete ones
 * or complete new ones (never torn), and a rebuild then finishes to a valid map.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKnn, loadMap } from '../../main/store/map-files';
import { ProjectStore } from '../../main/store/project-store';
import { runAndKill, type KillPlan } from '../helpers/crash-run';
import { rngFrom, type Rng } from '../helpers/fuzz';
import { REPO_ROOT, hasCifar } from '../helpers/paths';
import { pixelEmbeddings } from '../helpers/pixel-embeddings';
import { makeTinyProject, type TinyProject } from './train-fixture';

const CHILD = path.join(REPO_ROOT, 'test/integration/crash-map-child.ts');
const SEED = Number(process.env.CRASH_SEED ?? 6);
const KILLS = 20;
const IMAGES = 160;

type Aim = 'startup' | 'umap' | 'write-knn' | 'write-map' | 'anytime';

function plan(aim: Aim, rng: Rng, cleanMs: number): KillPlan {
  if (aim === 'startup') return { after: /^start$/, delayMs: Math.floor(rng() * 1500) };
  if (aim === 'umap') return { after: /UMAP epoch/, delayMs: Math.floor(rng() * 300) };
  if (aim === 'write-knn' || aim === 'write-map') return { after: /^hold /, delayMs: Math.floor(rng() * 100) };
  return { delayMs: Math.floor(rng() * cleanMs) };
}

const HOLD: Partial<Record<Aim, string>> = { 'write-knn': '^knn-.*\\.bin$', 'write-map': '^map\\.bin$' };

describe.skipIf(!hasCifar)('the map job survives SIGKILL at random points and rebuilds', () => {
  let tiny: TinyProject;
  let dataRoot: string;
  let mapsDir: string;
  let runId: string;
  let embIds: number[];
  let labelled: string;
  let cleanMs = 0;

  /** Everything a kill must leave intact: embeddings, labels, and a complete map and kNN graph. */
  async function checkProject(): Promise<void> {
    const store = await ProjectStore.open(tiny.project);
    try {
      const emb = (await store.getEmbeddings())!;
      expect(Array.from(emb.ids)).toEqual(embIds);
      expect(JSON.stringify(await store.labels.labels())).toBe(labelled);
    } finally {
      await store.close();
    }
    const names = readdirSync(mapsDir);
    const finals = names.filter((n) => !n.endsWith('.tmp')).sort();
    expect(finals).toEqual([`knn-${runId}.bin`, 'map.bin']);
    // At most one leftover temp per file: each write clears the ones before it.
    expect(names.length - finals.length).toBeLessThanOrEqual(2);
    const map = (await loadMap(tiny.project))!;
    expect(map.runId).toBe(runId);
    expect(Array.from(map.ids)).toEqual(embIds);
    expect(map.coords.length).toBe(3 * IMAGES);
    expect(map.coords.every(Number.isFinite)).toBe(true);
    const knn = (await loadKnn(tiny.project, runId))!;
    expect(Array.from(knn.ids)).toEqual(embIds);
    expect(knn.indices.length).toBe(IMAGES * knn.k);
    expect(knn.indices.every((i) => i >= 0 && i < IMAGES)).toBe(true);
    expect(knn.distances.every(Number.isFinite)).toBe(true);
  }

  beforeAll(async () => {
    tiny = await makeTinyProject({ perClass: IMAGES / 4 });
    dataRoot = path.join(tiny.root, 'data');
    mapsDir = path.join(tiny.project, 'maps');
    const store = await ProjectStore.open(tiny.project);
    try {
      await pixelEmbeddings(store, tiny.images);
      const emb = (await store.getEmbeddings())!;
      embIds = Array.from(emb.ids);
      runId = (await store.latestEmbeddingRunId())!;
      await store.labels.assignNames(embIds.slice(0, 8).map((imageId, i) => ({ imageId, label: i % 2 ? 'odd' : 'even' })), 'seed labels');
      labelled = JSON.stringify(await store.labels.labels());
    } finally {
      await store.close();
    }
    // A first, uninterrupted build: what every later kill must not lose; it also times a run.
    const first = await runAndKill([tiny.project, dataRoot], null, { script: CHILD });
    expect(first.killed).toBe(false);
    cleanMs = first.ms;
    await checkProject();
  }, 120_000);
  afterAll(() => tiny?.cleanup());

  it(`keeps the earlier map through ${KILLS} kills, then rebuilds a valid one`, async () => {
    if (!hasCifar) console.log('skipping: the shared CIFAR folder is absent');
    const rng = rngFrom(SEED);
    const aims: Aim[] = ['startup', 'umap', 'write-knn', 'anytime', 'write-map'];
    const landed: Record<string, number> = {};
    let kills = 0;
    let finished = 0;
    while (kills < KILLS) {
      const aim = aims[kills % aims.length];
      const before = readFileSync(path.join(mapsDir, 'map.bin'));
      const hold = HOLD[aim];
      const round = await runAndKill([tiny.project, dataRoot], plan(aim, rng, cleanMs), { script: CHILD, env: hold ? { CRASH_HOLD: hold } : undefined });
      await checkProject();
      if (round.killed && round.lastLine.startsWith('hold')) {
        // Killed between writing a temp file and renaming it: the published map is the old one.
        expect(readFileSync(path.join(mapsDir, 'map.bin')).equals(before)).toBe(true);
        expect(readdirSync(mapsDir).some((n) => n.endsWith('.tmp'))).toBe(true);
      }
      if (process.env.CRASH_VERBOSE) console.log(`round ${aim}: ${round.killed ? 'killed' : 'finished'} after ${Math.round(round.ms)} ms at "${round.lastLine}"`);
      if (round.killed) {
        kills++;
        const at = round.lastLine.split(' ').slice(0, 2).join(' ') || '(before start)';
        landed[at] = (landed[at] ?? 0) + 1;
      } else finished++;
    }
    console.log(`crash-map: ${KILLS} kills (last line seen before each: ${JSON.stringify(landed)}), ${finished} builds finished before their kill`);
    expect(Object.keys(landed).length).toBeGreaterThanOrEqual(3);

    // The rebuild finishes, publishes a valid map and clears every temp file.
    const rebuilt = await runAndKill([tiny.project, dataRoot], null, { script: CHILD });
    expect(rebuilt.killed).toBe(false);
    await checkProject();
    expect(readdirSync(mapsDir).sort()).toEqual([`knn-${runId}.bin`, 'map.bin']);
    expect(existsSync(path.join(mapsDir, 'map.bin'))).toBe(true);
  }, 400_000);
});
