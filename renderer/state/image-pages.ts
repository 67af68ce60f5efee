import type { ImageFilter, ImageItem } from '../../preload/contract';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { showToast } from './app-store';

export const PAGE_SIZE = 500;

/** The images most like one of the project's images ("Similar images"). */
export interface SimilarSource {
  kind: 'similar';
  id: number;
  name: string;
  similarity: ReadonlyMap<number, number>;
}

/** The images most like a picture from outside the project (search by image). */
export interface ImageQuerySource {
  kind: 'image';
  name: string;
  /** An object URL of the picture, for the chip. */
  thumb: string;
  similarity: ReadonlyMap<number, number>;
  prediction: { classes: string[]; probs: number[] } | null;
  predictionNote: string | null;
}

/** Where a given id list came from: the map's selection, or a similarity search. */
export type IdSource = { kind: 'map' } | SimilarSource | ImageQuerySource;
/** Pages kept in memory; far-away pages are dropped and refetched if scrolled back to. */
const MAX_PAGES = 60;

/**
 * The project's images, fetched a page (500) at a time as the grid asks for rows, so a
 * 100k-image project costs only the pages near the viewport. Each page is stamped with the
 * generation it was requested in; answers from an older generation (before a reset) are dropped.
 */
export class ImagePages {
  private pages = new Map<number, ImageItem[]>();
  private inflight = new Set<number>();
  private failed = new Set<number>();
  private listeners = new Set<() => void>();
  private generation = 0;
  private version = 0;
  total: number | null = null;
  /** The grid's filter; empty shows every image. */
  filter: ImageFilter = {};
  /** The project the filter was set in: another project starts unfiltered. */
  filterDir: string | null = null;
  /** Counts filter changes, so the grid can go back to the top of the new result. */
  filterVersion = 0;
  /** Set when the grid shows a given list of images (the map's selection) instead of a filter. */
  idList: readonly number[] | null = null;
  /** What idList holds, for the filter bar's chip and the cells' similarity; set exactly when idList is. */
  idSource: IdSource | null = null;

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  getVersion = (): number => this.version;

  get(index: number): ImageItem | undefined {
    return this.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  /** The list's similarity search, when the grid shows one. */
  get search(): SimilarSource | ImageQuerySource | null {
    const s = this.idSource;
    return s && s.kind !== 'map' ? s : null;
  }

  /** Image `id`'s similarity to the search's query, unless it is the query image itself. */
  similarityOf(id: number): number | undefined {
    const s = this.search;
    return s && !(s.kind === 'similar' && s.id === id) ? s.similarity.get(id) : undefined;
  }

  /** Whether any filter narrows the images (an unknown total then means "not counted yet", not "all"). */
  get filtered(): boolean {
    const f = this.filter;
    return this.idList !== null || !!f.text?.trim() || f.folder !== undefined || f.label !== undefined || !!f.duplicates || f.predicted !== undefined || f.maxConfidence !== undefined;
  }

  /** Shows exactly these images, in this order (a filter set later replaces them). */
  showIds(ids: readonly number[], dir: string | null = this.filterDir, source: IdSource = { kind: 'map' }): void {
    this.show({}, { ids, source }, dir);
  }

  /** Shows only the images matching `filter`; the first page is asked for at once, for the count. */
  setFilter(filter: ImageFilter, dir: string | null = this.filterDir): void {
    this.show(filter, null, dir);
  }

  private show(filter: ImageFilter, list: { ids: readonly number[]; source: IdSource } | null, dir: string | null): void {
    this.filter = filter;
    this.idList = list?.ids ?? null;
    this.idSource = list?.source ?? null;
    this.filterDir = dir;
    this.filterVersion++;
    this.reset();
  }

  /** Reloads the pages in memory (labels changed), keeping them on screen until the new ones land. */
  async refresh(): Promise<void> {
    this.generation++;
    this.inflight = new Set();
    this.failed = new Set();
    if (this.pages.size === 0) return this.reset();
    await Promise.all([...this.pages.keys()].map((p) => this.load(p)));
  }

  reset(): void {
    this.generation++;
    this.pages = new Map();
    this.inflight = new Set();
    this.failed = new Set();
    this.total = this.idList ? this.idList.length : null;
    this.changed();
    // A filtered grid shows no rows until it knows how many match, so it cannot ask for them itself.
    if (this.filtered) this.ensure(0, 0);
  }

  /** Makes sure the pages covering [first, last] are loaded or on their way. */
  ensure(first: number, last: number): void {
    const from = Math.max(0, Math.floor(first / PAGE_SIZE));
    const to = Math.max(from, Math.floor(Math.max(first, last) / PAGE_SIZE));
    for (let p = from; p <= to; p++) {
      const page = this.pages.get(p);
      if (page) {
        // Refresh recency for the LRU order of the Map.
        this.pages.delete(p);
        this.pages.set(p, page);
      } else if (!this.inflight.has(p) && !this.failed.has(p)) void this.load(p);
    }
  }

  private async load(p: number): Promise<void> {
    const gen = this.generation;
    this.inflight.add(p);
    try {
      const ids = this.idList;
      const r = ids
        ? { items: (await api.call('images.byIds', { ids: ids.slice(p * PAGE_SIZE, (p + 1) * PAGE_SIZE) })).items, total: ids.length }
        : await api.call('images.page', { offset: p * PAGE_SIZE, limit: PAGE_SIZE, ...(this.filtered ? { filter: this.filter } : {}) });
      if (gen !== this.generation) return;
      this.pages.set(p, r.items);
      this.total = r.total;
      while (this.pages.size > MAX_PAGES) this.pages.delete(this.pages.keys().next().value!);
    } catch (err) {
      if (gen !== this.generation) return;
      // Not retried automatically, so a persistent failure does not loop; reset() clears it.
      this.failed.add(p);
      showToast('error', `Could not load images: ${errorMessage(err)}`);
    } finally {
      if (gen === this.generation) this.inflight.delete(p);
    }
    this.changed();
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}

export const imagePages = new ImagePages();
