/**
 * The classifier export survives SIGKILL at seeded random points, 20 times: after each kill
 * the project reopens with its checkpoint and classifier head, the export folder is either
 * the earlier complete export or a complete new one (or, only inside the swap, set aside
 * complete beside it), and a rerun publishes a complete export and clears every leftover.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointPath } from '../../main/engine/trainer/checkpoint';
import type { EmbeddingsPayload } from '../../main/engine/trainer/protocol';
import { listProjectImages } from '../../main/engine/trainer/project-images';
import { runTraining } from '../../main/engine/trainer/train-loop';
import { ProjectStore } from '../../main/store/project-store';
import { runAndKill, type KillPlan } from '../helpers/crash-run';
import { rngFrom, type Rng } from '../helpers/fuzz';
import { REPO_ROOT, hasCifar } from '../helpers/paths';
import { CRASH_TRAIN_CONFIG } from './crash-train-config';
import { makeTinyProject, type TinyProject } from './train-fixture';

const CHILD = path.join(REPO_ROOT, 'test/integration/crash-export-child.ts');
const SEED = Number(process.env.CRASH_SEED ?? 6);
const KILLS = 20;
const OUT = 'export-out';
const FILES = ['tfjs/model.json', 'tfjs/weights.bin', 'model.onnx', 'labels.json', 'preprocessing.json', 'README.md'];

type Aim = 'startup' | 'before-swap' | 'in-swap' | 'anytime';

function plan(aim: Aim, rng: Rng, cleanMs: number): KillPlan {
  if (aim === 'startup') return { after: /^start$/, delayMs: Math.floor(rng() * 1500) };
  if (aim === 'before-swap' || aim === 'in-swap') return { after: /^hold /, delayMs: Math.floor(rng() * 100) };
  return { delayMs: Math.floor(rng() * cleanMs) };
}

// Renames the child stalls before: moving the earlier export aside, and moving the new one in.
const HOLD: Partial<Record<Aim, string>> = { 'before-swap': `^${OUT}\\.old-`, 'in-swap': `^${OUT}$` };

const readAll = (dir: string) => new Map(FILES.map((f) => [f, readFileSync(path.join(dir, f))]));

describe.skipIf(!hasCifar)('the classifier export survives SIGKILL at random points and reruns', () => {
  let tiny: TinyProject;
  let out: string;
  let head: string;
  let ckpt: Buffer;
  let reference: Map<string, Buffer>;
  let cleanMs = 0;

  function expectComplete(dir: string): void {
    expect(readdirSync(dir).sort()).toEqual(['README.md', 'labels.json', 'model.onnx', 'preprocessing.json', 'tfjs']);
    for (const [f, bytes] of readAll(dir)) expect(bytes.equals(reference.get(f)!), `${dir}/${f}`).toBe(true);
  }

  beforeAll(async () => {
    tiny = await makeTinyProject({ perClass: 4 });
    out = path.join(tiny.root, OUT);
    const store = await ProjectStore.open(tiny.project);
    try {
      // One short training run, its embeddings stored as the app does, and a few labels.
      const images = await listProjectImages(store);
      let emb: EmbeddingsPayload | null = null;
      await runTraining({
        job: { projectDir: tiny.project, images, config: { ...CRASH_TRAIN_CONFIG, epochs: 1 }, resume: false, runId: null, embed: true },
        onEmbeddings: (e) => (emb = e),
      });
      const run = await store.createRun({ crashTest: true });
      await store.putEmbeddings(run, emb!.ids, emb!.dim, emb!.data);
      await store.finishRun(run);
      await store.labels.assignNames(images.filter((_, i) => i % 2 === 0).map((im) => ({ imageId: im.id, label: im.folder })), 'seed labels');
    } finally {
      await store.close();
    }
    // A first, uninterrupted export: the reference (it also trains and stores the head).
    const first = await runAndKill([tiny.project, out], null, { script: CHILD });
    expect(first.killed).toBe(false);
    cleanMs = first.ms;
    reference = readAll(out);
    const s = await ProjectStore.open(tiny.project);
    head = (await s.getMeta('classifier.head'))!;
    await s.close();
    expect(head).toBeTruthy();
    ckpt = readFileSync(checkpointPath(tiny.project));
  }, 120_000);
  afterAll(() => tiny?.cleanup());

  it(`keeps a complete export through ${KILLS} kills, then reruns to a complete one`, async () => {
    if (!hasCifar) console.log('skipping: the shared CIFAR folder is absent');
    const rng = rngFrom(SEED);
    const aims: Aim[] = ['startup', 'before-swap', 'anytime', 'in-swap'];
    const landed: Record<string, number> = {};
    let kills = 0;
    let finished = 0;
    let setAside = 0;
    while (kills < KILLS) {
      const aim = aims[kills % aims.length];
      const hold = HOLD[aim];
      const round = await runAndKill([tiny.project, out], plan(aim, rng, cleanMs), { script: CHILD, env: hold ? { CRASH_HOLD: hold } : undefined });
      const store = await ProjectStore.open(tiny.project);
      try {
        expect(await store.getMeta('classifier.head')).toBe(head);
      } finally {
        await store.close();
      }
      expect(readFileSync(checkpointPath(tiny.project)).equals(ckpt)).toBe(true);
      const siblings = readdirSync(tiny.root).filter((n) => n.startsWith(`${OUT}.`));
      const olds = siblings.filter((n) => n.startsWith(`${OUT}.old-`));
      expect(siblings.filter((n) => !n.startsWith(`${OUT}.old-`) && !n.startsWith(`${OUT}.tmp-`))).toEqual([]);
      expect(siblings.length - olds.length).toBeLessThanOrEqual(1);
      expect(olds.length).toBeLessThanOrEqual(1);
      if (existsSync(out)) expectComplete(out);
      else {
        // Killed inside the swap: the earlier export waits, complete, to be put back.
        expect(olds).toHaveLength(1);
        expectComplete(path.join(tiny.root, olds[0]));
        setAside++;
      }
      if (process.env.CRASH_VERBOSE) console.log(`round ${aim}: ${round.killed ? 'killed' : 'finished'} after ${Math.round(round.ms)} ms at "${round.lastLine}"`);
      if (round.killed) {
        kills++;
        const at = round.lastLine.split(' ')[0] || '(before start)';
        landed[at] = (landed[at] ?? 0) + 1;
      } else finished++;
    }
    console.log(`crash-export: ${KILLS} kills (last line seen before each: ${JSON.stringify(landed)}), ${setAside} inside the swap, ${finished} exports finished before their kill`);
    expect(Object.keys(landed).length).toBeGreaterThanOrEqual(2);

    const rerun = await runAndKill([tiny.project, out], null, { script: CHILD });
    expect(rerun.killed).toBe(false);
    expectComplete(out);
    expect(readdirSync(tiny.root).filter((n) => n.startsWith(`${OUT}.`))).toEqual([]);
  }, 400_000);
});
