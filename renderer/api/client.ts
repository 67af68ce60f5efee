import type { ByolApi } from '../../preload/contract';
import { WsClient, type ConnectionState } from './ws-client';

/** What the Electron preload may add beyond the contract: the path of a dropped folder
 *  (webUtils.getPathForFile), which a browser can never reveal. */
export interface ElectronBridge extends ByolApi {
  pathForFile?(file: File): string;
}

declare global {
  interface Window {
    byol?: ElectronBridge;
  }
}

export interface Client {
  api: ByolApi;
  mode: 'electron' | 'browser';
  /** Electron only: the file system path of a dropped file or folder. */
  pathForFile?: (file: File) => string;
  /** Connection state; Electron's IPC is always 'open'. */
  onConnection(listener: (s: ConnectionState) => void): () => void;
  /** Browser only: the page was opened without the token from `npm run serve`. */
  missingToken: boolean;
}

function createClient(): Client {
  const bridge = window.byol;
  if (bridge) {
    return {
      api: bridge,
      mode: 'electron',
      pathForFile: bridge.pathForFile ? (f) => bridge.pathForFile!(f) : undefined,
      onConnection: (l) => {
        l('open');
        return () => undefined;
      },
      missingToken: false,
    };
  }
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WsClient(`${proto}//${location.host}/ws?token=${encodeURIComponent(token)}`, token);
  return { api: ws, mode: 'browser', onConnection: (l) => ws.onState(l), missingToken: token === '' };
}

/** The one client of this page. */
export const client: Client = createClient();
export const api: ByolApi = client.api;
