import { events, requests, type ByolApi, type EventName, type EventPayload, type Method, type Params, type Result, type WireError } from '../../preload/contract';
import { ApiError } from './errors';

export type ConnectionState = 'connecting' | 'open' | 'lost';

interface Pending {
  method: string;
  resolve(v: unknown): void;
  reject(e: Error): void;
}

type AnyListener = (payload: never) => void;

/** How long a call waits for the connection to come (back) before failing. */
const CONNECT_WAIT_MS = 10_000;

/**
 * The contract over serve mode's WebSocket. Calls made while disconnected wait for the
 * connection; a dropped connection rejects what was in flight (the server may or may not have
 * run it, so retrying is the caller's choice) and reconnects with backoff.
 */
export class WsClient implements ByolApi {
  private ws: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<EventName, Set<AnyListener>>();
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private waiters: Array<() => void> = [];
  private state: ConnectionState = 'connecting';
  private retryMs = 300;

  constructor(
    private readonly wsUrl: string,
    private readonly token: string,
  ) {
    this.connect();
  }

  thumbUrl(id: number, size: 'small' | 'large'): string {
    // Absolute, so the page's <base> (which points at the asset prefix) does not apply.
    return `/thumb/${size}/${id}?token=${encodeURIComponent(this.token)}`;
  }

  dataUrl(name: 'map'): string {
    return `/data/${name}?token=${encodeURIComponent(this.token)}`;
  }

  onState(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    listener(this.state);
    return () => this.stateListeners.delete(listener);
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as AnyListener);
    return () => set.delete(listener as AnyListener);
  }

  async call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
    await this.waitOpen(method);
    const id = this.nextId++;
    const raw = await new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { method, resolve, reject });
      this.ws!.send(JSON.stringify({ id, method, params }));
    });
    const parsed = requests[method].result.safeParse(raw);
    if (!parsed.success) throw new ApiError('failed', `The server answered ${method} with data this UI does not understand; reload the page after updating both sides.`);
    return parsed.data as Result<M>;
  }

  private setState(s: ConnectionState): void {
    this.state = s;
    for (const l of this.stateListeners) l(s);
  }

  private waitOpen(method: string): Promise<void> {
    if (this.state === 'open') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        reject(new ApiError('disconnected', `Cannot reach the BYOL server for ${method}. Is \`npm run serve\` still running? If it restarted, open the new link it printed.`));
      }, CONNECT_WAIT_MS);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(done);
    });
  }

  private connect(): void {
    const ws = new WebSocket(this.wsUrl);
    this.ws = ws;
    ws.onopen = () => {
      this.retryMs = 300;
      this.setState('open');
      const w = this.waiters;
      this.waiters = [];
      for (const done of w) done();
    };
    ws.onmessage = (ev) => this.onFrame(ev.data);
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.setState('lost');
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.reject(new ApiError('disconnected', `The connection to the BYOL server dropped while waiting for ${p.method}; it may not have finished. Reconnecting…`));
      }
      setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 5000);
    };
  }

  private onFrame(data: unknown): void {
    let msg: { id?: number | null; result?: unknown; error?: WireError; event?: string; payload?: unknown };
    try {
      msg = JSON.parse(String(data)) as typeof msg;
    } catch {
      console.error('byol: ignoring a frame that is not JSON');
      return;
    }
    if (typeof msg.event === 'string') return this.dispatchEvent(msg.event, msg.payload);
    if (typeof msg.id !== 'number') {
      if (msg.error) console.error(`byol: server rejected a frame: ${msg.error.message}`);
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (msg.error) p.reject(new ApiError(msg.error.code, msg.error.message));
    else p.resolve(msg.result);
  }

  private dispatchEvent(name: string, payload: unknown): void {
    if (!Object.prototype.hasOwnProperty.call(events, name)) return;
    const event = name as EventName;
    const parsed = events[event].safeParse(payload);
    if (!parsed.success) {
      console.error(`byol: dropping a malformed ${event} event`);
      return;
    }
    for (const l of this.listeners.get(event) ?? []) (l as (p: unknown) => void)(parsed.data);
  }
}
