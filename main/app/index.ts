// Electron entry: windows, menu, dialogs, protocols and IPC. Everything else lives in
// main/api and below and runs in plain Node too (serve mode, CLI, tests).
import { app, BrowserWindow, dialog, Menu } from 'electron';
import path from 'node:path';
import { AppService } from '../api/service';
import { registerIpc, makeEmitter } from './ipc';
import { handleProtocols, registerSchemes } from './protocols';
import { createMainWindow } from './window';
import { buildMenu } from './menu';

registerSchemes();
app.enableSandbox();

const outDir = path.join(__dirname, '..');
let mainWindow: BrowserWindow | null = null;

const service = new AppService({
  mode: 'electron',
  dataRoot: process.env.BYOL_DATA_DIR ?? path.join(app.getPath('userData'), 'data'),
  version: app.getVersion(),
  emit: makeEmitter(() => BrowserWindow.getAllWindows()),
  openFolderDialog: async () => {
    const opts = { title: 'Open a folder of images', properties: ['openDirectory' as const] };
    const r = mainWindow ? await dialog.showOpenDialog(mainWindow, opts) : await dialog.showOpenDialog(opts);
    return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0];
  },
});

app.whenReady().then(() => {
  handleProtocols(path.join(outDir, 'renderer'), service);
  registerIpc(service);
  mainWindow = createMainWindow(path.join(outDir, 'preload/index.cjs'));
  Menu.setApplicationMenu(buildMenu(() => mainWindow));
});

app.on('window-all-closed', () => {
  void service.close().finally(() => app.quit());
});
