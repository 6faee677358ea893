import { app, dialog, Menu, shell, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import type { Core } from '../core/core.js';
import { pickModelFile } from './dialogs.js';

export function buildMenu(core: Core, getWindow: () => BrowserWindow | null): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        {
          label: 'Import Model…',
          accelerator: 'CmdOrCtrl+O',
          click: async () => {
            const path = await pickModelFile(getWindow());
            if (path) await core.call('models.import', { path });
          },
        },
        { label: 'Open Data Folder', click: () => void shell.openPath(core.home) },
        { type: 'separator' },
        process.platform === 'darwin' ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        { role: 'toggleDevTools', visible: !app.isPackaged },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        {
          label: 'About EdgeFleet',
          click: () =>
            void dialog.showMessageBox({
              type: 'info',
              title: 'About EdgeFleet',
              message: `EdgeFleet ${app.getVersion()}`,
              detail: `Fleet operations for machine learning on edge devices.\nData folder: ${core.home}`,
            }),
        },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}
