/**
 * Handlers for the issue-5 requests (preload/contract-labels.ts). Quick edits answer
 * directly; clustering, propagation and the classifier run as jobs whose compute happens on
 * a worker thread (analysis-thread.ts).
 */
import type { labelRequests } from '../../preload/contract-labels';
import type { ProjectStore } from '../store/project-store';
import * as analysis from './analysis-jobs';
import { exportProjectClassifier, loadHead, trainClassifier } from './classifier';
import type { Handlers } from './dispatch';
import { UserError } from './errors';
import type { JobKind } from '../../preload/contract';
import type { JobContext, JobRunner } from './jobs';
import { exportLabels } from './label-export';
import { expandHome } from './user-path';

export type LabelHandlers = Pick<Handlers, keyof typeof labelRequests>;

export function makeLabelHandlers(requireStore: () => ProjectStore, jobs: JobRunner): LabelHandlers {
  const job = (kind: JobKind, label: string, work: (store: ProjectStore, ctx: JobContext) => Promise<unknown>) => {
    if (jobs.busyWith(kind)) throw new UserError('busy', `${label} is already running. Cancel it or wait for it to finish.`);
    const store = requireStore();
    const { jobId } = jobs.start(kind, async (ctx) => {
      ctx.progress(0, 1, `${label}…`);
      const result = await work(store, ctx);
      ctx.progress(1, 1, 'done');
      return result;
    });
    return { jobId };
  };
  const labels = () => requireStore().labels;
  return {
    'label.classes': async () => ({ classes: await labels().classes(), history: await labels().history() }),
    'label.createClass': async ({ name, color }) => labels().createClass(name, color),
    'label.renameClass': async ({ classId, name }) => labels().renameClass(classId, name),
    'label.mergeClasses': async ({ sourceIds, targetId }) => labels().mergeClasses(sourceIds, targetId),
    'label.setColor': async ({ classId, color }) => labels().setColor(classId, color),
    'label.assign': async ({ ids, classId }) => labels().assign(ids, classId),
    'label.undo': async () => ({ op: await labels().undo(), history: await labels().history() }),
    'label.redo': async () => ({ op: await labels().redo(), history: await labels().history() }),
    'label.export': async ({ format, file }) => exportLabels(requireStore(), format, expandHome(file)),
    'cluster.run': async ({ method, k }) => job('cluster', 'Clustering', (s, ctx) => analysis.runClustering(s, { method, k }, ctx.signal)),
    'cluster.list': async ({ runId }) => analysis.listClusters(requireStore(), runId),
    'cluster.name': async ({ clusterId, name, runId }) => analysis.nameCluster(requireStore(), { clusterId, name, runId }),
    'propagate.run': async ({ method }) => job('propagate', 'Propagation', (s, ctx) => analysis.propagate(s, method, ctx.signal)),
    'predictions.page': async ({ offset, limit, minConfidence }) => {
      const all = await requireStore().predictions.list(minConfidence);
      return { total: all.length, items: all.slice(offset, offset + limit) };
    },
    'predictions.acceptAbove': async ({ threshold }) => analysis.acceptAbove(requireStore(), threshold),
    'suggest.next': async ({ count }) => analysis.suggest(requireStore(), count),
    'duplicates.near': async ({ threshold }) => analysis.nearDuplicates(requireStore(), threshold),
    'duplicates.exact': async () => analysis.exactDuplicates(requireStore()),
    'duplicates.mark': async ({ ids, mark }) => {
      await requireStore().predictions.setDuplicateMarks(ids, mark);
      return { marked: ids.length };
    },
    outliers: async ({ k, limit }) => analysis.outliers(requireStore(), k, limit),
    'classifier.status': async () => {
      const store = requireStore();
      const h = await loadHead(store);
      if (!h) return { trained: null };
      const { classes, cvAccuracy, trainedOn, includeAccepted, embeddingRun } = h;
      return { trained: { classes, cvAccuracy, trainedOn, includeAccepted, embeddingRun, current: embeddingRun === (await store.latestEmbeddingRunId()) } };
    },
    'classifier.train': async ({ includeAccepted }) => job('classifier', 'Classifier training', (s, ctx) => trainClassifier(s, includeAccepted, ctx.signal)),
    'classifier.export': async ({ outDir }) => job('export', 'Classifier export', (s, ctx) => exportProjectClassifier(s, expandHome(outDir), ctx.signal)),
  };
}
