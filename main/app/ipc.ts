// The only place that speaks Electron IPC. Every call is checked for its sender frame, then
// handed to the same validated dispatcher serve mode uses.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { AppService } from '../api/service';
import { toWireError } from '../api/errors';
import { isTrustedSenderUrl } from './security';

export function registerIpc(service: AppService): void {
  ipcMain.handle('byol:call', async (event: IpcMainInvokeEvent, method: unknown, params: unknown) => {
    if (!isTrustedSenderUrl(event.senderFrame?.url)) {
      return { ok: false, error: { code: 'unauthorized', message: 'Request refused: it did not come from the app window.' } };
    }
    try {
      return { ok: true, result: await service.call(method, params) };
    } catch (err) {
      return { ok: false, error: toWireError(err) };
    }
  });
}

export function makeEmitter(getWindows: () => BrowserWindow[]) {
  return (event: string, payload: unknown): void => {
    for (const w of getWindows()) if (!w.isDestroyed()) w.webContents.send('byol:event', { event, payload });
  };
}
