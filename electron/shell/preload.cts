// Sandboxed preload (CommonJS, may only require 'electron'): exposes the one typed API as window.edgefleet.
// The main process validates every channel and input against the contract; this side only forwards.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

const channelPattern = /^[a-z]+\.[A-Za-z]+$/;

contextBridge.exposeInMainWorld('edgefleet', {
  platform: 'electron',
  invoke(channel: string, input: unknown): Promise<unknown> {
    if (typeof channel !== 'string' || !channelPattern.test(channel)) {
      return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_CHANNEL', title: 'Unknown request', detail: String(channel) } });
    }
    return ipcRenderer.invoke(channel, input);
  },
  onEvent(listener: (name: string, payload: unknown) => void): () => void {
    const handler = (_e: IpcRendererEvent, message: { event: string; payload: unknown }) =>
      listener(message.event, message.payload);
    ipcRenderer.on('edgefleet:event', handler);
    return () => {
      ipcRenderer.removeListener('edgefleet:event', handler);
    };
  },
});
