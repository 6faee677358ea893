import type { Envelope } from '../../../electron/core/api/contract.js';

/** What the Electron preload exposes through contextBridge. */
export interface EdgefleetBridge {
  invoke(channel: string, input: unknown): Promise<Envelope<unknown>>;
  onEvent(listener: (name: string, payload: unknown) => void): () => void;
  platform: 'electron';
}

declare global {
  interface Window {
    edgefleet?: EdgefleetBridge;
  }
}
