/** Limited-memory BFGS (Nocedal & Wright, alg. 7.4) with a backtracking Armijo line search. */

/** Returns the loss at x and writes its gradient into g. */
export type Objective = (x: Float64Array, g: Float64Array) => number;

export interface LbfgsOptions {
  maxIter?: number;
  /** History pairs kept. */
  memory?: number;
  /** Stop when the largest gradient entry falls below this. */
  gradTol?: number;
  /** Stop when the loss improves by less than this fraction. */
  lossTol?: number;
}

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** Minimises f from x (updated in place); returns the final loss and iterations used. */
export function lbfgs(f: Objective, x: Float64Array, o: LbfgsOptions = {}): { loss: number; iterations: number } {
  const m = o.memory ?? 10;
  const dim = x.length;
  const g = new Float64Array(dim);
  const gNew = new Float64Array(dim);
  const dir = new Float64Array(dim);
  const xNew = new Float64Array(dim);
  const sHist: Float64Array[] = [];
  const yHist: Float64Array[] = [];
  const rho: number[] = [];
  const alphaBuf = new Float64Array(m);
  let loss = f(x, g);
  let it = 0;
  for (; it < (o.maxIter ?? 200); it++) {
    let gmax = 0;
    for (let i = 0; i < dim; i++) gmax = Math.max(gmax, Math.abs(g[i]));
    if (gmax < (o.gradTol ?? 1e-6)) break;
    // Two-loop recursion: dir = −H g.
    for (let i = 0; i < dim; i++) dir[i] = -g[i];
    for (let h = sHist.length - 1; h >= 0; h--) {
      alphaBuf[h] = rho[h] * dot(sHist[h], dir);
      for (let i = 0; i < dim; i++) dir[i] -= alphaBuf[h] * yHist[h][i];
    }
    const last = sHist.length - 1;
    const gamma = last >= 0 ? dot(sHist[last], yHist[last]) / dot(yHist[last], yHist[last]) : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let i = 0; i < dim; i++) dir[i] *= gamma;
    for (let h = 0; h < sHist.length; h++) {
      const b = rho[h] * dot(yHist[h], dir);
      for (let i = 0; i < dim; i++) dir[i] += sHist[h][i] * (alphaBuf[h] - b);
    }
    let slope = dot(g, dir);
    if (slope >= 0) {
      // Not a descent direction (curvature went bad): restart from steepest descent.
      for (let i = 0; i < dim; i++) dir[i] = -g[i] * gamma;
      slope = dot(g, dir);
      sHist.length = yHist.length = rho.length = 0;
    }
    let step = 1;
    let lossNew = Infinity;
    for (let tries = 0; tries < 40; tries++, step *= 0.5) {
      for (let i = 0; i < dim; i++) xNew[i] = x[i] + step * dir[i];
      lossNew = f(xNew, gNew);
      if (lossNew <= loss + 1e-4 * step * slope) break;
    }
    if (!(lossNew < loss)) break;
    const sv = new Float64Array(dim);
    const yv = new Float64Array(dim);
    for (let i = 0; i < dim; i++) {
      sv[i] = xNew[i] - x[i];
      yv[i] = gNew[i] - g[i];
    }
    const sy = dot(sv, yv);
    if (sy > 1e-12) {
      if (sHist.length === m) {
        sHist.shift();
        yHist.shift();
        rho.shift();
      }
      sHist.push(sv);
      yHist.push(yv);
      rho.push(1 / sy);
    }
    const improved = (loss - lossNew) / Math.max(Math.abs(loss), 1e-12);
    x.set(xNew);
    g.set(gNew);
    loss = lossNew;
    if (improved < (o.lossTol ?? 1e-10)) {
      it++;
      break;
    }
  }
  return { loss, iterations: it };
}
