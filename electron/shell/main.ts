// The Electron shell: binds the plain-Node core to a window, IPC, menu, dialogs and the taskbar.
import { app, BrowserWindow, Menu } from 'electron';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCore, type Core } from '../core/core.js';
import { overallFraction } from '../core/jobs/progress.js';
import { resolveHome } from '../core/registry/home.js';
import { pickModelFile } from './dialogs.js';
import { safeStorageSecretStore, safeStorageTokenSealer } from './secret-store.js';
import { bindIpc, forwardEvents } from './ipc-bind.js';
import { buildMenu } from './menu.js';
import { createMainWindow, hardenSession, isTrustedSender } from './window.js';

let core: Core | null = null;
let win: BrowserWindow | null = null;

function homeFromArgs(): string | undefined {
  const { values } = parseArgs({ args: process.argv.slice(1), options: { home: { type: 'string' } }, strict: false });
  return typeof values.home === 'string' ? values.home : undefined;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  app.on('web-contents-created', (_e, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  void app.whenReady().then(() => {
    hardenSession();
    core = createCore({
      home: resolveHome(homeFromArgs()),
      mode: 'electron',
      resourcesDir: app.isPackaged ? join(process.resourcesPath, 'resources') : undefined,
      overrides: { 'dialog.openModel': async () => ({ path: await pickModelFile(win) }) },
      secretStore: safeStorageSecretStore(resolveHome(homeFromArgs())),
      tokenSealer: safeStorageTokenSealer(),
    });
    const c = core;
    bindIpc(c, isTrustedSender);
    Menu.setApplicationMenu(buildMenu(c, () => win));
    win = createMainWindow();
    const w = win;
    forwardEvents(c, w);
    c.bus.on((event) => {
      if (event === 'jobs.updated' && !w.isDestroyed()) w.setProgressBar(overallFraction(c.jobs.list()));
    });
    w.on('closed', () => (win = null));
  });

  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => {
    void core?.close();
    core = null;
  });
}
