/**
 * Worker-thread entry that runs projectEmbeddings and streams its progress to the host
 * (projection-host.ts): { type: 'preview' | 'epoch' | 'stage' | 'done' | 'error' }.
 * Coordinates travel as transferred typed arrays.
 */
import { parentPort } from 'node:worker_threads';
import { projectEmbeddings, type ProjectOptions } from './project';
import { lowerThreadPriority } from '../util/thread-priority';

// A background job: the UI and the server's requests come first.
lowerThreadPriority();

export interface ProjectionRequest {
  type: 'start';
  data: Float32Array;
  n: number;
  d: number;
  options: Omit<ProjectOptions, 'onPreview' | 'onEpoch' | 'onStage' | 'signal' | 'pool'>;
}

let stop = false;

parentPort?.on('message', (m: ProjectionRequest | { type: 'stop' }) => {
  if (m.type === 'stop') {
    stop = true;
    return;
  }
  const port = parentPort!;
  projectEmbeddings(m.data, m.n, m.d, {
    ...m.options,
    onStage: (stage) => port.postMessage({ type: 'stage', stage }),
    onPreview: (coords) => {
      const copy = Float32Array.from(coords);
      port.postMessage({ type: 'preview', coords: copy }, [copy.buffer]);
    },
    onEpoch: (epoch, total, coords) => {
      const copy = Float32Array.from(coords);
      port.postMessage({ type: 'epoch', epoch, total, coords: copy }, [copy.buffer]);
      return !stop;
    },
  }).then(
    (r) => port.postMessage({ type: 'done', result: r }, [r.coords.buffer as ArrayBuffer, r.knn.indices.buffer as ArrayBuffer, r.knn.distances.buffer as ArrayBuffer]),
    (err: unknown) => port.postMessage({ type: 'error', error: err instanceof Error ? err.message : String(err) }),
  );
});
