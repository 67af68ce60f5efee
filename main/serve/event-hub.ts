import type { EventName, EventPayload } from '../../preload/contract';

type Listener = (event: EventName, payload: unknown) => void;

/**
 * Lets the AppService be built before the server exists: the service gets `hub.emit`, the
 * server subscribes to forward events to every connected WebSocket.
 */
export class EventHub {
  private readonly listeners = new Set<Listener>();

  readonly emit = <E extends EventName>(event: E, payload: EventPayload<E>): void => {
    for (const l of this.listeners) {
      try {
        l(event, payload);
      } catch (err) {
        // One broken subscriber must not stop the others (or the job that emitted).
        process.stderr.write(`event listener failed: ${String(err)}\n`);
      }
    }
  };

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
