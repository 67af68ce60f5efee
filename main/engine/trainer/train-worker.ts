/**
 * Entry point of the training worker: a worker_threads Worker (CLI, serve mode, tests) or
 * an Electron utilityProcess. Both hand us a port with postMessage and a message event;
 * this file only adapts them and relays the loop's events. One job per worker.
 */
import { parentPort } from 'node:worker_threads';
import { TrainControl } from './control';
import type { HostMessage, WorkerMessage } from './protocol';
import { runTraining } from './train-loop';
import { lowerThreadPriority } from '../../util/thread-priority';

// Below normal priority, so the window and the server stay responsive; the backend's
// compute threads, started later from this one, inherit it.
lowerThreadPriority();

interface Port {
  post(msg: WorkerMessage, transfer?: ArrayBuffer[]): void;
  on(cb: (msg: HostMessage) => void): void;
}

/** Electron's utilityProcess exposes process.parentPort; its events carry the payload in .data. */
interface UtilityParentPort {
  postMessage(msg: unknown): void;
  on(event: 'message', cb: (e: { data: unknown }) => void): void;
}

function connect(): Port {
  if (parentPort) {
    const p = parentPort;
    return { post: (m, t) => p.postMessage(m, t), on: (cb) => p.on('message', (m: HostMessage) => cb(m)) };
  }
  const up = (process as unknown as { parentPort?: UtilityParentPort }).parentPort;
  if (up) {
    // utilityProcess messages are structured-cloned; transfer lists do not apply there.
    return { post: (m) => up.postMessage(m), on: (cb) => up.on('message', (e) => cb(e.data as HostMessage)) };
  }
  throw new Error('train-worker must run as a worker thread or an Electron utility process.');
}

const port = connect();
const control = new TrainControl();
let started = false;

port.on((msg) => {
  switch (msg.type) {
    case 'pause':
      return control.pause();
    case 'resume':
      return control.resume();
    case 'stop':
      return control.stop();
    case 'start':
      if (started) return port.post({ type: 'error', message: 'This training worker already runs a job.' });
      started = true;
      runTraining({
        job: msg.job,
        control,
        onEvent: (event) => port.post({ type: 'event', event }),
        onEmbeddings: (e, at) => port.post({ type: 'embeddings', embeddings: e, at }, [e.ids.buffer as ArrayBuffer, e.data.buffer as ArrayBuffer]),
      }).then(
        (summary) => port.post({ type: 'done', summary }),
        (err: unknown) => port.post({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
      );
  }
});
