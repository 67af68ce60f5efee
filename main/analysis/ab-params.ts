/**
 * UMAP's output kernel 1 / (1 + a·d^(2b)) fitted to the target "1 inside min_dist, then
 * exp(−(d − min_dist)/spread)" by least squares, as umap-learn's find_ab_params does with
 * scipy's curve_fit (here: Gauss–Newton with step halving on 300 points over [0, 3·spread]).
 */
export function findAbParams(spread: number, minDist: number): { a: number; b: number } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < 300; i++) {
    const x = (i / 299) * spread * 3;
    xs.push(x);
    ys.push(x < minDist ? 1 : Math.exp(-(x - minDist) / spread));
  }
  const loss = (a: number, b: number) => {
    let l = 0;
    for (let i = 0; i < xs.length; i++) {
      const r = 1 / (1 + a * Math.pow(xs[i], 2 * b)) - ys[i];
      l += r * r;
    }
    return l;
  };
  let a = 1;
  let b = 1;
  let cur = loss(a, b);
  for (let it = 0; it < 200; it++) {
    // Normal equations of the 2-parameter problem.
    let jaa = 0, jab = 0, jbb = 0, ga = 0, gb = 0;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i];
      if (x === 0) continue;
      const p = Math.pow(x, 2 * b);
      const f = 1 / (1 + a * p);
      const r = f - ys[i];
      const da = -p * f * f;
      const db = -a * p * 2 * Math.log(x) * f * f;
      jaa += da * da; jab += da * db; jbb += db * db;
      ga += da * r; gb += db * r;
    }
    const det = jaa * jbb - jab * jab;
    if (Math.abs(det) < 1e-300) break;
    let sa = -(jbb * ga - jab * gb) / det;
    let sb = -(jaa * gb - jab * ga) / det;
    let improved = false;
    for (let h = 0; h < 30; h++) {
      const na = a + sa;
      const nb = b + sb;
      const l = na > 0 && nb > 0 ? loss(na, nb) : Infinity;
      if (l < cur) {
        a = na; b = nb;
        improved = cur - l > 1e-14;
        cur = l;
        break;
      }
      sa /= 2;
      sb /= 2;
    }
    if (!improved) break;
  }
  return { a, b };
}
