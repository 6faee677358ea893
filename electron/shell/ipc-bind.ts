import { ipcMain, type BrowserWindow, type WebContents } from 'electron';
import { channels } from '../core/api/contract.js';
import type { Core } from '../core/core.js';

/** Serves every contract channel over Electron IPC from the same handlers as the browser mode. */
export function bindIpc(core: Core, isTrusted: (sender: WebContents, frameUrl: string) => boolean): () => void {
  for (const channel of channels) {
    ipcMain.handle(channel, (event, input: unknown) => {
      if (!isTrusted(event.sender, event.senderFrame?.url ?? '')) {
        return { ok: false, error: { code: 'FORBIDDEN', title: 'Forbidden', detail: 'Untrusted sender.' } };
      }
      return core.call(channel, input);
    });
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}

/** Pushes core events to a window's renderer. */
export function forwardEvents(core: Core, win: BrowserWindow): () => void {
  return core.bus.on((event, payload) => {
    if (!win.isDestroyed()) win.webContents.send('edgefleet:event', { event, payload });
  });
}
