/** Seeded synthetic embedding maps: gaussian clusters in 3D, for the demo page, tests and benchmarks. */

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DemoData {
  coords: Float32Array;
  ids: Int32Array;
  categories: Int32Array;
  /** 0..1, high near a cluster's centre: a stand-in for confidence. */
  values: Float32Array;
  centers: Float32Array;
  k: number;
}

export function makeClusters(n: number, k = 8, seed = 1): DemoData {
  const rnd = mulberry32(seed);
  const gauss = (): number => {
    const u = Math.max(rnd(), 1e-12), v = rnd();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const centers = new Float32Array(k * 3);
  const spread = new Float32Array(k);
  for (let c = 0; c < k; c++) {
    // Centres on a rough shell so clusters stay apart and each is visible from the home view.
    const th = (2 * Math.PI * c) / k + rnd() * 0.4, ph = 0.6 + rnd() * 1.9, r = 11 + rnd() * 4;
    centers.set([r * Math.sin(ph) * Math.cos(th), r * Math.cos(ph), r * Math.sin(ph) * Math.sin(th)], c * 3);
    spread[c] = 0.7 + rnd() * 0.9;
  }
  const coords = new Float32Array(n * 3);
  const categories = new Int32Array(n);
  const values = new Float32Array(n);
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    // Unequal cluster sizes make the legend counts worth checking.
    const c = Math.min(k - 1, Math.floor(k * rnd() ** 1.3));
    const dx = gauss() * spread[c], dy = gauss() * spread[c], dz = gauss() * spread[c];
    coords[i * 3] = centers[c * 3] + dx;
    coords[i * 3 + 1] = centers[c * 3 + 1] + dy;
    coords[i * 3 + 2] = centers[c * 3 + 2] + dz;
    categories[i] = c;
    const d2 = dx * dx + dy * dy + dz * dz;
    values[i] = Math.exp(-d2 / (2 * (1.5 * spread[c]) ** 2));
    ids[i] = 1000 + i;
  }
  return { coords, ids, categories, values, centers, k };
}

/** Every point pulled toward its cluster centre by factor f: a stand-in for a re-projected layout. */
export function tightened(d: DemoData, f: number): Float32Array {
  const out = new Float32Array(d.coords.length);
  for (let i = 0; i < out.length; i++) {
    const c = d.categories[Math.floor(i / 3)] * 3 + (i % 3);
    out[i] = d.centers[c] + (d.coords[i] - d.centers[c]) * f;
  }
  return out;
}
