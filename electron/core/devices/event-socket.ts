// The device's event stream (telemetry summaries, status changes) with an explicit close callback,
// which the feed needs to notice a device that went away.
import WebSocket from 'ws';
import { eventsPath } from '../../../resources/device-protocol/http/binding.js';
import { deviceEventSchema, type DeviceEvent } from '../../../resources/device-protocol/messages.js';
import { pinnedConnection } from './https/pinned-tls.js';
import type { DeviceCredentials } from '../registry/device-store.js';
import { parseAddress } from './address.js';

export interface EventSocketHandlers {
  onOpen(): void;
  onEvent(e: DeviceEvent): void;
  /** Called once, whether the socket closed, failed to open or was closed by close(). */
  onClose(err: Error | null): void;
}

export function openEventSocket(device: DeviceCredentials, h: EventSocketHandlers): { close(): void } {
  const { host, port } = parseAddress(device.address);
  const url = `wss://${host.includes(':') ? `[${host}]` : host}:${port}${eventsPath}`;
  const ws = new WebSocket(url, {
    headers: { Authorization: `Bearer ${device.token}` },
    createConnection: pinnedConnection(device.fingerprint) as never,
    handshakeTimeout: 10_000,
  });
  let closed = false;
  let lastError: Error | null = null;
  const finish = () => {
    if (closed) return;
    closed = true;
    h.onClose(lastError);
  };
  ws.on('open', () => h.onOpen());
  ws.on('message', (data) => {
    try {
      const parsed = deviceEventSchema.safeParse(JSON.parse(data.toString()));
      if (parsed.success) h.onEvent(parsed.data);
    } catch {
      // A malformed message is ignored; the next summary brings the state again.
    }
  });
  ws.on('unexpected-response', (_req, res) => {
    lastError = Object.assign(new Error(`HTTP ${res.statusCode}`), { code: res.statusCode === 401 ? 'UNAUTHORIZED' : `HTTP_${res.statusCode}` });
    ws.terminate();
    finish();
  });
  ws.on('error', (err) => (lastError = err));
  ws.on('close', finish);
  return {
    close: () => {
      ws.terminate();
      finish();
    },
  };
}
