import { runClustering } from '../../api/analysis-jobs';
import { ProjectStore } from '../../store/project-store';
import { CliError, printResult } from '../output';
import { requireProject } from '../project-arg';
import type { CommandSpec } from '../command';

export const clusterCommand: CommandSpec = {
  name: 'cluster',
  usage: 'cluster --project <dir> [--method kmeans|hdbscan] [--k K] [--json]',
  summary: 'Cluster the embeddings (k-means picks k by silhouette unless --k is given).',
  options: { project: { type: 'string' }, method: { type: 'string' }, k: { type: 'string' } },
  async run({ values, json }) {
    const dir = await requireProject(values.project);
    const method = values.method ?? 'kmeans';
    if (method !== 'kmeans' && method !== 'hdbscan') throw new CliError(`--method must be kmeans or hdbscan, not "${String(method)}".`, 2);
    const k = values.k === undefined ? undefined : Number(values.k);
    if (k !== undefined && (!Number.isInteger(k) || k < 2)) throw new CliError(`--k must be an integer ≥ 2, not "${String(values.k)}".`, 2);
    const store = await ProjectStore.open(dir);
    try {
      process.stderr.write(`Clustering (${method}${k ? `, k=${k}` : ''})…\n`);
      const r = await runClustering(store, { method, k });
      const sizes = r.clusters.map((c) => `${c.cluster}:${c.count}`).join(' ');
      printResult(json, r, `${r.runId}: ${r.k} clusters by ${method}. Sizes ${sizes}`);
    } finally {
      await store.close();
    }
  },
};
