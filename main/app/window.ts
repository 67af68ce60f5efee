import { BrowserWindow, shell } from 'electron';
import { APP_ORIGIN, secureWebPreferences } from './security';

export function createMainWindow(preload: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    backgroundColor: '#0f1115',
    title: 'BYOL Explorer',
    show: false,
    webPreferences: secureWebPreferences(preload),
  });
  win.once('ready-to-show', () => win.show());
  // Navigation away from the bundle and new windows are blocked; http(s) links open in the
  // user's browser instead.
  win.webContents.on('will-navigate', (e, url) => {
    if (!url.startsWith(APP_ORIGIN)) e.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}
