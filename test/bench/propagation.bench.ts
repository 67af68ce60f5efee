/**
 * Few-shot propagation: top-1 and time of label spreading, logistic regression and the
 * weighted-kNN baseline, 10 labels per class, on seeded synthetic embeddings shaped like 10
 * classes (5k and 100k points). The kNN graph is exact (brute force) at 5k and comes from
 * main/analysis/knn.ts at 100k. Stored real embeddings are used when present.
 *   npx tsx test/bench/propagation.bench.ts
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { exactKnn, type KnnGraph } from '../../main/analysis/knn-exact';
import { syntheticEmbeddings } from '../../main/analysis/synthetic';
import { gatherRows } from '../../main/analysis/cluster/rows';
import { fewShotSplit, knnClassify } from '../../main/analysis/labels/knn-classify';
import { argmaxRows, predictProba, trainLogReg } from '../../main/analysis/labels/logreg';
import { spreadLabels } from '../../main/analysis/labels/spreading';
import { REPO_ROOT, SHARED_DIR } from '../helpers/paths';
import { median, printTable } from './table';

const SHOTS = 10;
const K = 15;
const DIM = 128;

type Row = Record<string, string | number>;

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Median wall and CPU seconds: the build machines are shared, so CPU time is the steadier figure. */
function timed<T>(fn: () => T, runs: number): { value: T; seconds: number; cpu: number } {
  const times: number[] = [];
  const cpus: number[] = [];
  let value!: T;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    const c = cpuSeconds();
    value = fn();
    times.push((performance.now() - t) / 1000);
    cpus.push(cpuSeconds() - c);
  }
  return { value, seconds: median(times), cpu: median(cpus) };
}

function evaluate(name: string, data: Float32Array, n: number, d: number, labels: string[], graph: KnnGraph, graphSeconds: number, runs: number): Row[] {
  const split = fewShotSplit(labels, SHOTS, 1);
  const classes = split.classes.length;
  const ytrain = Array.from(split.train, (i) => split.y[i]);
  const top1 = (pred: Int32Array) => {
    let ok = 0;
    for (const i of split.test) if (pred[i] === split.y[i]) ok++;
    return ok / split.test.length;
  };
  const seeds = new Int32Array(n).fill(-1);
  for (const i of split.train) seeds[i] = split.y[i];
  const knn = timed(() => knnClassify(data, n, d, split.train, ytrain, classes, { k: 20, temperature: 0.07 }), runs);
  const spread = timed(() => spreadLabels(graph, seeds, classes), runs);
  const logreg = timed(() => {
    const model = trainLogReg(gatherRows(data, d, split.train), split.train.length, d, ytrain, classes);
    return argmaxRows(predictProba(model, data, n), n, classes);
  }, runs);
  const base = top1(knn.value.predicted);
  const row = (method: string, acc: number, t: { seconds: number; cpu: number }, note: string): Row => ({
    data: name,
    n: String(n),
    method,
    'top-1': acc,
    'Δ top-1 vs kNN': acc - base,
    'wall (s)': t.seconds,
    'cpu (s)': t.cpu,
    'cpu / kNN': t.cpu / knn.cpu,
    runs: String(runs),
    note,
  });
  return [
    row('weighted kNN (k 20, T 0.07)', base, knn, 'baseline'),
    row('label spreading (α 0.99, heat)', top1(spread.value.predicted), spread, `${spread.value.iterations} iterations; graph ${graphSeconds.toFixed(2)} s wall, not included`),
    row('logistic regression (L-BFGS)', top1(logreg.value), logreg, 'train + predict all'),
  ];
}

function synthetic(n: number) {
  // Separation and noise chosen so the kNN baseline is well below 100% (like real few-shot).
  const s = syntheticEmbeddings({ n, dim: DIM, clusters: 10, seed: 7, outliers: 0, separation: 0.2, noiseShare: 0.5 });
  return { data: s.data, labels: Array.from(s.labels, (l) => `class${l}`) };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  {
    const { data, labels } = synthetic(5000);
    const g = timed(() => exactKnn(data, 5000, DIM, K), 1);
    rows.push(...evaluate('synthetic 10-class', data, 5000, DIM, labels, g.value, g.seconds, 3));
  }
  const knnModule = path.join(REPO_ROOT, 'main/analysis/knn.ts');
  if (existsSync(knnModule)) {
    const { knnGraph } = await import('../../main/analysis/knn');
    const { data, labels } = synthetic(100_000);
    const t = performance.now();
    // knnGraph may run on worker threads (async); await also accepts a plain result.
    const graph = await knnGraph(data, 100_000, DIM, { k: K, seed: 1 });
    rows.push(...evaluate('synthetic 10-class', data, 100_000, DIM, labels, graph, (performance.now() - t) / 1000, 1));
  } else console.log('skipping 100k: main/analysis/knn.ts is not there to build the graph');
  // Real embeddings: <name>.f32 (row-major float32) beside <name>.json { n, dim, labels }.
  const real = path.join(SHARED_DIR, 'embeddings/cifar10-train-5k');
  if (existsSync(`${real}.f32`) && existsSync(`${real}.json`)) {
    const meta = JSON.parse(readFileSync(`${real}.json`, 'utf8')) as { n: number; dim: number; labels: string[] };
    const buf = readFileSync(`${real}.f32`);
    const data = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + meta.n * meta.dim * 4));
    const g = timed(() => exactKnn(data, meta.n, meta.dim, K), 1);
    rows.push(...evaluate('cifar10-train-5k embeddings', data, meta.n, meta.dim, meta.labels, g.value, g.seconds, 3));
  } else console.log('skipping real embeddings: no stored embedding file under shared/embeddings (cifar10-train-5k.f32 + .json)');
  printTable(`Few-shot propagation, ${SHOTS} labels per class, kNN graph k=${K}`, rows);
}

await main();
