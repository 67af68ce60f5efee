/**
 * The images a training run sees: every non-removed image of the project, with its
 * absolute path (source folder + relative path) and its parent folder name (the class
 * that `eval` uses for users with a labelled copy of their data).
 */
import path from 'node:path';
import type { ProjectStore } from '../../store/project-store';

export interface ProjectImage {
  id: number;
  absPath: string;
  relPath: string;
  /** Parent folder of the image inside the source folder; '' for top-level files. */
  folder: string;
}

const PAGE = 5000;

export async function listProjectImages(store: ProjectStore): Promise<ProjectImage[]> {
  const source = await store.getMeta('sourceFolder');
  if (!source) throw new Error('This project has no images yet. Ingest a folder first: npm run cli -- ingest <folder> --project <dir>');
  const out: ProjectImage[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const { items } = await store.pageImages(offset, PAGE);
    for (const it of items) {
      const rel = it.path.replace(/\\/g, '/');
      const dir = path.posix.dirname(rel);
      out.push({ id: it.id, absPath: path.join(source, rel), relPath: rel, folder: dir === '.' ? '' : path.posix.basename(dir) });
    }
    if (items.length < PAGE) break;
  }
  if (out.length === 0) throw new Error('This project has no images to train on. Ingest a folder of images first.');
  return out;
}
