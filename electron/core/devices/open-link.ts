// The one place that turns a paired device's credentials into a link over its transport.
import { AppError } from '../api/errors.js';
import { AgentClient } from './https/agent-client.js';
import type { DeviceLink } from '../../../resources/device-protocol/device-link.js';
import type { DeviceCredentials } from '../registry/device-store.js';
import { parseAddress } from './address.js';
import { parseSerialAddress } from './serial/serial-address.js';
import { SerialLink } from './serial/serial-link.js';
import { openMqttLink } from './mqtt/open-mqtt-link.js';
import { LoggedLink } from './logged-link.js';

/** The link, recording each operation in the device's protocol log when the console's home is known. */
export function openLink(device: DeviceCredentials, timeoutMs = 30_000): DeviceLink {
  const link = transportLink(device, timeoutMs);
  return device.consoleHome ? new LoggedLink(link, device.consoleHome, device.id) : link;
}

function transportLink(device: DeviceCredentials, timeoutMs: number): DeviceLink {
  switch (device.transport) {
    case 'lan':
      return new AgentClient({ ...parseAddress(device.address), fingerprint: device.fingerprint, token: device.token, timeoutMs });
    case 'serial':
      // Opened by the first request and released by close(): a job's worker thread opens the port itself.
      return new SerialLink({ ...parseSerialAddress(device.address), token: device.token, timeoutMs: Math.max(timeoutMs, 60_000) });
    case 'mqtt':
      return openMqttLink(device, timeoutMs);
    default:
      throw new AppError('TRANSPORT_UNSUPPORTED', `No ${device.transport} link yet`, `${device.name} is reached over ${device.transport}, which this console cannot drive yet.`);
  }
}
