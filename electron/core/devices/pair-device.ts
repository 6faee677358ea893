// Pairing: trade the device's one-time code for a token, pin the certificate it showed, and record it.
// Without a fingerprint given, the first pairing trusts whatever certificate answers (trust on first
// use); with one, the certificate must match it before the code leaves the console.
import { AppError, toErrorData } from '../api/errors.js';
import type { DeviceSummary } from '../api/types.js';
import { AgentClient } from './https/agent-client.js';
import { fingerprintMatches, isFingerprintInput, normalizeFingerprint, shortFingerprint } from '../../../resources/device-protocol/fingerprint.js';
import { parseAddress } from './address.js';
import type { DeviceContext } from './device-context.js';
import { deviceError } from './device-errors.js';
import { probeAgent } from './probe.js';
import { recordPaired } from './record-paired.js';

export async function pairDevice(ctx: DeviceContext, address: string, code: string, fingerprint?: string): Promise<DeviceSummary> {
  const where = parseAddress(address);
  if (fingerprint !== undefined && !isFingerprintInput(fingerprint)) {
    throw new AppError('FINGERPRINT_INVALID', 'Not a certificate fingerprint', `"${fingerprint}" is not a fingerprint. Give the 16 hex digits the device prints next to its pairing code (e.g. 3F2A 9C1B 77E0 4D18), or its full SHA-256.`);
  }
  const key = await ctx.consoleKey();
  let shown: string | null = null;
  try {
    if (fingerprint !== undefined) {
      // The short form cannot pin a TLS session by itself: look at the certificate first (no code goes
      // out), then pin its full SHA-256 for the pairing request, so a swap in between is refused too.
      shown = (await probeAgent(where)).fingerprint;
      if (!fingerprintMatches(fingerprint, shown)) throw fingerprintMismatch(address, fingerprint, shown);
    }
    const { client, deviceId, token, certFingerprint } = await AgentClient.pair({
      ...where,
      code,
      ...(shown ? { fingerprint: shown } : {}),
      consolePublicKey: key.publicKey,
      consoleName: ctx.consoleName(),
      timeoutMs: 30_000,
    });
    const [info, status] = await Promise.all([client.info(), client.status()]);
    return recordPaired(ctx, deviceId, { transport: 'lan', address, fingerprint: certFingerprint, token }, info, status);
  } catch (err) {
    if (fingerprint !== undefined && toErrorData(err).code === 'DEVICE_FINGERPRINT_MISMATCH') throw fingerprintMismatch(address, fingerprint, null);
    throw deviceError(err, address);
  }
}

function fingerprintMismatch(address: string, given: string, shown: string | null): AppError {
  const full = normalizeFingerprint(given);
  const gave = full.length === 64 ? `SHA-256 ${full}` : shortFingerprint(full);
  const showing = shown ? `shows certificate ${shortFingerprint(shown)} (SHA-256 ${shown})` : 'changed its certificate while pairing';
  return new AppError(
    'FINGERPRINT_MISMATCH',
    'Pairing refused: the certificate does not match the fingerprint you gave',
    `The device at ${address} ${showing}, but you gave ${gave}. The pairing code was not sent. Compare again with the fingerprint the device prints next to its pairing code; if they differ, another machine may be answering at this address: check the address and the network before pairing.`,
  );
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
