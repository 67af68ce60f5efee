/** A reusable barrier for worker threads over shared memory: [arrived, generation]. */
export function createBarrier(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(8));
}

export function barrierWait(b: Int32Array, parties: number): void {
  if (parties <= 1) return;
  const gen = Atomics.load(b, 1);
  if (Atomics.add(b, 0, 1) === parties - 1) {
    Atomics.store(b, 0, 0);
    Atomics.add(b, 1, 1);
    Atomics.notify(b, 1);
  } else {
    while (Atomics.load(b, 1) === gen) Atomics.wait(b, 1, gen);
  }
}
