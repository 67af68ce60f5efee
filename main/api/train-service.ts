/**
 * The training requests of the contract: one BYOL run at a time, in a worker, as a 'train'
 * job. Events stream as train.* (and job.progress for the generic job UI); embeddings
 * arrive from the worker as typed arrays and are stored under the run when training ends.
 * With a live map (liveMapEvery > 0) interim embeddings arrive every N epochs too: each set
 * is stored as the run's embeddings at once (a crash keeps the latest), then re-projected
 * into an aligned map; the final embeddings get a map as well.
 */
import type { EventName, EventPayload, TrainConfigOverrides, TrainStatus } from '../../preload/contract';
import type { EmbeddingsAt, EmbeddingsPayload, TrainEvent, TrainJob, TrainSummary } from '../engine/trainer/protocol';
import type { TrainHost, TrainTransport } from '../engine/trainer/worker-host';
import type { ProjectStore } from '../store/project-store';
import { UserError } from './errors';
import { lastRun } from './last-run';
import type { JobContext, JobRunner } from './jobs';
import { MapBuilds } from './map-service';

/**
 * The engine is loaded on first use: it pulls in TensorFlow.js (about a second), which
 * the app's other requests and CLI commands should not pay for.
 */
async function engine() {
  const [config, checkpoint, embed, images, host] = await Promise.all([
    import('../engine/recipe/config'), import('../engine/trainer/checkpoint'), import('../engine/trainer/embed'),
    import('../engine/trainer/project-images'), import('../engine/trainer/worker-host'),
  ]);
  return { ...config, ...checkpoint, ...embed, ...images, ...host };
}

export interface TrainServiceDeps {
  jobs: JobRunner;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  requireStore(): ProjectStore;
  /** The Electron shell passes a utilityProcess transport; worker_threads otherwise. */
  makeTransport?: () => TrainTransport;
}

export class TrainService {
  private host: TrainHost | null = null;
  /** Set while start() awaits, so two quick starts cannot both pass the busy check. */
  private starting = false;
  private status: Omit<TrainStatus, 'last'> = { state: 'idle', jobId: null, runId: null, backend: null, progress: null };

  constructor(private readonly d: TrainServiceDeps) {}

  async start(p: { config: TrainConfigOverrides; resume: boolean }): Promise<{ jobId: string; runId: string }> {
    if (this.starting) throw new UserError('busy', 'Training is already starting.');
    this.starting = true;
    try {
      return await this.startUnlocked(p);
    } finally {
      this.starting = false;
    }
  }

  private async startUnlocked(p: { config: TrainConfigOverrides; resume: boolean }): Promise<{ jobId: string; runId: string }> {
    if (this.d.jobs.busyWith('train')) throw new UserError('busy', 'Training is already running. Pause or stop it first.');
    if (this.d.jobs.busyWith('ingest')) throw new UserError('busy', 'An ingest is running. Wait for it to finish before training.');
    const store = this.d.requireStore();
    const { parseTrainConfig, listProjectImages, readCheckpointInfo, checkpointPath, storeEmbeddings, TrainHost } = await engine();
    try {
      parseTrainConfig(p.config);
    } catch (e) {
      throw new UserError('invalid_request', (e as Error).message);
    }
    const images = await listProjectImages(store).catch((e: Error) => {
      throw new UserError('not_found', e.message);
    });
    let runId: string;
    // A resumed run keeps its live-map interval unless the request sets one (as the worker does).
    let liveEvery = p.config.liveMapEvery;
    if (p.resume) {
      const info = readCheckpointInfo(checkpointPath(store.dir));
      if (!info) throw new UserError('not_found', 'There is no checkpoint to resume in this project. Start a new training run instead.');
      runId = info.meta.runId ?? (await store.createRun(info.config.input as object));
      liveEvery ??= parseTrainConfig(info.config.input).liveMapEvery;
    } else {
      runId = await store.createRun(parseTrainConfig(p.config));
    }
    const host = new TrainHost(this.d.makeTransport);
    this.host = host;
    const maps = MapBuilds.for(this.d.jobs, this.d.emit);
    // Writes run one after another, so an interim set can never land after the final one.
    let saved: Promise<void> = Promise.resolve();
    const log = (message: string) => this.d.emit('train.log', { jobId: this.status.jobId ?? '', message });
    const save = (e: EmbeddingsPayload, at: EmbeddingsAt, signal: AbortSignal): Promise<void> => {
      const write = saved.then(async () => {
        await storeEmbeddings(store, runId, e);
        // A cancelled job (job.cancel, the app closing) still stores, but starts no more maps.
        if (!(liveEvery && liveEvery > 0) || signal.aborted) return;
        if (!at.final) log(`Live map: re-projecting the embeddings of epoch ${at.epoch}.`);
        maps.requestLive(store, { runId, ids: e.ids, dim: e.dim, data: e.data, ...(at.final ? {} : { trainEpoch: at.epoch }) });
      });
      saved = write.catch(() => undefined);
      // Only the final write decides the run's fate; a failed interim one is reported and skipped.
      return at.final ? write : write.catch((err: Error) => log(`Live map: the embeddings of epoch ${at.epoch} could not be stored (${err.message}); training goes on.`));
    };
    const { jobId } = this.d.jobs.start('train', (ctx) => this.run(ctx, host, store, runId, save,
      { projectDir: store.dir, images, config: p.config, resume: p.resume, runId, embed: true }));
    this.status = { state: 'running', jobId, runId, backend: null, progress: null };
    return { jobId, runId };
  }

  private async run(ctx: JobContext, host: TrainHost, store: ProjectStore, runId: string,
    save: (e: EmbeddingsPayload, at: EmbeddingsAt, signal: AbortSignal) => Promise<void>, job: TrainJob): Promise<TrainSummary> {
    // Cancelling the job is a graceful stop: checkpoint, embeddings, then the end.
    ctx.signal.addEventListener('abort', () => host.stop(), { once: true });
    try {
      const summary = await host.run(job, {
        onEvent: (e) => this.onEvent(ctx, e),
        onEmbeddings: (e, at) => save(e, at, ctx.signal),
      });
      await store.finishRun(runId, summary.stopReason === 'stopped' ? 'cancelled' : 'done', summary);
      this.setState('done');
      return summary;
    } catch (e) {
      this.setState('failed');
      await store.finishRun(runId, 'failed', { error: (e as Error).message }).catch(() => undefined);
      throw e;
    } finally {
      if (this.host === host) this.host = null;
    }
  }

  private onEvent(ctx: JobContext, e: TrainEvent): void {
    const jobId = this.status.jobId ?? '';
    switch (e.type) {
      case 'backend':
        this.status.backend = e.backend;
        return this.d.emit('train.backend', { jobId, ...e.backend });
      case 'progress':
        this.status.progress = e.progress;
        ctx.progress(e.progress.step, e.progress.totalSteps, `epoch ${e.progress.epoch}/${e.progress.epochs}, loss ${e.progress.loss.toFixed(3)}`);
        return this.d.emit('train.progress', { jobId, ...e.progress });
      case 'log':
        return this.d.emit('train.log', { jobId, message: e.message });
      case 'paused':
        return this.setState('paused');
      case 'resumed':
        return this.setState('running');
      default:
        return;
    }
  }

  private setState(state: TrainStatus['state']): void {
    this.status.state = state;
    if (this.status.jobId) this.d.emit('train.state', { jobId: this.status.jobId, state });
  }

  pause(): { state: TrainStatus['state'] } {
    this.host?.pause();
    return { state: this.status.state };
  }

  resume(): { state: TrainStatus['state'] } {
    this.host?.resume();
    return { state: this.status.state };
  }

  stop(): { state: TrainStatus['state'] } {
    if (this.host && (this.status.state === 'running' || this.status.state === 'paused')) {
      this.host.stop();
      this.setState('stopping');
    }
    return { state: this.status.state };
  }

  /** The live run's state, and the project's latest checkpoint (null without a project, or where it cannot be read). */
  async getStatus(): Promise<TrainStatus> {
    let store: ProjectStore | null = null;
    try {
      store = this.d.requireStore();
    } catch {
      // No project open: there is no last run to describe.
    }
    const last = store ? await lastRun(store).catch(() => null) : null;
    return { ...this.status, last };
  }
}
