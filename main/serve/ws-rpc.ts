import type { RawData, WebSocket } from 'ws';
import type { WireError } from '../../preload/contract';
import type { AppService } from '../api/service';
import { toWireError } from '../api/errors';

/** Sees each successful answer, with the store it was computed from. */
export type ResultHook = (method: string, result: unknown, store: object) => void;

/** The largest request frame accepted. Requests are small JSON objects, except search by image,
 *  which carries one picture (base64, at most 16M characters: a 12 MB file). */
export const MAX_FRAME_BYTES = 17 << 20;

function send(ws: WebSocket, msg: unknown): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
}

function reject(ws: WebSocket, id: number | null, message: string): void {
  const error: WireError = { code: 'invalid_request', message };
  send(ws, { id, error });
}

/**
 * Answers one client→server frame `{ id, method, params }` with `{ id, result }` or
 * `{ id, error }`. Anything malformed is answered with an invalid_request error (id null when
 * the frame has no usable id) and never throws, so one bad client cannot take the server down.
 */
export function handleFrame(ws: WebSocket, service: AppService, data: RawData, isBinary: boolean, onResult?: ResultHook): void {
  if (isBinary) return reject(ws, null, 'Binary frames are not supported; send JSON text frames { id, method, params }.');
  let msg: unknown;
  try {
    msg = JSON.parse(data.toString());
  } catch {
    return reject(ws, null, 'Malformed frame: not valid JSON. Send { id, method, params }.');
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
    return reject(ws, null, 'Malformed frame: expected a JSON object { id, method, params }.');
  }
  const { id, method, params } = msg as { id?: unknown; method?: unknown; params?: unknown };
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
    return reject(ws, null, 'Malformed frame: "id" must be an integer so the answer can be matched to its request.');
  }
  if (typeof method !== 'string') return reject(ws, id, 'Malformed frame: "method" must be a string.');
  const store = service.currentStore;
  service
    .call(method, params)
    .then(
      (result) => {
        // Only when the project did not change while the call ran, so the result belongs to it.
        if (onResult && store && store === service.currentStore) onResult(method, result, store);
        try {
          send(ws, { id, result });
        } catch (err) {
          // An answer JSON cannot carry must still settle the caller's promise.
          const error: WireError = { code: 'failed', message: `Could not send the answer to ${method}: ${String(err)}` };
          send(ws, { id, error });
        }
      },
      (err: unknown) => send(ws, { id, error: toWireError(err) }),
    )
    // Never an unhandled rejection: that would stop the whole server.
    .catch((err: unknown) => process.stderr.write(`serve: could not answer ${method}: ${String(err)}\n`));
}

/** Sends an event to every open client. */
export function broadcast(clients: Iterable<WebSocket>, event: string, payload: unknown): void {
  const frame = JSON.stringify({ event, payload });
  for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(frame);
}
