// The map end to end on a real project: real images ingested through sharp, embeddings
// stored in DuckDB, then the CLI's map job (kNN + UMAP in a worker), the stored layout, the
// binary bundle and the serve-mode data route.
import { cp } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMapBundle } from '../../preload/map-bundle';
import { AppService } from '../../main/api/service';
import { ProjectStore } from '../../main/store/project-store';
import { startServer } from '../../main/serve/server';
import { CIFAR_DIR, hasCifar, tempDir } from '../helpers/paths';
import { pixelEmbeddings } from '../helpers/pixel-embeddings';
import { runCli } from '../helpers/run-cli';

if (!hasCifar) console.log('[skip] map build: the shared CIFAR folder is missing beside the repository.');

describe.skipIf(!hasCifar)('map build', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let project: string;
  const env = () => ({ BYOL_DATA_DIR: path.join(tmp.dir, 'data') });

  beforeAll(async () => {
    tmp = await tempDir();
    const images = path.join(tmp.dir, 'images');
    for (const c of ['airplane', 'frog', 'truck']) await cp(path.join(CIFAR_DIR, c), path.join(images, c), { recursive: true });
    project = path.join(tmp.dir, 'project');
    const ing = await runCli(['ingest', images, '--project', project, '--json'], env());
    expect(ing.code, ing.stderr).toBe(0);
    const store = await ProjectStore.open(project);
    await pixelEmbeddings(store, images);
    await store.close();
  });
  afterAll(() => tmp.cleanup());

  it('refuses to map a project without embeddings, saying what to do', async () => {
    const empty = path.join(tmp.dir, 'empty');
    (await ProjectStore.open(empty)).close();
    const r = await runCli(['map', '--project', empty, '--json'], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no embeddings yet.*Train/i);
  });

  it('builds the layout with the CLI and serves it as a binary bundle', async () => {
    const r = await runCli(['map', '--project', project, '--json'], env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ points: 1500 });
    expect(r.json!.seconds as number).toBeGreaterThan(0);

    const service = new AppService({ mode: 'serve', dataRoot: path.join(tmp.dir, 'data'), emit: () => {} });
    await service.openProject(project);
    const server = await startServer({ service, staticDir: path.join(tmp.dir, 'nostatic'), port: 0 });
    try {
      expect(await service.call('map.meta', {})).toMatchObject({ available: true, layout: 'umap', points: 1500 });
      // Labels given in the app show up in the bundle's label section.
      const first = (await service.call('images.page', { offset: 0, limit: 3 })) as { items: { id: number }[] };
      const cls = (await service.call('label.createClass', { name: 'plane' })) as { id: number };
      await service.call('label.assign', { ids: first.items.map((i) => i.id), classId: cls.id });
      expect((await fetch(`http://127.0.0.1:${server.port}/data/map`)).status).toBe(401);
      const res = await fetch(`http://127.0.0.1:${server.port}/data/map?token=${server.token}`);
      expect(res.status).toBe(200);
      const { header, sections } = decodeMapBundle(await res.arrayBuffer());
      expect(header.n).toBe(1500);
      expect(header.folders.sort()).toEqual(['airplane', 'frog', 'truck']);
      expect(sections.coords.length).toBe(4500);
      expect(sections.coords.every(Number.isFinite)).toBe(true);
      expect(header.labels.map((l) => l.name)).toEqual(['plane']);
      const labelled = Array.from(sections.ids).filter((_, i) => sections.label[i] === 0);
      expect(labelled.sort((a, b) => a - b)).toEqual(first.items.map((i) => i.id).sort((a, b) => a - b));
      expect(new Set(sections.ids).size).toBe(1500);
      // Outlier scores are percentile ranks over the stored kNN graph.
      const out = Array.from(sections.outlier);
      expect(Math.min(...out)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...out)).toBeLessThanOrEqual(1);
      // Pixel-colour embeddings separate frogs (green/brown) from airplanes (sky): the layout
      // keeps more same-folder neighbours than chance (1/3).
      const n = header.n;
      let same = 0;
      for (let i = 0; i < n; i++) {
        let best = -1;
        let bestD = Infinity;
        for (let j = 0; j < n; j++) {
          if (j === i) continue;
          const dx = sections.coords[i * 3] - sections.coords[j * 3];
          const dy = sections.coords[i * 3 + 1] - sections.coords[j * 3 + 1];
          const dz = sections.coords[i * 3 + 2] - sections.coords[j * 3 + 2];
          const d = dx * dx + dy * dy + dz * dz;
          if (d < bestD) {
            bestD = d;
            best = j;
          }
        }
        if (sections.folder[best] === sections.folder[i]) same++;
      }
      expect(same / n).toBeGreaterThan(0.45);

      const nb = (await service.call('map.neighbors', { id: sections.ids[0] })) as { neighbors: { id: number; distance: number }[] };
      expect(nb.neighbors).toHaveLength(12);
      expect(nb.neighbors.every((x, i, a) => i === 0 || a[i - 1].distance <= x.distance)).toBe(true);
      expect(nb.neighbors.some((x) => x.id === sections.ids[0])).toBe(false);

      await service.call('map.state.save', { state: { camera: { position: [1, 2, 3], target: [0, 0, 0] }, colorMode: 'folder', selection: [1, 2], hidden: [] } });
      expect(await service.call('map.state.get', {})).toMatchObject({ state: { colorMode: 'folder', selection: [1, 2] } });
    } finally {
      await server.close();
      await service.close();
    }
  });
});
