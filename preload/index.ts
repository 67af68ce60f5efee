// The preload bridge: exposes the contract as window.byol. It runs sandboxed, so it holds
// no logic: calls go to main/app/ipc.ts, which validates the sender and the params.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { ByolApi, EventName, EventPayload, Method, Params, Result, WireError } from './contract';

type Reply = { ok: true; result: unknown } | { ok: false; error: WireError };

const api: ByolApi & { pathForFile(file: File): string } = {
  async call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
    const reply = (await ipcRenderer.invoke('byol:call', method, params)) as Reply;
    if (reply.ok) return reply.result as Result<M>;
    const err = new Error(reply.error.message) as Error & { code?: string };
    err.code = reply.error.code;
    throw err;
  },
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    const handler = (_e: unknown, msg: { event: string; payload: unknown }) => {
      if (msg.event === event) listener(msg.payload as EventPayload<E>);
    };
    ipcRenderer.on('byol:event', handler);
    return () => ipcRenderer.removeListener('byol:event', handler);
  },
  thumbUrl: (id, size) => `byol-thumb://${size}/${id}`,
  dataUrl: (name) => `byol-data://bundle/${name}`,
  // Dropped folders reach the renderer as File objects; only the preload can map them to paths.
  pathForFile: (file) => webUtils.getPathForFile(file),
};

contextBridge.exposeInMainWorld('byol', api);
