import { Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';

/** The menu forwards commands to the renderer, which owns the shortcuts' behaviour. */
export function buildMenu(getWindow: () => BrowserWindow | null): Menu {
  const send = (command: string) => () => getWindow()?.webContents.send('byol:event', { event: 'menu.command', payload: command });
  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        { label: 'Open Folder…', accelerator: 'CmdOrCtrl+O', click: send('open-folder') },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { label: 'View', submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }, { role: 'togglefullscreen' }] },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}
