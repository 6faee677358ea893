// What every binding's pairing writes to the inventory once the device has answered info and status.
import type { DeviceSummary } from '../api/types.js';
import type { DeviceInfo, DeviceStatus } from '../../../resources/device-protocol/messages.js';
import type { DeviceContext } from './device-context.js';
import { hardwareOf } from './hardware-fields.js';
import { statusPatch } from './status-fields.js';

export interface PairedLink {
  transport: DeviceSummary['transport'];
  address: string;
  fingerprint: string;
  token: string;
}

export function recordPaired(ctx: DeviceContext, deviceId: string, link: PairedLink, info: DeviceInfo, status: DeviceStatus): DeviceSummary {
  const device = ctx.store.upsert(deviceId, {
    name: info.name,
    ...link,
    arch: info.arch,
    agentVersion: info.agentVersion,
    hardware: hardwareOf(info),
    health: 'unknown',
    ...statusPatch(status),
  });
  ctx.changed.now(deviceId);
  return device;
}
