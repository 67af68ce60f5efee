/**
 * The live map through the contract, as the app drives it: a tiny real training run with
 * liveMapEvery 2 stores interim embeddings after epoch 2 and re-projects them while it
 * trains; the final embeddings get the last map, aligned (Procrustes) to the one before.
 * The run is paused after epoch 2 so the interim state can be read before it moves on.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, EventPayload, JobFinished } from '../../preload/contract';
import { events } from '../../preload/contract';
import { alignToPrevious, sharedRows } from '../../main/analysis/align';
import { projectEmbeddings } from '../../main/analysis/project';
import { JobRunner } from '../../main/api/jobs';
import { MapBuilds, type MapBuildSummary } from '../../main/api/map-service';
import { AppService } from '../../main/api/service';
import type { EmbeddingsPayload } from '../../main/engine/trainer/protocol';
import { runTraining } from '../../main/engine/trainer/train-loop';
import { listProjectImages } from '../../main/engine/trainer/project-images';
import { loadKnn, loadMap, type StoredMap } from '../../main/store/map-files';
import { hasCifar } from '../helpers/paths';
import { makeTinyProject, type TinyProject, eventWaiters } from './train-fixture';

if (!hasCifar) console.log('[skip] train live map: the shared CIFAR folder is missing beside the repository.');

const CONFIG = { preset: 'small', imageSize: 16, batchSize: 16, epochs: 4, liveMapEvery: 2, optimizer: 'lars', seed: 7, backend: 'wasm', warmupEpochs: 0 } as const;

/** Fraction of each row's exact cosine neighbours that the stored graph also lists. */
function knnRecall(data: Float32Array, n: number, dim: number, k: number, indices: Int32Array): number {
  const norm = (i: number) => Math.hypot(...data.subarray(i * dim, (i + 1) * dim));
  const cos = (i: number, j: number) => {
    let s = 0;
    for (let d = 0; d < dim; d++) s += data[i * dim + d] * data[j * dim + d];
    return s / (norm(i) * norm(j));
  };
  let hit = 0;
  for (let i = 0; i < n; i++) {
    const exact = new Set([...Array(n).keys()].filter((j) => j !== i).sort((a, b) => cos(i, b) - cos(i, a)).slice(0, k));
    for (let t = 0; t < k; t++) if (exact.has(indices[i * k + t])) hit++;
  }
  return hit / (n * k);
}

/** The embedding rows in the order of `ids` (the map keeps the trainer's order, the store sorts by id). */
function rowsIn(e: { ids: Int32Array; dim: number; data: Float32Array }, ids: Int32Array): Float32Array {
  const at = new Map(Array.from(e.ids, (id, i) => [id, i]));
  const out = new Float32Array(ids.length * e.dim);
  ids.forEach((id, r) => out.set(e.data.subarray(at.get(id)! * e.dim, (at.get(id)! + 1) * e.dim), r * e.dim));
  return out;
}

function rmsOver(a: StoredMap, b: { ids: Int32Array; coords: Float32Array }): number {
  const p = sharedRows(a.ids, b.ids);
  let s = 0;
  for (let t = 0; t < p.prev.length; t++) for (let d = 0; d < 3; d++) s += (a.coords[p.prev[t] * 3 + d] - b.coords[p.next[t] * 3 + d]) ** 2;
  return Math.sqrt(s / p.prev.length);
}

describe.skipIf(!hasCifar)('live map during training', () => {
  let tiny: TinyProject;
  let service: AppService;
  const seen: { event: EventName; payload: unknown }[] = [];
  /** map.bin as it was at each final map.updated, read in the event itself (the next build may overwrite it). */
  const snapshots: { payload: EventPayload<'map.updated'>; dir: string }[] = [];
  const { waitFor, settle } = eventWaiters();
  let onProgress: ((p: EventPayload<'train.progress'>) => void) | null = null;

  beforeAll(async () => {
    tiny = await makeTinyProject({ perClass: 10 });
    service = new AppService({
      mode: 'serve',
      dataRoot: path.join(tiny.root, 'data'),
      emit: (event, payload) => {
        const check = events[event].safeParse(JSON.parse(JSON.stringify(payload)));
        if (!check.success) throw new Error(`${event} payload breaks the contract: ${check.error.message}`);
        seen.push({ event, payload });
        if (event === 'map.updated' && (payload as EventPayload<'map.updated'>).final) {
          const dir = path.join(tiny.root, `snap-${snapshots.length}`);
          mkdirSync(path.join(dir, 'maps'), { recursive: true });
          writeFileSync(path.join(dir, 'maps', 'map.bin'), readFileSync(path.join(tiny.project, 'maps', 'map.bin')));
          snapshots.push({ payload: payload as EventPayload<'map.updated'>, dir });
        }
        if (event === 'train.progress') onProgress?.(payload as EventPayload<'train.progress'>);
        settle(event, payload);
      },
    });
    await service.openProject(tiny.project);
  });
  afterAll(async () => {
    await service?.close();
    await tiny?.cleanup();
  });

  let runId = '';
  let finalEmb: { ids: Int32Array; dim: number; data: Float32Array } | null = null;

  it('stores interim embeddings, maps them while training, and aligns the final map to the previous one', async () => {
    const trainDone = waitFor<JobFinished>((e, p) => e === 'job.finished' && (p as JobFinished).kind === 'train');
    const paused = waitFor((e, p) => e === 'train.state' && (p as { state: string }).state === 'paused');
    const liveMap = waitFor<EventPayload<'map.updated'>>((e, p) => e === 'map.updated' && (p as EventPayload<'map.updated'>).trainEpoch !== undefined);
    // Pause right after epoch 2 (2 steps an epoch), so the interim state can be inspected.
    onProgress = (p) => {
      if (p.step >= 4) {
        onProgress = null;
        void service.call('train.pause', {});
      }
    };
    const t0 = performance.now();
    ({ runId } = (await service.call('train.start', { config: CONFIG })) as { jobId: string; runId: string });
    await paused;
    const live = await liveMap;
    expect(live).toMatchObject({ layout: 'umap', points: 40, final: true, trainEpoch: 2 });
    const store = service.currentStore!;

    // The interim embeddings are the run's stored embeddings, and the map was built from them.
    const interim = (await store.getEmbeddings(runId))!;
    expect(interim.ids.length).toBe(40);
    expect(interim.data.every(Number.isFinite)).toBe(true);
    const map2 = (await loadMap(tiny.project))!;
    expect(map2.runId).toBe(runId);
    expect(Array.from(map2.ids).sort((x, y) => x - y)).toEqual(Array.from(interim.ids));
    const knn2 = (await loadKnn(tiny.project, runId))!;
    expect(knnRecall(rowsIn(interim, knn2.ids), 40, interim.dim, knn2.k, knn2.indices)).toBeGreaterThan(0.9);
    expect(seen.some((s) => s.event === 'job.finished' && (s.payload as JobFinished).kind === 'train')).toBe(false); // all of this happened mid-run

    // The final embeddings get their own map once training ends.
    const finalMap = waitFor<JobFinished>((e, p) => e === 'job.finished' && (p as JobFinished).kind === 'map' && (p as { summary?: MapBuildSummary }).summary?.trainEpoch === null);
    await service.call('train.resume', {});
    const finished = await trainDone;
    expect(finished.status, finished.error).toBe('ok');
    expect(finished.summary).toMatchObject({ steps: 8, stopReason: 'completed' });
    const mapDone = await finalMap;
    console.log(`[live map] 4 epochs + interim and final maps: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    expect(mapDone.status, mapDone.error).toBe('ok');
    const summary = mapDone.summary as MapBuildSummary;

    finalEmb = (await store.getEmbeddings(runId))!;
    let diff = 0;
    for (let i = 0; i < finalEmb.data.length; i++) diff = Math.max(diff, Math.abs(finalEmb.data[i] - interim.data[i]));
    expect(diff).toBeGreaterThan(1e-4); // two more epochs moved them
    const final = (await loadMap(tiny.project))!;
    expect(final.runId).toBe(runId);
    const knnF = (await loadKnn(tiny.project, runId))!;
    expect(knnRecall(rowsIn(finalEmb, knnF.ids), 40, finalEmb.dim, knnF.k, knnF.indices)).toBeGreaterThan(0.9);

    // Events: the live layout came before training ended, the final one after its embeddings.
    const order = seen.map((s) => s.event === 'map.updated' ? `map:${(s.payload as EventPayload<'map.updated'>).trainEpoch ?? 'final'}` : s.event === 'job.finished' ? `done:${(s.payload as JobFinished).kind}` : '').filter(Boolean);
    expect(order.indexOf('map:2')).toBeLessThan(order.indexOf('done:train'));
    expect(order.at(-2)).toBe('map:final');
    expect(snapshots.at(-1)!.payload.trainEpoch).toBeUndefined();

    // Aligned: the stored final layout sits where Procrustes puts it against the previous map.
    const prev = (await loadMap(snapshots.at(-2)!.dir))!;
    expect(Array.from(prev.coords)).toEqual(Array.from(map2.coords));
    expect(summary.alignment).not.toBeNull();
    const a = summary.alignment!;
    expect(a.shared).toBe(40);
    const aligned = rmsOver(prev, final);
    expect(aligned).toBeCloseTo(a.rmsd, 3);
    expect(a.rmsd).toBeLessThan(a.unalignedRmsd);
    // Re-derive the raw layout (same seed, one thread, as the live build ran) and align it here.
    const raw = await projectEmbeddings(rowsIn(finalEmb, final.ids), 40, finalEmb.dim, { nNeighbors: 15, minDist: 0.1, seed: 42, threads: 1 });
    expect(rmsOver(prev, { ids: final.ids, coords: raw.coords })).toBeCloseTo(a.unalignedRmsd, 3);
    const again = alignToPrevious(prev.coords, raw.coords, sharedRows(prev.ids, final.ids));
    let worst = 0;
    for (let i = 0; i < again.coords.length; i++) worst = Math.max(worst, Math.abs(again.coords[i] - final.coords[i]));
    expect(worst).toBeLessThan(1e-3);
    expect(again.rmsd).toBeLessThan(rmsOver(prev, { ids: final.ids, coords: raw.coords }));
  }, 60_000);

  it('leaves training untouched: the same run without the live map ends with identical embeddings', async () => {
    expect(finalEmb).not.toBeNull();
    const store = service.currentStore!;
    const images = await listProjectImages(store);
    let plain: EmbeddingsPayload | null = null;
    const summary = await runTraining({
      job: { projectDir: tiny.project, images, config: { ...CONFIG, liveMapEvery: 0 }, resume: false, runId: null, embed: true },
      onEmbeddings: (e, at) => {
        expect(at.final).toBe(true); // no interim sets when the live map is off
        plain = e;
      },
    });
    expect(summary.steps).toBe(8);
    expect(plain).not.toBeNull();
    expect(Array.from(rowsIn(plain!, finalEmb!.ids))).toEqual(Array.from(finalEmb!.data));
  }, 30_000);

  it('runs one map build at a time and keeps only the newest waiting live build', async () => {
    const store = service.currentStore!;
    const emb = (await store.getEmbeddings(runId))!;
    const updates: number[] = [];
    const finished: JobFinished[] = [];
    let overlap = false;
    const jobs: JobRunner = new JobRunner({
      progress: () => (overlap ||= jobs.list().length > 1),
      finished: (f) => finished.push(f),
    });
    const builds = MapBuilds.for(jobs, (event, payload) => {
      if (event === 'map.updated') updates.push((payload as EventPayload<'map.updated'>).trainEpoch ?? -1);
    });
    expect(MapBuilds.for(jobs, () => undefined)).toBe(builds); // one queue per runner
    for (const trainEpoch of [1, 2, 3]) builds.requestLive(store, { ...emb, runId, trainEpoch });
    expect(() => builds.build(store, {})).toThrow(/already being built/);
    await builds.idle();
    expect(updates).toEqual([1, 3]); // epoch 2 was superseded while epoch 1 was projected
    expect(finished.map((f) => [f.status, (f.summary as MapBuildSummary).trainEpoch])).toEqual([['ok', 1], ['ok', 3]]);
    expect(overlap).toBe(false);
    expect((finished[1].summary as MapBuildSummary).alignment?.shared).toBe(40);
  }, 30_000);
});
