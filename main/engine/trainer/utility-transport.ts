/**
 * TrainTransport over an Electron utilityProcess, without importing electron: the shell
 * (main/app) passes a function that forks the built train-worker.js, e.g.
 *   utilityProcessTransport(() => utilityProcess.fork(workerPath, [], { serviceName: 'BYOL training' }))
 * Messages are structured-cloned both ways (typed arrays are copied, not transferred).
 * Not exercised here: the build machines cannot run Electron.
 */
import type { HostMessage, WorkerMessage } from './protocol';
import type { TrainTransport } from './worker-host';

/** The part of Electron's UtilityProcess this transport uses. */
export interface UtilityProcessLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export function utilityProcessTransport(fork: () => UtilityProcessLike): TrainTransport {
  const child = fork();
  let exited = false;
  const exitCbs: ((code: number | null, error?: Error) => void)[] = [];
  child.on('exit', (code) => {
    exited = true;
    for (const cb of exitCbs) cb(code);
  });
  return {
    send: (msg: HostMessage) => child.postMessage(msg),
    onMessage: (cb) => child.on('message', (m) => cb(m as WorkerMessage)),
    onExit: (cb) => exitCbs.push(cb),
    terminate: async () => {
      if (!exited) child.kill();
    },
  };
}
