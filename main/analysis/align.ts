/**
 * Procrustes alignment of a new 3D layout onto the previous one (rotation, uniform scale and
 * translation fitted on the points both layouts share), so re-projecting does not make the
 * map jump. UMAP and PCA layouts have no preferred orientation or handedness, so a mirror
 * image is allowed by default.
 */
import { symmetricEigen } from './eigen';

export interface Alignment {
  /** The new layout, transformed (n × 3). */
  coords: Float32Array;
  /** Row-major 3 × 3: aligned = scale · R · (x − centerNew) + centerPrev. */
  rotation: Float64Array;
  scale: number;
  centerPrev: Float64Array;
  centerNew: Float64Array;
  /** Root-mean-square distance over the shared points after alignment. */
  rmsd: number;
}

export interface AlignOptions {
  allowReflection?: boolean;
  allowScale?: boolean;
}

/** Row pairs (prev row, new row) of the ids both layouts contain. */
export function sharedRows<T>(prevIds: ArrayLike<T>, newIds: ArrayLike<T>): { prev: Int32Array; next: Int32Array } {
  const at = new Map<T, number>();
  for (let i = 0; i < prevIds.length; i++) at.set(prevIds[i], i);
  const prev: number[] = [];
  const next: number[] = [];
  for (let j = 0; j < newIds.length; j++) {
    const i = at.get(newIds[j]);
    if (i !== undefined) {
      prev.push(i);
      next.push(j);
    }
  }
  return { prev: Int32Array.from(prev), next: Int32Array.from(next) };
}

export function alignToPrevious(prev: Float32Array, next: Float32Array, pairs?: { prev: Int32Array; next: Int32Array }, o: AlignOptions = {}): Alignment {
  const m = pairs ? pairs.prev.length : Math.min(prev.length, next.length) / 3;
  const pi = (t: number) => (pairs ? pairs.prev[t] : t);
  const ni = (t: number) => (pairs ? pairs.next[t] : t);
  const cp = new Float64Array(3);
  const cn = new Float64Array(3);
  for (let t = 0; t < m; t++)
    for (let d = 0; d < 3; d++) {
      cp[d] += prev[pi(t) * 3 + d] / m;
      cn[d] += next[ni(t) * 3 + d] / m;
    }
  // H = Σ a bᵀ over centred pairs (a: previous, b: new); the best R is U Vᵀ for H = U S Vᵀ.
  const h = new Float64Array(9);
  let normB = 0;
  for (let t = 0; t < m; t++) {
    for (let r = 0; r < 3; r++) {
      const a = prev[pi(t) * 3 + r] - cp[r];
      for (let c = 0; c < 3; c++) h[r * 3 + c] += a * (next[ni(t) * 3 + c] - cn[c]);
    }
    for (let c = 0; c < 3; c++) normB += (next[ni(t) * 3 + c] - cn[c]) ** 2;
  }
  const { u, s, v } = svd3(h);
  let det = 1;
  if (!(o.allowReflection ?? true)) {
    const r0 = mul3(u, transpose3(v));
    det = Math.sign(det3(r0)) || 1;
  }
  const dg = [1, 1, det];
  const rot = new Float64Array(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) rot[r * 3 + c] += u[r * 3 + k] * dg[k] * v[c * 3 + k];
  const scale = (o.allowScale ?? true) && normB > 0 ? (s[0] * dg[0] + s[1] * dg[1] + s[2] * dg[2]) / normB : 1;
  const n = next.length / 3;
  const coords = new Float32Array(next.length);
  for (let i = 0; i < n; i++) {
    const x = next[i * 3] - cn[0];
    const y = next[i * 3 + 1] - cn[1];
    const z = next[i * 3 + 2] - cn[2];
    for (let r = 0; r < 3; r++) coords[i * 3 + r] = scale * (rot[r * 3] * x + rot[r * 3 + 1] * y + rot[r * 3 + 2] * z) + cp[r];
  }
  let err = 0;
  for (let t = 0; t < m; t++) for (let d = 0; d < 3; d++) err += (coords[ni(t) * 3 + d] - prev[pi(t) * 3 + d]) ** 2;
  return { coords, rotation: rot, scale, centerPrev: cp, centerNew: cn, rmsd: m > 0 ? Math.sqrt(err / m) : 0 };
}

function transpose3(a: Float64Array): Float64Array {
  return Float64Array.from([a[0], a[3], a[6], a[1], a[4], a[7], a[2], a[5], a[8]]);
}

function mul3(a: Float64Array, b: Float64Array): Float64Array {
  const c = new Float64Array(9);
  for (let r = 0; r < 3; r++) for (let k = 0; k < 3; k++) for (let col = 0; col < 3; col++) c[r * 3 + col] += a[r * 3 + k] * b[k * 3 + col];
  return c;
}

function det3(a: Float64Array): number {
  return a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6]);
}

/** SVD of a 3 × 3 matrix via the eigenvectors of HᵀH; u and v hold singular vectors as columns. */
function svd3(h: Float64Array): { u: Float64Array; s: Float64Array; v: Float64Array } {
  const hth = mul3(transpose3(h), h);
  const { values, vectors } = symmetricEigen(hth, 3);
  const v = new Float64Array(9);
  const u = new Float64Array(9);
  const s = new Float64Array(3);
  for (let k = 0; k < 3; k++) {
    s[k] = Math.sqrt(Math.max(0, values[k]));
    for (let r = 0; r < 3; r++) v[r * 3 + k] = vectors[k * 3 + r];
  }
  for (let k = 0; k < 3; k++) {
    let norm = 0;
    for (let r = 0; r < 3; r++) {
      let acc = 0;
      for (let c = 0; c < 3; c++) acc += h[r * 3 + c] * v[c * 3 + k];
      u[r * 3 + k] = acc;
      norm += acc * acc;
    }
    norm = Math.sqrt(norm);
    if (norm > 1e-12 * (s[0] || 1)) for (let r = 0; r < 3; r++) u[r * 3 + k] /= norm;
    else if (k === 2) {
      // Points on a plane: the third direction is fixed by the first two.
      u[2] = u[3] * u[7] - u[6] * u[4];
      u[5] = u[6] * u[1] - u[0] * u[7];
      u[8] = u[0] * u[4] - u[3] * u[1];
    } else for (let r = 0; r < 3; r++) u[r * 3 + k] = r === k ? 1 : 0; // points on a line or one spot
  }
  return { u, s, v };
}
