// Pairing: trade the device's one-time code for a token, pin the certificate it showed, and record it.
import type { DeviceSummary } from '../api/types.js';
import { AgentClient } from '../device-protocol/agent-client.js';
import { parseAddress } from './address.js';
import type { DeviceContext } from './device-context.js';
import { deviceError } from './device-errors.js';
import { probeAgent } from './probe.js';
import { statusPatch } from './status-fields.js';

export async function pairDevice(ctx: DeviceContext, address: string, code: string): Promise<DeviceSummary> {
  const where = parseAddress(address);
  const key = await ctx.consoleKey();
  try {
    const { client, deviceId, token, certFingerprint } = await AgentClient.pair({
      ...where,
      code,
      consolePublicKey: key.publicKey,
      consoleName: ctx.consoleName(),
      timeoutMs: 30_000,
    });
    const [info, status] = await Promise.all([client.info(), client.status()]);
    const device = ctx.store.upsert(deviceId, {
      name: info.name,
      transport: 'lan',
      address,
      fingerprint: certFingerprint,
      token,
      arch: info.arch,
      agentVersion: info.agentVersion,
      health: 'unknown',
      ...statusPatch(status),
    });
    ctx.changed.now(deviceId);
    return device;
  } catch (err) {
    throw deviceError(err, address);
  }
}

/** Records an agent seen at an address without pairing (state 'discovered'). */
export async function addDevice(ctx: DeviceContext, address: string): Promise<DeviceSummary> {
  let probe;
  try {
    probe = await probeAgent(parseAddress(address));
  } catch (err) {
    throw deviceError(err, address);
  }
  const known = ctx.store.get(probe.deviceId);
  const device = known
    ? ctx.store.upsert(probe.deviceId, { address, lastSeen: new Date().toISOString() })
    : ctx.store.upsert(probe.deviceId, { name: probe.deviceId, address, state: 'discovered', lastSeen: new Date().toISOString() });
  ctx.changed.now(device.id);
  return device;
}
