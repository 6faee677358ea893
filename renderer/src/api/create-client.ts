import type { ApiClient } from './api-client.js';
import { createBrowserClient } from './browser-client.js';
import { takeBrowserToken } from './browser-token.js';
import { createElectronClient } from './electron-client.js';

/** Picks the transport: the preload bridge under Electron, HTTP + WebSocket in a browser. */
export function createClient(): ApiClient {
  if (window.edgefleet?.platform === 'electron') return createElectronClient(window.edgefleet);
  return createBrowserClient(takeBrowserToken());
}
