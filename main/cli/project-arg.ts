import { existsSync } from 'node:fs';
import path from 'node:path';
import { CliError } from './output';

/** --project is required by most commands; an existing project must hold project.duckdb. */
export async function requireProject(value: unknown, opts: { create?: boolean } = {}): Promise<string> {
  if (typeof value !== 'string' || value === '') throw new CliError('This command needs --project <dir>, the project folder made by `ingest`.', 2);
  const dir = path.resolve(value);
  if (!opts.create && !existsSync(path.join(dir, 'project.duckdb'))) {
    throw new CliError(`No project at ${dir}. Create one first: npm run cli -- ingest <images folder> --project ${value}`, 2);
  }
  return dir;
}
