/**
 * The label CLI end to end on a tiny real project (32 CIFAR images, a 2-step BYOL run):
 * `label --csv` (with a bad row), `propagate`, `export` and `eval --shots`, each with --json.
 * The exported TF.js and ONNX models, loaded in fresh processes, give the probabilities the
 * app computes from the stored head on the encoder's features (within 1e-4).
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifierProbs, loadHead } from '../../main/api/classifier';
import { queryByImage } from '../../main/api/query-image';
import sharp from 'sharp';
import { bmpFile } from '../helpers/messy-folder';
import { createEncoder } from '../../main/engine/model/resnet';
import { parseTrainConfig } from '../../main/engine/recipe/config';
import { selectBackend } from '../../main/engine/trainer/backend';
import { checkpointPath, readCheckpoint } from '../../main/engine/trainer/checkpoint';
import { readImagesNHWC } from '../../main/export/preprocessing';
import { ProjectStore } from '../../main/store/project-store';
import { hasCifar } from '../helpers/paths';
import { runCli } from '../helpers/run-cli';
import { maxAbsDiff, runChild } from './export-children';
import { makeTinyProject, type TinyProject } from './train-fixture';

if (!hasCifar) console.log('[skip] labels CLI: the shared CIFAR folder is missing beside the repository.');

describe.skipIf(!hasCifar)('label / propagate / export / eval --shots CLI', () => {
  let tiny: TinyProject;
  const files: string[] = [];

  beforeAll(async () => {
    tiny = await makeTinyProject({ perClass: 8 });
    const train = await runCli(['train', '--project', tiny.project, '--epochs', '1', '--image-size', '16', '--batch', '16', '--seed', '7', '--backend', 'wasm', '--json']);
    expect(train.code, train.stderr).toBe(0);
    // `info` describes the run the CLI just finished, from its checkpoint and the store.
    const info = await runCli(['info', '--project', tiny.project, '--json']);
    expect(info.json).toMatchObject({ lastRun: { steps: 2, totalSteps: 2, epochs: 1, preset: 'small', imageSize: 16, batchSize: 16, status: 'done', stopReason: 'completed', backend: 'wasm', resumable: false } });
    const text = await runCli(['info', '--project', tiny.project]);
    expect(text.stdout).toMatch(/Last training run: run-\d{4}, 2\/2 steps \(1\.00 epochs\)/);
    for (const c of ['airplane', 'automobile', 'frog', 'ship']) {
      const names = (await readdir(path.join(tiny.images, c))).sort();
      files.push(...names.slice(0, 2).map((f) => `${c}/${f}`));
    }
  }, 60_000);
  afterAll(async () => tiny?.cleanup());

  it('labels from CSV with per-row errors, propagates, exports a folder whose labels.json matches', async () => {
    const csv = ['path,label', ...files.map((f) => `${f},${f.split('/')[0] === 'automobile' ? '"car, road"' : f.split('/')[0]}`), 'nope/missing.png,ship', 'frog/0000.jpg'];
    await writeFile(path.join(tiny.root, 'labels.csv'), csv.join('\n'));
    const label = await runCli(['label', '--project', tiny.project, '--csv', path.join(tiny.root, 'labels.csv'), '--json']);
    expect(label.code, label.stderr).toBe(0);
    expect(label.json).toMatchObject({ labelled: 8, changed: 8, createdClasses: ['airplane', 'car, road', 'frog', 'ship'] });
    const errors = label.json!.errors as { line: number; path: string; error: string }[];
    expect(errors.map((e) => [e.line, e.path])).toEqual([[10, 'nope/missing.png'], [11, 'frog/0000.jpg']]);
    expect(errors[0].error).toMatch(/no image "nope\/missing.png"/);
    expect(label.stderr).toMatch(/labels\.csv:10: nope\/missing\.png/);

    const prop = await runCli(['propagate', '--project', tiny.project, '--method', 'logreg', '--json']);
    expect(prop.code, prop.stderr).toBe(0);
    expect(prop.json).toMatchObject({ method: 'logreg', labelled: 8, predicted: 24 });

    const out = path.join(tiny.root, 'export');
    const exp = await runCli(['export', '--project', tiny.project, '--out', out, '--labels-csv', path.join(tiny.root, 'rows.csv'), '--json']);
    expect(exp.code, exp.stderr).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['README.md', 'labels.json', 'model.onnx', 'preprocessing.json', 'tfjs']);
    expect((await readdir(path.join(out, 'tfjs'))).sort()).toEqual(['model.json', 'weights.bin']);
    expect(JSON.parse(await readFile(path.join(out, 'labels.json'), 'utf8'))).toEqual(exp.json!.classes);
    const store = await ProjectStore.open(tiny.project);
    try {
      expect(exp.json!.classes).toEqual((await store.labels.classes()).map((k) => k.name));
    } finally {
      await store.close();
    }
    const rows = (await readFile(path.join(tiny.root, 'rows.csv'), 'utf8')).trim().split('\n');
    expect(rows).toHaveLength(33);
    expect(rows.filter((r) => r.includes(',propagated,'))).toHaveLength(24);
    expect(rows).toContain(`${files[2]},"car, road",human,`);

    // The app's probabilities (stored head on the encoder's features) = the exported models'.
    const abs = files.map((f) => path.join(tiny.images, f));
    const [tfjsOut, onnxOut] = await Promise.all([runChild('export-tfjs-child.ts', out, abs), runChild('export-onnx-child.ts', out, abs)]);
    const s2 = await ProjectStore.open(tiny.project);
    const head = (await loadHead(s2))!;
    await s2.close();
    const ckpt = readCheckpoint(checkpointPath(tiny.project))!;
    const cfg = parseTrainConfig(ckpt.config.input);
    await selectBackend('cpu');
    const encoder = createEncoder(cfg.preset, { inputSize: cfg.imageSize, seed: cfg.seed });
    try {
      encoder.setWeights(ckpt.weights.encoder);
      const px = await readImagesNHWC(abs, cfg.imageSize);
      const feats = tf.tidy(() => {
        const x = tf.tensor4d(px, [abs.length, cfg.imageSize, cfg.imageSize, 3]).div(255).sub(cfg.augment.mean).div(cfg.augment.std);
        return (encoder.apply(x, { training: false }) as tf.Tensor).dataSync() as Float32Array;
      });
      const app = classifierProbs(head, feats, abs.length);
      expect(maxAbsDiff(app, tfjsOut.probs)).toBeLessThan(1e-4);
      expect(maxAbsDiff(app, onnxOut.probs)).toBeLessThan(1e-4);
    } finally {
      encoder.dispose();
    }
  }, 90_000);

  it('similar lists the images nearest to one, by the cosine of the stored embeddings', async () => {
    const query = files[0];
    const r = await runCli(['similar', '--project', tiny.project, '--image', path.join(tiny.images, query), '--count', '5', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const store = await ProjectStore.open(tiny.project);
    let expected: { path: string; s: number }[];
    try {
      const emb = (await store.getEmbeddings())!;
      const pathOf = new Map((await store.predictions.imageIndex()).map((x) => [x.id, x.path]));
      const row = (i: number) => emb.data.subarray(i * emb.dim, (i + 1) * emb.dim);
      const norm = (v: Float32Array) => Math.hypot(...v);
      const q = row(Array.from(emb.ids).findIndex((id) => pathOf.get(id) === query));
      expected = Array.from(emb.ids, (id, i) => ({ path: pathOf.get(id)!, s: row(i).reduce((t, v, j) => t + v * q[j], 0) / (norm(row(i)) * norm(q)) }))
        .filter((x) => x.path !== query)
        .sort((a, b) => b.s - a.s)
        .slice(0, 5);
    } finally {
      await store.close();
    }
    expect(r.json!.image).toMatchObject({ path: query });
    const items = r.json!.items as { path: string; similarity: number }[];
    expect(items.map((x) => x.path)).toEqual(expected.map((x) => x.path));
    items.forEach((x, i) => expect(x.similarity).toBeCloseTo(expected[i].s, 4));
    // The stored (relative) path works too; a path outside the project is a usage error.
    const text = await runCli(['similar', '--project', tiny.project, '--image', query, '--count', '2']);
    expect(text.stdout).toContain(`Most similar to ${query}`);
    expect(text.stdout).toContain(expected[1].path);
    const bad = await runCli(['similar', '--project', tiny.project, '--image', 'no/such.png']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/No image "no\/such.png" in this project .*and no such file to search by/);
    // A copy outside the project is embedded by the model: the original first, at similarity 1.
    const outside = path.join(tiny.root, `outside${path.extname(query)}`);
    await writeFile(outside, await readFile(path.join(tiny.images, query)));
    const byFile = await runCli(['similar', '--project', tiny.project, '--image', outside, '--count', '3', '--json']);
    expect(byFile.code, byFile.stderr).toBe(0);
    expect(byFile.json!.image).toEqual({ id: null, path: outside });
    const fileItems = byFile.json!.items as { path: string; similarity: number }[];
    expect(fileItems[0]).toMatchObject({ path: query, similarity: expect.closeTo(1, 4) as number });
    expect(fileItems.slice(1).map((x) => x.path)).toEqual(expected.slice(0, 2).map((x) => x.path));
    // The export above trained a classifier head, so its answer comes along.
    expect((byFile.json!.prediction as { classes: string[] }).classes).toHaveLength(4);
  }, 60_000);

  it('searches by an image from outside the project: its vector is the one embed stored, the prediction the stored head\'s', async () => {
    const query = files[4];
    const bytes = await readFile(path.join(tiny.images, query));
    const store = await ProjectStore.open(tiny.project);
    try {
      const r = await queryByImage(store, bytes, 5);
      const byPath = new Map((await store.predictions.imageIndex()).map((x) => [x.path, x.id]));
      // The same pixels through the same model: the file's own entry comes first, at similarity 1.
      expect(r.items[0].id).toBe(byPath.get(query));
      expect(r.items[0].similarity).toBeCloseTo(1, 5);
      const same = await store.similarImages(byPath.get(query)!, 5);
      expect(r.items.map((x) => x.id)).toEqual(same.items.map((x) => x.id));
      r.items.forEach((x, i) => expect(x.similarity).toBeCloseTo(same.items[i].similarity, 4));
      // The export trained a head: its probabilities for the stored features of that image.
      const head = (await loadHead(store))!;
      const emb = (await store.getEmbeddings())!;
      const row = Array.from(emb.ids).indexOf(byPath.get(query)!);
      const p = classifierProbs(head, emb.data.slice(row * emb.dim, (row + 1) * emb.dim), 1);
      expect(r.prediction!.classes.slice().sort()).toEqual(head.classes.slice().sort());
      r.prediction!.classes.forEach((c, i) => expect(r.prediction!.probs[i]).toBeCloseTo(p[head.classes.indexOf(c)], 4));
      expect(r.prediction!.probs).toEqual([...r.prediction!.probs].sort((a, b) => b - a));
      // A BMP goes through our own decoder; a file that is no image is refused with a reason.
      const { data: px, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const at = (x: number, y: number) => { const o = (y * info.width + x) * 3; return (px[o] << 16) | (px[o + 1] << 8) | px[o + 2]; };
      const fromBmp = await queryByImage(store, bmpFile({ width: info.width, height: info.height, bpp: 24, at }), 3);
      expect(fromBmp.items[0].id).toBe(byPath.get(query));
      expect(fromBmp.items[0].similarity).toBeCloseTo(1, 5);
      await expect(queryByImage(store, Buffer.from('not an image at all'), 5)).rejects.toThrow(/not an image BYOL Explorer can read/);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('eval --shots adds few-shot kNN, propagation and classifier top-1 to the eval JSON', async () => {
    const r = await runCli(['eval', '--project', tiny.project, '--shots', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ shots: 2, fewshot_tested: 24 });
    for (const key of ['knn_top1', 'knn_fewshot_top1', 'propagation_top1', 'classifier_top1']) {
      expect(r.json![key]).toBeGreaterThanOrEqual(0);
      expect(r.json![key]).toBeLessThanOrEqual(1);
    }
  }, 60_000);

  it('refuses to search by image when the stored embeddings come from another model than the checkpoint', async () => {
    const store = await ProjectStore.open(tiny.project);
    try {
      const emb = (await store.getEmbeddings())!;
      const other = await store.createRun({ imported: true }, 'import');
      await store.putEmbeddings(other, emb.ids, emb.dim, emb.data);
      await store.finishRun(other);
      const bytes = await readFile(path.join(tiny.images, files[0]));
      await expect(queryByImage(store, bytes, 3)).rejects.toThrow(new RegExp(`embeddings \\(${other}\\) come from another model than the latest checkpoint \\(run-\\d{4}\\): wait for that training run to finish`));
    } finally {
      await store.close();
    }
  });
});
