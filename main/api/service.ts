import { homedir } from 'node:os';
import path from 'node:path';
import type { EventName, EventPayload, ProjectInfo } from '../../preload/contract';
import { ProjectStore } from '../store/project-store';
import { ingestFolder } from '../dataset/ingest';
import { dispatch, type Handlers } from './dispatch';
import { UserError } from './errors';
import { JobRunner } from './jobs';
import { makeLabelHandlers } from './labels-service';
import { TrainService } from './train-service';
import { MapApi } from './map-api';
import type { TrainTransport } from '../engine/trainer/worker-host';
import { listFolder } from './fs-browse';
import { RecentProjects } from './recent';
import { defaultProjectDir } from './project-paths';
import { expandHome } from './user-path';
import { queryByImage } from './query-image';

export interface ServiceOptions {
  mode: 'electron' | 'serve';
  /** Where default projects and the recent list live. */
  dataRoot: string;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** Electron supplies a native folder dialog; serve mode has none. */
  openFolderDialog?: () => Promise<string | null>;
  /** Electron runs training in a utilityProcess; worker_threads when absent. */
  trainTransport?: () => TrainTransport;
  version?: string;
}

/**
 * The app's services behind the contract, independent of any transport. One project is
 * open at a time; long work runs as jobs that stream progress events.
 */
export class AppService {
  private store: ProjectStore | null = null;
  private opening: Promise<unknown> = Promise.resolve();
  private readonly jobs: JobRunner;
  private readonly training: TrainService;
  private readonly map: MapApi;
  private readonly recent: RecentProjects;
  readonly handlers: Handlers;

  constructor(private readonly opts: ServiceOptions) {
    this.jobs = new JobRunner({
      progress: (p) => opts.emit('job.progress', p),
      finished: (f) => opts.emit('job.finished', f),
    });
    this.recent = new RecentProjects(path.join(opts.dataRoot, 'recent.json'));
    this.training = new TrainService({ jobs: this.jobs, emit: opts.emit, requireStore: () => this.requireStore(), makeTransport: opts.trainTransport });
    this.map = new MapApi({ jobs: this.jobs, emit: opts.emit, requireStore: () => this.requireStore() });
    this.handlers = this.makeHandlers();
  }

  call(method: unknown, params: unknown): Promise<unknown> {
    return dispatch(this.handlers, method, params);
  }

  get currentStore(): ProjectStore | null {
    return this.store;
  }

  /** Opens run one at a time: two overlapping opens would each close the old store and then
   *  both assign theirs, leaving one open (and its folder locked) until the process exits. */
  openProject(dir: string): Promise<ProjectInfo> {
    const next = this.opening.then(() => this.switchProject(dir));
    this.opening = next.catch(() => undefined);
    return next;
  }

  private async switchProject(dir: string): Promise<ProjectInfo> {
    const abs = path.resolve(dir);
    if (this.store?.dir === abs) return this.store.info();
    if (this.jobs.list().length > 0) throw new UserError('busy', 'A job is still running. Cancel it or wait for it to finish before switching projects.');
    const next = await ProjectStore.open(abs);
    if (this.jobs.list().length > 0) {
      // A job started on the current store while this one was opening: keep the current one.
      await next.close();
      throw new UserError('busy', 'A job is still running. Cancel it or wait for it to finish before switching projects.');
    }
    await this.store?.close();
    this.store = next;
    const info = await next.info();
    await this.recent.add({ dir: abs, name: info.name, openedAt: Date.now() });
    return info;
  }

  private requireStore(): ProjectStore {
    if (!this.store) throw new UserError('no_project', 'No project is open. Open a folder of images first.');
    return this.store;
  }

  private makeHandlers(): Handlers {
    return {
      ...makeLabelHandlers(() => this.requireStore(), this.jobs),
      'app.info': async () => ({
        mode: this.opts.mode,
        version: this.opts.version ?? '0.0.0',
        home: homedir(),
        projectsRoot: path.join(this.opts.dataRoot, 'projects'),
      }),
      'project.recent': async () => ({ items: await this.recent.list() }),
      'project.current': async () => ({ project: this.store ? await this.store.info() : null }),
      'project.open': async ({ dir }) => this.openProject(expandHome(dir)),
      'ingest.start': async (p) => {
        const folder = expandHome(p.folder), projectDir = p.projectDir === undefined ? undefined : expandHome(p.projectDir);
        const busy = this.jobs.busyWith('ingest');
        if (busy) throw new UserError('busy', 'An ingest is already running. Cancel it first or wait for it to finish.');
        const dir = projectDir ?? (this.store && (await this.store.getMeta('sourceFolder')) === folder ? this.store.dir : defaultProjectDir(this.opts.dataRoot, folder));
        await this.openProject(dir);
        const store = this.requireStore();
        // A project is named after the folder it was made from, not its hashed folder name.
        if (!(await store.getMeta('name'))) await store.setMeta('name', path.basename(folder));
        const project = await store.info();
        const { jobId } = this.jobs.start('ingest', async (ctx) => {
          const summary = await ingestFolder({
            folder,
            store,
            signal: ctx.signal,
            onProgress: (p) => ctx.progress(p.done, p.total, p.message),
          });
          this.opts.emit('project.changed', await store.info());
          return summary;
        });
        return { jobId, project };
      },
      'job.cancel': async ({ jobId }) => ({ cancelled: this.jobs.cancel(jobId) }),
      'job.list': async () => ({ jobs: this.jobs.list() }),
      'images.page': async ({ offset, limit, filter }) => this.requireStore().pageImages(offset, limit, filter),
      'images.facets': async () => this.requireStore().imageFacets(),
      'images.byIds': async ({ ids }) => ({ items: await this.requireStore().imagesByIds(ids) }),
      'images.similar': async ({ id, count }) => this.requireStore().similarImages(id, count),
      'images.searchByImage': async ({ data, count }) => queryByImage(this.requireStore(), Buffer.from(data, 'base64'), count),
      'images.ids': async ({ filter, offset, limit }) => ({ ids: await this.requireStore().imageIds(filter, offset, limit) }),
      'images.skipped': async ({ offset, limit }) => this.requireStore().pageSkipped(offset, limit),
      'fs.list': async ({ dir }) => listFolder(dir === undefined ? homedir() : expandHome(dir)),
      'dialog.openFolder': async () => ({ folder: this.opts.openFolderDialog ? await this.opts.openFolderDialog() : null }),
      'train.start': (p) => this.training.start(p),
      'train.pause': async () => this.training.pause(),
      'train.resume': async () => this.training.resume(),
      'train.stop': async () => this.training.stop(),
      'train.status': () => this.training.getStatus(),
      'map.build': async (p) => this.map.build(p),
      'map.meta': async () => this.map.meta(),
      'map.neighbors': async ({ id, count }) => this.map.neighbors(id, count),
      'map.state.get': async () => this.map.getState(),
      'map.state.save': async ({ state }) => this.map.saveState(state),
    };
  }

  /** Binary resources behind ByolApi.dataUrl (both transports serve these bytes). */
  async dataResource(name: string): Promise<Uint8Array | null> {
    if (name === 'map') return this.map.bundle();
    return null;
  }

  async close(): Promise<void> {
    await this.jobs.cancelAll();
    await this.opening;
    await this.store?.close();
    this.store = null;
  }
}
