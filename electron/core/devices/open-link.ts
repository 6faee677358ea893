// The one place that turns a paired device's credentials into a link over its transport.
import { AppError } from '../api/errors.js';
import { AgentClient } from '../device-protocol/agent-client.js';
import type { DeviceLink } from '../device-protocol/device-link.js';
import type { DeviceCredentials } from '../registry/device-store.js';
import { parseAddress } from './address.js';

export function openLink(device: DeviceCredentials, timeoutMs = 30_000): DeviceLink {
  switch (device.transport) {
    case 'lan':
      return new AgentClient({ ...parseAddress(device.address), fingerprint: device.fingerprint, token: device.token, timeoutMs });
    default:
      throw new AppError('TRANSPORT_UNSUPPORTED', `No ${device.transport} link yet`, `${device.name} is reached over ${device.transport}, which this console cannot drive yet.`);
  }
}
