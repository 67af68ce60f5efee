/**
 * k-means with k-means++ seeding and Lloyd iterations, seeded. Cosine mode L2-normalises the
 * rows first (spherical k-means up to the centroid norm). Above `dims` dimensions the search
 * runs on a PCA reduction, which keeps 100k × 512 inputs to a few seconds; the centroids
 * returned are still means of the (normalised) input rows.
 */
import { pca } from '../pca';
import { Rng } from '../rng';
import { gatherRows, normalizeRows, sampleIndices } from './rows';

export interface KMeansOptions {
  seed?: number;
  /** Upper bound on Lloyd iterations. */
  maxIter?: number;
  /** Stop when fewer than this fraction of points change cluster in an iteration. */
  tol?: number;
  /** Independent seedings; the run with the lowest inertia wins. */
  restarts?: number;
  /** Above twice this many rows, restarts compete on a seeded sample of this size. */
  sampleSize?: number;
  /** L2-normalise rows first (default true: embeddings compare by cosine). */
  cosine?: boolean;
  /** Cluster in a PCA reduction to this many dimensions when the input has more (0 = never). */
  dims?: number;
}

export interface KMeansResult {
  k: number;
  labels: Int32Array;
  /** k × d means of the input rows (normalised in cosine mode). */
  centroids: Float32Array;
  sizes: Int32Array;
  /** Sum of squared distances to the assigned centre, in the space that was clustered. */
  inertia: number;
  iterations: number;
}

/** The rows clustering works on: normalised and, above `dims`, PCA-reduced. */
export function prepareRows(data: Float32Array, n: number, d: number, o: KMeansOptions = {}): { x: Float32Array; dim: number; base: Float32Array } {
  const base = o.cosine === false ? data : normalizeRows(data, n, d);
  const dims = o.dims ?? 64;
  if (dims > 0 && d > dims && n > dims) return { x: pca(base, n, d, dims, { seed: o.seed ?? 0 }).coords, dim: dims, base };
  return { x: base, dim: d, base };
}

/** Squared norms of the k rows of c. */
function rowNorms(c: Float64Array | Float32Array, k: number, d: number): Float64Array {
  const out = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += c[a * d + j] * c[a * d + j];
    out[a] = s;
  }
  return out;
}

/** Squared distance from row i of x to row a of c. */
function sqDist(x: Float32Array, i: number, c: Float32Array | Float64Array, a: number, d: number): number {
  let s = 0;
  for (let j = 0, o = i * d, oc = a * d; j < d; j++) {
    const t = x[o + j] - c[oc + j];
    s += t * t;
  }
  return s;
}

/**
 * Greedy k-means++ (as scikit-learn): each step draws 2 + ln k candidates with probability ∝
 * squared distance to the nearest centre and keeps the one that lowers the total most. Plain
 * k-means++ often seeds two centres in one blob, which Lloyd cannot undo.
 */
function seedCentres(x: Float32Array, n: number, d: number, k: number, rng: Rng): Float64Array {
  const c = new Float64Array(k * d);
  const trials = 2 + Math.floor(Math.log(k));
  let best = new Float64Array(n);
  let cand = new Float64Array(n);
  let keep = new Float64Array(n);
  const first = rng.int(n);
  let total = 0;
  for (let i = 0; i < n; i++) total += best[i] = sqDist(x, i, x, first, d);
  for (let j = 0; j < d; j++) c[j] = x[first * d + j];
  for (let a = 1; a < k; a++) {
    let bestTotal = Infinity;
    let pick = 0;
    for (let t = 0; t < trials; t++) {
      let r = rng.next() * total;
      let p = total > 0 ? -1 : rng.int(n);
      for (let i = 0; i < n && p < 0; i++) if ((r -= best[i]) <= 0 && best[i] > 0) p = i;
      if (p < 0) p = n - 1;
      let s = 0;
      for (let i = 0; i < n; i++) s += cand[i] = Math.min(best[i], sqDist(x, i, x, p, d));
      if (s < bestTotal) {
        bestTotal = s;
        pick = p;
        [keep, cand] = [cand, keep];
      }
    }
    [best, keep] = [keep, best];
    total = bestTotal;
    for (let j = 0; j < d; j++) c[a * d + j] = x[pick * d + j];
  }
  return c;
}

type LloydOptions = Pick<KMeansOptions, 'seed' | 'maxIter' | 'tol' | 'restarts' | 'sampleSize'>;
type LloydResult = { labels: Int32Array; inertia: number; iterations: number; centres: Float64Array };

/**
 * Lloyd iterations on prepared rows, best of `restarts` seedings; the core of kmeans() and
 * chooseK(). On large inputs the restarts compete on a seeded sample and only the winner's
 * centres are refined on all rows, which keeps several seedings at the cost of about one.
 */
export function lloyd(x: Float32Array, n: number, d: number, k: number, o: LloydOptions = {}): LloydResult {
  const sampleSize = o.sampleSize ?? 20000;
  const restarts = Math.max(1, o.restarts ?? 3);
  const big = n > 2 * sampleSize;
  const xs = big ? gatherRows(x, d, sampleIndices(n, sampleSize, new Rng(o.seed ?? 0, 30))) : x;
  const ns = big ? sampleSize : n;
  let best: LloydResult | undefined;
  for (let r = 0; r < restarts; r++) {
    const run = lloydOnce(xs, ns, d, k, new Rng(o.seed ?? 0, 31 + r), o);
    if (!best || run.inertia < best.inertia) best = run;
  }
  return big ? lloydOnce(x, n, d, k, new Rng(o.seed ?? 0, 30), o, best!.centres) : best!;
}

function lloydOnce(x: Float32Array, n: number, d: number, k: number, rng: Rng, o: LloydOptions, init?: Float64Array): LloydResult {
  k = Math.max(1, Math.min(k, n));
  const c = init ? Float64Array.from(init) : seedCentres(x, n, d, k, rng);
  const labels = new Int32Array(n).fill(-1);
  const dist = new Float64Array(n);
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  const maxIter = o.maxIter ?? 30;
  const tol = o.tol ?? 1e-3;
  let inertia = 0;
  let it = 0;
  for (; it < maxIter; it++) {
    const cn = rowNorms(c, k, d);
    let changed = 0;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      const oi = i * d;
      let xn = 0;
      for (let j = 0; j < d; j++) xn += x[oi + j] * x[oi + j];
      let bestA = 0;
      let bestD = Infinity;
      for (let a = 0; a < k; a++) {
        let dot = 0;
        for (let j = 0, oc = a * d; j < d; j++) dot += x[oi + j] * c[oc + j];
        const dd = cn[a] - 2 * dot;
        if (dd < bestD) {
          bestD = dd;
          bestA = a;
        }
      }
      dist[i] = Math.max(0, bestD + xn);
      inertia += dist[i];
      if (labels[i] !== bestA) changed++;
      labels[i] = bestA;
    }
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const a = labels[i];
      counts[a]++;
      for (let j = 0, o2 = a * d, oi = i * d; j < d; j++) sums[o2 + j] += x[oi + j];
    }
    for (let a = 0; a < k; a++) {
      if (counts[a] > 0) {
        for (let j = 0; j < d; j++) c[a * d + j] = sums[a * d + j] / counts[a];
        continue;
      }
      // An empty cluster restarts at the point worst served by its centre.
      let far = 0;
      for (let i = 1; i < n; i++) if (dist[i] > dist[far]) far = i;
      for (let j = 0; j < d; j++) c[a * d + j] = x[far * d + j];
      dist[far] = 0;
      changed = n;
    }
    if (changed <= tol * n) {
      it++;
      break;
    }
  }
  return { labels, inertia, iterations: it, centres: c };
}

/** k-means of n × d rows into k clusters. */
export function kmeans(data: Float32Array, n: number, d: number, k: number, o: KMeansOptions = {}): KMeansResult {
  const { x, dim, base } = prepareRows(data, n, d, o);
  const r = lloyd(x, n, dim, k, o);
  k = Math.max(1, Math.min(k, n));
  const centroids = new Float32Array(k * d);
  const acc = new Float64Array(k * d);
  const sizes = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const a = r.labels[i];
    sizes[a]++;
    for (let j = 0; j < d; j++) acc[a * d + j] += base[i * d + j];
  }
  for (let a = 0; a < k; a++) for (let j = 0; j < d; j++) centroids[a * d + j] = sizes[a] ? acc[a * d + j] / sizes[a] : 0;
  return { k, labels: r.labels, centroids, sizes, inertia: r.inertia, iterations: r.iterations };
}
