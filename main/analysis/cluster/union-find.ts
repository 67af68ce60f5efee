/** Disjoint sets with path halving and union by size; used by HDBSCAN and duplicate groups. */
export class UnionFind {
  readonly parent: Int32Array;
  readonly size: Int32Array;
  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
    this.size = new Int32Array(n).fill(1);
  }
  find(x: number): number {
    const p = this.parent;
    while (p[x] !== x) {
      p[x] = p[p[x]];
      x = p[x];
    }
    return x;
  }
  /** Joins the sets of a and b; false when they were already one set. */
  union(a: number, b: number): boolean {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return false;
    if (this.size[ra] < this.size[rb]) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra] += this.size[rb];
    return true;
  }
  /** Sets with at least `minSize` members, each as ascending ids, ordered by their smallest id. */
  groups(minSize = 2): Int32Array[] {
    const n = this.parent.length;
    const byRoot = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const r = this.find(i);
      if (this.size[r] < minSize) continue;
      let g = byRoot.get(r);
      if (!g) byRoot.set(r, (g = []));
      g.push(i);
    }
    return [...byRoot.values()].map((g) => Int32Array.from(g));
  }
}
