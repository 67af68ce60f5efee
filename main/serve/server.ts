import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AppService } from '../api/service';
import { newToken, splitAssetPath, tokenMatches } from './auth';
import type { EventHub } from './event-hub';
import { BASE_HEADERS, resolveStatic, safeJoin, sendIndex, sendStatic } from './static-files';
import { ThumbIndex } from './thumb-index';
import { isThumbPath, sendThumb } from './thumb-route';
import { isDataPath, sendData } from './data-route';
import { broadcast, handleFrame, MAX_FRAME_BYTES } from './ws-rpc';

export interface ServerOptions {
  service: AppService;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Fixed token for tests; a random one per run otherwise. */
  token?: string;
  /** Where the service emits its events; the server forwards them to every client. */
  hub?: EventHub;
}

export interface RunningServer {
  url: string;
  /** The address actually bound (always 127.0.0.1). */
  host: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function splitUrl(rawUrl: string | undefined): { rawPath: string; query: URLSearchParams } {
  // The raw path is kept as sent (new URL() would fold "/../" away before we could refuse it).
  const url = rawUrl ?? '/';
  const q = url.indexOf('?');
  return { rawPath: q < 0 ? url : url.slice(0, q), query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)) };
}

function plain(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { ...BASE_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(message);
}

/**
 * Serve mode: the built renderer, thumbnails and the contract over a WebSocket, on 127.0.0.1
 * only. Every request must carry the per-run token (query `?token=` or the `/s/<token>/`
 * asset prefix); anything else gets 401 before any routing happens.
 */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const token = opts.token ?? newToken();
  const staticDir = path.resolve(opts.staticDir);
  let port = 0;
  const thumbIndex = new ThumbIndex();
  const learnHashes = (method: string, result: unknown, store: object): void => {
    if (method === 'images.page' || method === 'images.byIds') thumbIndex.learn(store, (result as { items: { id: number; hash: string }[] }).items);
  };

  const authorized = (rawPath: string, query: URLSearchParams): boolean => {
    const asset = splitAssetPath(rawPath);
    return tokenMatches(token, asset ? asset.token : query.get('token'));
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const { rawPath, query } = splitUrl(req.url);
    if (!authorized(rawPath, query)) return plain(res, 401, 'Unauthorized: open the exact link printed by `npm run serve` (it carries ?token=…).');
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Only GET and HEAD are served here; requests go over the WebSocket.');
    if (isThumbPath(rawPath)) return sendThumb(req, res, rawPath, opts.service, thumbIndex);
    if (isDataPath(rawPath)) return sendData(res, rawPath, opts.service);
    if (rawPath === '/' || rawPath === '/index.html') {
      if (!existsSync(path.join(staticDir, 'index.html'))) return plain(res, 503, 'The UI is not built. Run `npm run build:renderer`, then reload.');
      return sendIndex(res, staticDir, token, port);
    }
    const rest = splitAssetPath(rawPath)?.rest ?? rawPath;
    if (!safeJoin(staticDir, rest)) return plain(res, 400, 'Bad path.');
    const file = await resolveStatic(staticDir, rest);
    if (!file) return plain(res, 404, 'Not found.');
    return sendStatic(res, file, port, req.method);
  };

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      process.stderr.write(`serve: ${req.method} ${req.url?.split('?')[0]} failed: ${String(err)}\n`);
      if (!res.headersSent) plain(res, 500, 'Internal error; see the server log.');
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const { rawPath, query } = splitUrl(req.url);
    const status = rawPath !== '/ws' ? 404 : tokenMatches(token, query.get('token')) ? 0 : 401;
    if (status) {
      socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Not Found'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  wss.on('connection', (ws: WebSocket) => {
    ws.on('message', (data, isBinary) => handleFrame(ws, opts.service, data, isBinary, learnHashes));
    ws.on('error', (err) => process.stderr.write(`serve: websocket error: ${err.message}\n`));
  });
  const unsubscribe = opts.hub?.subscribe((event, payload) => {
    // An ingest may have given known ids new content; forget what was learnt.
    if (event === 'project.changed' || event === 'job.finished') thumbIndex.clear();
    broadcast(wss.clients, event, payload);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  port = bound.port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    host: bound.address,
    port,
    token,
    close: async () => {
      unsubscribe?.();
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
