import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { RecentProject } from '../../preload/contract';

/** The recent-projects list, a small JSON file replaced atomically on each change. */
export class RecentProjects {
  constructor(private readonly file: string) {}

  async list(): Promise<RecentProject[]> {
    try {
      const raw: unknown = JSON.parse(await readFile(this.file, 'utf8'));
      const parsed = RecentProject.array().safeParse(raw);
      return parsed.success ? parsed.data : [];
    } catch {
      return [];
    }
  }

  async add(entry: RecentProject): Promise<void> {
    const items = [entry, ...(await this.list()).filter((p) => p.dir !== entry.dir)].slice(0, 12);
    await mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(items, null, 2));
    await rename(tmp, this.file);
  }
}
