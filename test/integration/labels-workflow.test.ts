/**
 * Labels, propagation, clusters, duplicates and outliers on a real ingested folder: 60 CIFAR
 * images (6 per class) plus planted exact copies and a mirrored near-copy. Embeddings are
 * computed here from each image's pixels (8×8, mirror-symmetrised, centred), so the mirrored
 * copy lands on its original and the analysis has real structure to find, without training.
 */
import { cp, mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as analysis from '../../main/api/analysis-jobs';
import { trainClassifier } from '../../main/api/classifier';
import { exportLabels } from '../../main/api/label-export';
import { AppService } from '../../main/api/service';
import { ingestFolder } from '../../main/dataset/ingest';
import { ProjectStore } from '../../main/store/project-store';
import { requests, type JobFinished } from '../../preload/contract';
import { parseCsv } from '../../main/cli/csv';
import { CIFAR_DIR, hasCifar, tempDir } from '../helpers/paths';

if (!hasCifar) console.log('[skip] labels workflow: the shared CIFAR folder is missing beside the repository.');

const CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** 8×8 RGB averaged with its mirror image: a flipped copy gets the same vector. */
async function pixelFeature(file: string): Promise<Float32Array> {
  const px = await sharp(file).removeAlpha().resize(8, 8, { fit: 'fill' }).raw().toBuffer();
  const out = new Float32Array(192);
  for (let y = 0; y < 8; y++)
    for (let x = 0; x < 8; x++)
      for (let c = 0; c < 3; c++) out[(y * 8 + x) * 3 + c] = (px[(y * 8 + x) * 3 + c] + px[(y * 8 + (7 - x)) * 3 + c]) / 2;
  return out;
}

describe.skipIf(!hasCifar)('labels workflow on a real project', () => {
  let cleanup = async () => {};
  let store: ProjectStore;
  let images = '';
  let byPath = new Map<string, number>();
  let n = 0;

  beforeAll(async () => {
    let dir = '';
    ({ dir, cleanup } = await tempDir('byol-labels-'));
    images = path.join(dir, 'images');
    for (const c of CLASSES) {
      await mkdir(path.join(images, c), { recursive: true });
      for (const f of (await readdir(path.join(CIFAR_DIR, c))).sort().slice(0, 6)) await cp(path.join(CIFAR_DIR, c, f), path.join(images, c, f));
    }
    // Planted: two exact copies (same bytes, other names) and one mirrored near-copy.
    const first = async (c: string) => path.join(images, c, (await readdir(path.join(images, c))).sort()[0]);
    await mkdir(path.join(images, 'planted'));
    await cp(await first('cat'), path.join(images, 'planted/cat-copy.png'));
    await cp(await first('ship'), path.join(images, 'planted/ship-copy.png'));
    await sharp(await first('horse')).flop().png().toFile(path.join(images, 'planted/horse-mirror.png'));

    store = await ProjectStore.open(path.join(dir, 'project'));
    await ingestFolder({ folder: images, store });
    const index = await store.predictions.imageIndex();
    byPath = new Map(index.map((r) => [r.path, r.id]));
    n = index.length;
    const feats = await Promise.all(index.map((r) => pixelFeature(path.join(images, r.path))));
    const mean = new Float32Array(192);
    for (const f of feats) for (let j = 0; j < 192; j++) mean[j] += f[j] / n;
    const data = new Float32Array(n * 192);
    feats.forEach((f, i) => f.forEach((v, j) => (data[i * 192 + j] = v - mean[j])));
    const run = await store.createRun({ source: 'test pixels' }, 'test');
    await store.putEmbeddings(run, Int32Array.from(index, (r) => r.id), 192, data);
    await store.finishRun(run);
  }, 60_000);

  afterAll(async () => {
    await store?.close();
    await cleanup();
  });

  const id = (p: string) => byPath.get(p)!;
  const firstOf = (c: string) => [...byPath.keys()].filter((p) => p.startsWith(`${c}/`)).sort()[0];

  it('finds the planted exact copies by hash and the mirrored copy as a near duplicate; outliers are ranked', async () => {
    expect(n).toBe(63);
    const exact = (await analysis.exactDuplicates(store)).groups.map((g) => [...g.paths].sort());
    expect(exact).toEqual(expect.arrayContaining([[firstOf('cat'), 'planted/cat-copy.png'].sort(), ['planted/ship-copy.png', firstOf('ship')].sort()]));
    expect(exact).toHaveLength(2);

    const near = (await analysis.nearDuplicates(store, 0.999)).groups.map((g) => [...g.paths].sort());
    for (const pair of [[firstOf('horse'), 'planted/horse-mirror.png'], [firstOf('cat'), 'planted/cat-copy.png']]) {
      expect(near.some((g) => pair.every((p) => g.includes(p)))).toBe(true);
    }
    await store.predictions.setDuplicateMarks([id('planted/cat-copy.png')], 'remove');
    const marked = (await analysis.exactDuplicates(store)).groups.find((g) => g.paths.includes('planted/cat-copy.png'))!;
    expect(marked.marks[marked.paths.indexOf('planted/cat-copy.png')]).toBe('remove');

    const odd = await analysis.outliers(store, 5, 10);
    expect(odd.items).toHaveLength(10);
    for (let i = 1; i < 10; i++) expect(odd.items[i].score).toBeLessThanOrEqual(odd.items[i - 1].score);
  }, 30_000);

  it('propagates to every unlabelled image, accepts above a threshold (undoably), and suggests next', async () => {
    const seedRows = CLASSES.flatMap((c) => [...byPath.keys()].filter((p) => p.startsWith(`${c}/`)).sort().slice(0, 2).map((p) => ({ imageId: id(p), label: c })));
    await store.labels.assignNames(seedRows, 'seed labels');
    for (const method of ['logreg', 'spreading'] as const) {
      const r = await analysis.propagate(store, method);
      expect(r).toMatchObject({ method, labelled: 20, predicted: n - 20 });
      const preds = await store.predictions.list();
      expect(preds).toHaveLength(n - 20);
      const labelled = new Set(seedRows.map((s) => s.imageId));
      for (const p of preds) {
        expect(labelled.has(p.imageId)).toBe(false);
        expect(CLASSES).toContain(p.label);
        expect(p.confidence).toBeGreaterThan(0);
        expect(p.confidence).toBeLessThanOrEqual(1);
      }
    }
    const preds = await store.predictions.list();
    const conf = preds.map((p) => p.confidence).sort((a, b) => a - b);
    const threshold = conf[Math.floor(conf.length / 2)];
    const expected = preds.filter((p) => p.confidence >= threshold).length;
    expect(await analysis.acceptAbove(store, threshold)).toEqual({ accepted: expected });
    const accepted = (await store.labels.labels()).filter((l) => l.source === 'accepted');
    expect(accepted).toHaveLength(expected);
    for (const a of accepted) expect(a.confidence).toBeGreaterThanOrEqual(threshold);

    // Export rows: every image once; labelled ones keep their source, the rest are 'propagated'.
    const file = path.join(path.dirname(store.dir), 'labels.csv');
    expect(await exportLabels(store, 'csv', file)).toMatchObject({ rows: n });
    const rows = parseCsv(await readFile(file, 'utf8'));
    expect(rows[0].fields).toEqual(['path', 'label', 'source', 'confidence']);
    const bySource = (s: string) => rows.filter((r) => r.fields[2] === s).length;
    expect([bySource('human'), bySource('accepted'), bySource('propagated')]).toEqual([20, expected, n - 20 - expected]);
    const human = rows.find((r) => byPath.get(r.fields[0]) === seedRows[0].imageId)!;
    expect(human.fields.slice(1)).toEqual([seedRows[0].label, 'human', '']);
    await exportLabels(store, 'json', file + '.json');
    const json = JSON.parse(await readFile(file + '.json', 'utf8')) as { path: string; source: string; confidence: number | null }[];
    expect(json).toHaveLength(n);
    expect(json.filter((r) => r.source === 'propagated').every((r) => typeof r.confidence === 'number')).toBe(true);

    const undone = await store.labels.undo();
    expect(undone?.description).toMatch(/^Accept/);
    expect((await store.labels.labels()).filter((l) => l.source === 'accepted')).toHaveLength(0);

    const s = await analysis.suggest(store, 5);
    expect(new Set(s.items.map((i) => i.id)).size).toBe(5);
    for (const i of s.items) expect(seedRows.some((r) => r.imageId === i.id)).toBe(false);

    const head = await trainClassifier(store, false);
    expect(head.classes).toEqual(CLASSES);
    expect(head.trainedOn).toBe(20);
    expect(head.cvAccuracy).toBeGreaterThanOrEqual(0);
    expect(head.cvAccuracy).toBeLessThanOrEqual(1);
  }, 60_000);

  it('clusters through the API as a job (auto k with scores), lists counts, and naming labels the members', async () => {
    const events: JobFinished[] = [];
    const service = new AppService({ mode: 'serve', dataRoot: path.dirname(store.dir), emit: (e, p) => e === 'job.finished' && events.push(p as JobFinished) });
    // The service opens its own store on the folder, so hand ours over first.
    const dir = store.dir;
    await store.close();
    try {
      await service.openProject(dir);
      const { jobId } = (await service.call('cluster.run', { method: 'kmeans' })) as { jobId: string };
      while (!events.some((e) => e.jobId === jobId)) await new Promise((r) => setTimeout(r, 50));
      const done = events.find((e) => e.jobId === jobId)!;
      expect(done.status).toBe('ok');
      const summary = done.summary as analysis.ClusterRunResult;
      const chosen = (summary.scores.chooseK ?? []).find((s) => s.k === summary.k);
      expect(chosen?.silhouette).toBe(Math.max(...summary.scores.chooseK!.map((s) => s.silhouette)));
      const list = (await service.call('cluster.list', {})) as Awaited<ReturnType<typeof analysis.listClusters>>;
      expect(list.run?.id).toBe(summary.runId);
      expect(list.clusters.reduce((s, c) => s + c.count, 0)).toBe(n);
      const target = list.clusters[0];
      const named = (await service.call('cluster.name', { clusterId: target.cluster, name: 'Sky things' })) as { labelled: number };
      expect(named.labelled).toBe(target.count);
      const classes = (await service.call('label.classes', {})) as { classes: { name: string; count: number }[] };
      expect(classes.classes.find((k) => k.name === 'Sky things')?.count).toBe(target.count);
      expect(((await service.call('cluster.list', {})) as typeof list).clusters[0].name).toBe('Sky things');
      const undo = (await service.call('label.undo', {})) as { op: { description: string } };
      expect(undo.op.description).toMatch(/Name cluster/);

      const fixedK = (await service.call('cluster.run', { method: 'hdbscan' })) as { jobId: string };
      while (!events.some((e) => e.jobId === fixedK.jobId)) await new Promise((r) => setTimeout(r, 50));
      expect(events.find((e) => e.jobId === fixedK.jobId)!.status).toBe('ok');
      await expect(service.call('label.assign', { ids: [999999], classId: null })).rejects.toThrow(/not in this project/);
    } finally {
      await service.close();
      store = await ProjectStore.open(dir);
    }
  }, 60_000);

  it('reads the trained classifier back, and says when newer embeddings have replaced its own', async () => {
    const dir = store.dir;
    const status = async () => {
      const service = new AppService({ mode: 'serve', dataRoot: path.dirname(dir), emit: () => undefined });
      await store.close();
      try {
        await service.openProject(dir);
        return ((await service.call('classifier.status', {})) as { trained: { classes: string[]; trainedOn: number; current: boolean } | null }).trained;
      } finally {
        await service.close();
        store = await ProjectStore.open(dir);
      }
    };
    expect(await status()).toMatchObject({ classes: CLASSES, trainedOn: 20, current: true });
    const emb = (await store.getEmbeddings())!;
    const run = await store.createRun({ newer: true });
    await store.putEmbeddings(run, emb.ids, emb.dim, emb.data);
    expect(await status()).toMatchObject({ classes: CLASSES, current: false });
  }, 60_000);

  it('trains a head from 3 labelled images but does not claim an accuracy it could not cross-validate', async () => {
    const tmp = await tempDir('byol-few-labels-');
    const dir = path.join(tmp.dir, 'proj');
    const few = await ProjectStore.open(dir);
    try {
      await few.upsertImages(['a', 'b', 'c', 'd'].map((n, i) => ({ relPath: `${n}.png`, bytes: 1, mtimeMs: 1, width: 8, height: 8, hash: n + i })));
      const ids = [...(await few.knownFiles()).values()].map((f) => f.id);
      const run = await few.createRun({ few: true }, 'import');
      await few.putEmbeddings(run, ids, 2, Float32Array.from([1, 0, 0.9, 0.1, 0, 1, 0.1, 0.9]));
      await few.finishRun(run);
      const [x, y] = [await few.labels.createClass('x'), await few.labels.createClass('y')];
      await few.labels.assign(ids.slice(0, 2), x.id);
      await few.labels.assign(ids.slice(2, 3), y.id);
      expect((await trainClassifier(few, false)).cvAccuracy).toBeNull();
    } finally {
      await few.close();
    }
    const service = new AppService({ mode: 'serve', dataRoot: tmp.dir, emit: () => undefined });
    try {
      await service.openProject(dir);
      const answer = await service.call('classifier.status', {});
      expect(requests['classifier.status'].result.parse(answer)).toMatchObject({ trained: { classes: ['x', 'y'], cvAccuracy: null, trainedOn: 3 } });
    } finally {
      await service.close();
      await tmp.cleanup();
    }
  });
});
