/** Small dense linear algebra for PCA: Gram–Schmidt and a symmetric Jacobi eigensolver. */

/** Orthonormalises the rows of Q (rows × len, float64) in place (modified Gram–Schmidt). */
export function orthonormalizeRows(q: Float64Array, rows: number, len: number): void {
  for (let r = 0; r < rows; r++) {
    const ro = r * len;
    for (let p = 0; p < r; p++) {
      const po = p * len;
      let dot = 0;
      for (let j = 0; j < len; j++) dot += q[ro + j] * q[po + j];
      for (let j = 0; j < len; j++) q[ro + j] -= dot * q[po + j];
    }
    let norm = 0;
    for (let j = 0; j < len; j++) norm += q[ro + j] * q[ro + j];
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < len; j++) q[ro + j] /= norm;
  }
}

/**
 * Eigen-decomposition of a symmetric l×l matrix by cyclic Jacobi rotations.
 * Returns eigenvalues descending and eigenvectors as rows (vectors[i*l..]).
 */
export function symmetricEigen(a: Float64Array, l: number): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(l * l);
  for (let i = 0; i < l; i++) v[i * l + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < l; p++) for (let q = p + 1; q < l; q++) off += m[p * l + q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < l; p++) {
      for (let q = p + 1; q < l; q++) {
        const apq = m[p * l + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q * l + q] - m[p * l + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < l; k++) {
          const mkp = m[k * l + p];
          const mkq = m[k * l + q];
          m[k * l + p] = c * mkp - s * mkq;
          m[k * l + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < l; k++) {
          const mpk = m[p * l + k];
          const mqk = m[q * l + k];
          m[p * l + k] = c * mpk - s * mqk;
          m[q * l + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < l; k++) {
          const vkp = v[k * l + p];
          const vkq = v[k * l + q];
          v[k * l + p] = c * vkp - s * vkq;
          v[k * l + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: l }, (_, i) => i).sort((x, y) => m[y * l + y] - m[x * l + x]);
  const values = new Float64Array(l);
  const vectors = new Float64Array(l * l);
  order.forEach((col, r) => {
    values[r] = m[col * l + col];
    for (let k = 0; k < l; k++) vectors[r * l + k] = v[k * l + col];
  });
  return { values, vectors };
}
