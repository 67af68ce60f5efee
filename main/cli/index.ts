// `npm run cli -- <command> [options]`: the headless command line over the same services
// as the app. Every command takes --json and then ends stdout with one JSON object.
import { parseArgs } from 'node:util';
import { CliError } from './output';
import type { CommandSpec } from './command';
import { ingestCommand } from './commands/ingest';
import { infoCommand } from './commands/info';
import { exportParquetCommand, importParquetCommand } from './commands/parquet';
import { trainCommand } from './commands/train';
import { embedCommand } from './commands/embed';
import { evalCommand } from './commands/eval';
import { mapCommand } from './commands/map';
import { labelCommand } from './commands/label';
import { propagateCommand } from './commands/propagate';
import { clusterCommand } from './commands/cluster';
import { exportCommand } from './commands/export';
import { duplicatesCommand } from './commands/duplicates';
import { similarCommand } from './commands/similar';

export const commands: CommandSpec[] = [ingestCommand, infoCommand, exportParquetCommand, importParquetCommand, trainCommand, embedCommand, evalCommand, mapCommand, labelCommand, propagateCommand, clusterCommand, exportCommand, duplicatesCommand, similarCommand];

function usage(): string {
  return [
    'BYOL Explorer command line',
    '',
    'Usage: npm run cli -- <command> [options]',
    '',
    ...commands.flatMap((c) => [`  ${c.usage}`, `      ${c.summary}`]),
    '',
    'Every command accepts --json: the last line of stdout is then one JSON object.',
  ].join('\n');
}

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  const cmd = commands.find((c) => c.name === name);
  const json = rest.includes('--json');
  try {
    if (!cmd) throw new CliError(`Unknown command "${name}".\n\n${usage()}`, 2);
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: { ...cmd.options, json: { type: 'boolean' } }, allowPositionals: true, strict: true });
    } catch (err) {
      throw new CliError(`${(err as Error).message}\nUsage: npm run cli -- ${cmd.usage}`, 2);
    }
    await cmd.run({ positionals: parsed.positionals, values: parsed.values as CommandInput['values'], json });
    return 0;
  } catch (err) {
    const code = err instanceof CliError ? err.exitCode : 1;
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`Error: ${message}\n`);
    if (json) process.stdout.write(JSON.stringify({ error: message }) + '\n');
    return code;
  }
}

type CommandInput = Parameters<CommandSpec['run']>[0];

runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`Unexpected error: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
