/**
 * A short requestAnimationFrame loop that calls step(t) with t from 0 to 1 over `ms` and then
 * stops: the map has no permanent render loop, only these bounded ones. Returns a cancel function.
 */
export function animate(ms: number, step: (t: number) => void, done?: () => void): () => void {
  const t0 = performance.now();
  let id = 0;
  const tick = (): void => {
    const t = ms > 0 ? Math.min(1, (performance.now() - t0) / ms) : 1;
    step(t);
    if (t < 1) id = requestAnimationFrame(tick);
    else done?.();
  };
  id = requestAnimationFrame(tick);
  return () => cancelAnimationFrame(id);
}
