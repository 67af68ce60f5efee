import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOptimizer } from '../../main/engine/recipe/optim';
import { Rng } from '../../main/engine/recipe/rng';
import { selectBackend } from '../../main/engine/trainer/backend';
import { ByolModel, NETWORK_NAMES } from '../../main/engine/trainer/byol-model';
import {
  checkpointPath, decodeCheckpoint, encodeCheckpoint, readCheckpoint, readCheckpointInfo, writeCheckpointAtomic, type CheckpointData,
} from '../../main/engine/trainer/checkpoint';
import { batchPlan } from '../../main/engine/trainer/train-loop';
import { tempDir } from '../helpers/paths';

const heads = { projector: { hidden: 16, out: 8 }, predictor: { hidden: 16, out: 8 } };

/** Bitwise equality of weight lists (toEqual on large typed arrays is very slow). */
const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
function expectSameWeights(a: { name: string; shape: number[]; data: Float32Array }[], b: typeof a): void {
  expect(a.map((w) => [w.name, w.shape])).toEqual(b.map((w) => [w.name, w.shape]));
  a.forEach((w, i) => expect(bytes(w.data).equals(bytes(b[i].data)), w.name).toBe(true));
}

function fakeState(model: ByolModel): CheckpointData {
  const rng = new Rng(9, 'augment');
  rng.normal(); // leaves a spare Box-Muller sample in the state
  return {
    config: { input: { preset: 'small', imageSize: 16, seed: 9 }, datasetSize: 40 },
    position: { epoch: 2, stepInEpoch: 1, globalStep: 11, totalSteps: 30 },
    rng: { augment: rng.getState(), monitor: new Rng(1).getState() },
    weights: model.getWeights(),
    optimizer: {
      kind: 'lars', step: 11,
      slots: { momentum: model.onlineTrainable.map((v, i) => ({ shape: [...v.shape], data: Float32Array.from({ length: v.size }, (_, j) => i + j * 1e-3) })) },
    },
    meta: { runId: 'run-0007', trainedMs: 1234, lastLoss: 3.5, images: 40 },
  };
}

describe('checkpoints', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let model: ByolModel;
  beforeAll(async () => {
    await selectBackend('wasm');
    tmp = await tempDir();
    model = new ByolModel({ preset: 'small', imageSize: 16, seed: 3, ...heads });
  });
  afterAll(async () => {
    model.dispose();
    await tmp.cleanup();
  });

  it('round-trips weights (BatchNorm statistics included), optimizer slots, RNG, position and config exactly', () => {
    const c = fakeState(model);
    const back = decodeCheckpoint(encodeCheckpoint(c));
    expect(back.position).toEqual(c.position);
    expect(back.rng).toEqual(c.rng);
    expect(back.config).toEqual(c.config);
    expect(back.meta).toEqual(c.meta);
    expect([back.optimizer.kind, back.optimizer.step]).toEqual([c.optimizer.kind, c.optimizer.step]);
    expectSameWeights(back.optimizer.slots.momentum.map((b, i) => ({ name: `m${i}`, ...b })), c.optimizer.slots.momentum.map((b, i) => ({ name: `m${i}`, ...b })));
    for (const k of NETWORK_NAMES) expectSameWeights(back.weights[k], c.weights[k]);
    expect(back.weights.encoder.some((w) => w.name.endsWith('movingVariance'))).toBe(true);
    // Restoring continues the exact random stream.
    const a = Rng.fromState(c.rng.augment);
    const b = Rng.fromState(back.rng.augment);
    expect([a.normal(), a.next()]).toEqual([b.normal(), b.next()]);
  });

  it('loads into fresh networks and optimizer', () => {
    const c = fakeState(model);
    const other = new ByolModel({ preset: 'small', imageSize: 16, seed: 99, ...heads });
    const opt = createOptimizer({ kind: 'lars', exclude: other.onlineExclude });
    try {
      expect(bytes(other.getWeights().encoder[0].data).equals(bytes(c.weights.encoder[0].data))).toBe(false);
      const back = decodeCheckpoint(encodeCheckpoint(c));
      other.setWeights(back.weights);
      opt.setState(back.optimizer);
      const got = other.getWeights();
      for (const k of NETWORK_NAMES) expectSameWeights(got[k], c.weights[k]);
      const st = opt.getState();
      expect(st.step).toBe(11);
      expectSameWeights(st.slots.momentum.map((b, i) => ({ name: `m${i}`, ...b })), c.optimizer.slots.momentum.map((b, i) => ({ name: `m${i}`, ...b })));
    } finally {
      other.dispose();
      opt.dispose();
    }
  });

  it('writes atomically into the project folder and reads the header alone', () => {
    const file = checkpointPath(tmp.dir);
    writeCheckpointAtomic(file, fakeState(model));
    writeCheckpointAtomic(file, { ...fakeState(model), position: { epoch: 3, stepInEpoch: 0, globalStep: 12, totalSteps: 30 } });
    expect(readdirSync(path.dirname(file))).toEqual([path.basename(file)]); // no temp files left
    expect(readCheckpoint(file)!.position.globalStep).toBe(12);
    expect(readCheckpointInfo(file)).toMatchObject({ position: { epoch: 3 }, meta: { runId: 'run-0007' } });
    expect(readCheckpoint(path.join(tmp.dir, 'none.ckpt'))).toBeNull();
  });

  it('rejects files that are not checkpoints, or are cut short, with a clear message', () => {
    const bad = path.join(tmp.dir, 'bad.ckpt');
    writeFileSync(bad, 'hello world, not a checkpoint');
    expect(() => readCheckpoint(bad)).toThrow(/not a BYOL Explorer checkpoint/);
    const full = encodeCheckpoint(fakeState(model));
    writeFileSync(bad, full.subarray(0, full.length - 4096));
    expect(() => readCheckpoint(bad)).toThrow(/truncated/);
    expect(readFileSync(checkpointPath(tmp.dir)).subarray(0, 8).toString()).toBe('BYOLCKPT');
  });
});

describe('batchPlan (the data order a resumed run replays)', () => {
  const flat = (it: Iterable<Int32Array>) => Array.from(it, (b) => Array.from(b));

  it('from any position yields exactly the tail of the full plan', () => {
    const n = 50;
    const full = flat(batchPlan(n, 8, 3, { epoch: 0, stepInEpoch: 0, globalStep: 0, totalSteps: 20 }));
    expect(full).toHaveLength(20);
    // 6 batches per epoch (the partial 7th is dropped); each epoch a permutation prefix.
    for (let e = 0; e < 3; e++) expect(new Set(full.slice(6 * e, 6 * e + 6).flat()).size).toBe(48);
    expect(full.slice(0, 6)).not.toEqual(full.slice(6, 12));
    for (const g of [1, 5, 6, 7, 13, 19]) {
      const tail = flat(batchPlan(n, 8, 3, { epoch: Math.floor(g / 6), stepInEpoch: g % 6, globalStep: g, totalSteps: 20 }));
      expect(tail).toEqual(full.slice(g));
    }
    expect(flat(batchPlan(n, 8, 4, { epoch: 0, stepInEpoch: 0, globalStep: 0, totalSteps: 6 }))).not.toEqual(full.slice(0, 6));
  });

  it('follows a schedule re-sized while it runs (a time budget re-fitted to the measured step time)', () => {
    const n = 50;
    const full = flat(batchPlan(n, 8, 3, { epoch: 0, stepInEpoch: 0, globalStep: 0, totalSteps: 20 }));
    const grow = { epoch: 0, stepInEpoch: 0, globalStep: 0, totalSteps: 5 };
    const it = batchPlan(n, 8, 3, grow);
    const got = [it.next().value, it.next().value].map((b) => Array.from(b as Int32Array));
    grow.totalSteps = 14;
    got.push(...flat({ [Symbol.iterator]: () => it }));
    expect(got).toEqual(full.slice(0, 14));
    const shrink = { epoch: 0, stepInEpoch: 0, globalStep: 0, totalSteps: 20 };
    const it2 = batchPlan(n, 8, 3, shrink);
    it2.next();
    shrink.totalSteps = 3;
    expect(flat({ [Symbol.iterator]: () => it2 })).toHaveLength(2);
  });
});
