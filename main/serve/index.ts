import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { defaultDataRoot } from '../api/data-root';
import { AppService } from '../api/service';
import { EventHub } from './event-hub';
import { startServer, type RunningServer } from './server';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const STATIC_DIR = path.join(REPO_ROOT, 'out/renderer');

const USAGE = 'Usage: npm run serve -- [--project <dir>] [--port <port>]';

class ArgError extends Error {}

function parseArgs(argv: string[]): { project?: string; port: number } {
  let project: string | undefined;
  let port = 0;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new ArgError(`${flag} needs a value. ${USAGE}`);
      return v;
    };
    if (flag === '--project') project = value();
    else if (flag === '--port') {
      const v = value();
      port = Number(v);
      if (!/^\d+$/.test(v) || port > 65535) throw new ArgError(`--port must be a number from 0 to 65535, got "${v}".`);
    } else if (flag === '--help' || flag === '-h') throw new ArgError(USAGE);
    else throw new ArgError(`Unknown argument "${arg}". ${USAGE}`);
  }
  return { project, port };
}

function version(): string {
  try {
    return String((JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0');
  } catch {
    return '0.0.0';
  }
}

const log = (msg: string): void => void process.stderr.write(`${msg}\n`);

/** Starts serve mode; throws ArgError with a message for the user when it cannot. */
async function startServe(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  if (!existsSync(path.join(STATIC_DIR, 'index.html'))) {
    throw new ArgError(`The UI is not built (${path.relative(process.cwd(), STATIC_DIR) || STATIC_DIR}/index.html is missing). Run \`npm run build:renderer\` first.`);
  }
  const hub = new EventHub();
  const service = new AppService({ mode: 'serve', dataRoot: defaultDataRoot(), emit: hub.emit, version: version() });
  if (args.project) {
    try {
      const info = await service.openProject(args.project);
      log(`Opened project ${info.name} (${info.images} images) at ${info.dir}`);
    } catch (err) {
      await service.close();
      // The store's message already names the folder and says what to do.
      throw new ArgError(err instanceof Error ? err.message : `Cannot open project ${args.project}: ${String(err)}`);
    }
  }
  let server: RunningServer;
  try {
    server = await startServer({ service, staticDir: STATIC_DIR, port: args.port, hub });
  } catch (err) {
    await service.close();
    const code = (err as NodeJS.ErrnoException).code;
    throw new ArgError(code === 'EADDRINUSE' ? `Port ${args.port} is in use. Pick another with --port, or 0 for any free port.` : String(err));
  }
  process.stdout.write(`Serving on ${server.url}\n`);
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    log(`${signal}: shutting down…`);
    Promise.all([server.close(), service.close()]).then(
      () => process.exit(0),
      (err: unknown) => {
        log(`Shutdown failed: ${String(err)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

/**
 * `npm run serve` (and `npm start` without Electron): the app in a browser. Prints exactly one
 * line to stdout, the URL with its token, so scripts and tests can parse it; everything else
 * goes to stderr. Resolves once the server listens; SIGINT/SIGTERM close the server and the
 * project cleanly. When it cannot start, it says why and exits with status 1.
 */
export async function runServe(argv: string[]): Promise<void> {
  try {
    await startServe(argv);
  } catch (err) {
    log(err instanceof ArgError ? err.message : `serve failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  }
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) void runServe(process.argv.slice(2));
