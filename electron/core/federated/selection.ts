// Who takes part in a round. Every device the selector names is either eligible or excluded with the
// reason a person can act on (offline, busy or hot by its latest telemetry, no local data, not serving the
// round's model); then up to
// ceil(selectCount × overSelect) eligible devices are picked (seeded, so a round can be explained), the
// extra ones standing in for devices that drop out. Fewer eligible devices than the quorum fails the round
// at once, naming the counts and the reasons, instead of waiting for devices that will never come.
import { createHash } from 'node:crypto';
import type { DeviceSummary } from '../api/types.js';
import { resolveTargets } from '../rollouts/selector.js';
import { flCapability, type FlDevices, type FlProbe } from './fl-device.js';

export interface Eligibility {
  deviceId: string;
  name: string;
  /** null: eligible. */
  reason: string | null;
}

/** How busy or hot a device may be to train, judged on its latest telemetry (none: no judgement). */
export interface DeviceLimits {
  /**
   * The agent's CPU time in the last telemetry window, percent of one core; null: no limit (the default, since
   * that figure includes the agent's own inference and its training in the round before).
   */
  maxCpuPercent: number | null;
  maxTemperatureC: number | null;
}

export const defaultLimits: DeviceLimits = { maxCpuPercent: null, maxTemperatureC: null };

/** Why the device's latest telemetry says it should not train now; null when it may (or says nothing). */
export function busyReason(telemetry: DeviceSummary['telemetry'], limits: DeviceLimits): string | null {
  if (!telemetry) return null;
  const at = ` (telemetry of ${telemetry.at})`;
  if (limits.maxCpuPercent !== null && telemetry.cpuLoad !== null && telemetry.cpuLoad > limits.maxCpuPercent) return `busy: CPU load ${telemetry.cpuLoad.toFixed(0)}% above maxCpuPercent ${limits.maxCpuPercent}%${at}`;
  if (limits.maxTemperatureC !== null && telemetry.temperatureC !== null && telemetry.temperatureC > limits.maxTemperatureC) {
    return `too hot: ${telemetry.temperatureC.toFixed(1)} °C above maxTemperatureC ${limits.maxTemperatureC} °C${at}`;
  }
  return null;
}

/** Why a device cannot train in a round of the model with this sha256; null when it can. */
export function ineligibleReason(
  device: Pick<DeviceSummary, 'paired' | 'state' | 'lastSeen'> & Partial<Pick<DeviceSummary, 'telemetry'>>,
  probe: FlProbe | Error | null,
  modelSha256: string,
  limits: DeviceLimits = defaultLimits,
): string | null {
  if (!device.paired) return 'not paired';
  if (device.state === 'offline') return `offline${device.lastSeen ? ` (last seen ${device.lastSeen})` : ''}`;
  const busy = busyReason(device.telemetry ?? null, limits);
  if (busy) return busy;
  if (probe === null) return 'not asked';
  if (probe instanceof Error) return `did not answer (${probe.message.split('\n')[0]})`;
  if (!probe.capabilities.includes(flCapability)) return `no local training data (the agent lacks capability ${flCapability}: start it with --fl-data FILE)`;
  if (probe.activeSha256 !== modelSha256) {
    return `not serving the global model (it serves ${probe.activeSha256 ? probe.activeSha256.slice(0, 12) : 'nothing'}, the round trains ${modelSha256.slice(0, 12)}): deploy the model first`;
  }
  return null;
}

/** How many to ask: ceil(selectCount × overSelect), at most the eligible count. */
export function overSelectCount(selectCount: number, overSelect: number, eligible: number): number {
  return Math.min(eligible, Math.ceil(selectCount * overSelect - 1e-9));
}

/** A seeded order of the eligible devices (sha256 of seed + id), the first `count` of it. */
export function pickParticipants(eligible: readonly string[], count: number, seed: string): string[] {
  const key = (id: string) => createHash('sha256').update(`${seed}\0${id}`).digest('hex');
  return [...eligible].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)).slice(0, count);
}

/** The reason a round fails at selection, or null when it has its quorum. */
export function quorumShortfall(results: readonly Eligibility[], minClients: number, selector: string): string | null {
  const eligible = results.filter((r) => r.reason === null).length;
  if (eligible >= minClients) return null;
  if (results.length === 0) return `No device matches ${selector}: the round needs at least ${minClients} (minClients).`;
  const excluded = results.filter((r) => r.reason !== null);
  const why = excluded.slice(0, 5).map((r) => `${r.name}: ${r.reason}`).join('; ');
  return `Only ${eligible} of the ${results.length} devices matching ${selector} ${eligible === 1 ? 'is' : 'are'} eligible, fewer than minClients ${minClients}. Excluded: ${why}${excluded.length > 5 ? `; and ${excluded.length - 5} more` : ''}.`;
}

/** Probes every device the selector names (at most 8 at once) and says who is eligible. */
export async function checkEligibility(devices: FlDevices, inventory: readonly DeviceSummary[], selector: string, modelSha256: string, timeoutMs = 5000, limits: DeviceLimits = defaultLimits): Promise<Eligibility[]> {
  const ids = resolveTargets(selector, inventory);
  const byId = new Map(inventory.map((d) => [d.id, d]));
  const out: Eligibility[] = new Array(ids.length);
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const i = next++;
      const d = byId.get(ids[i])!;
      let probe: FlProbe | Error | null = null;
      if (d.paired && d.state !== 'offline' && !busyReason(d.telemetry, limits)) {
        try {
          probe = await devices.probe(d.id, timeoutMs);
        } catch (err) {
          probe = err instanceof Error ? err : new Error(String(err));
        }
      }
      out[i] = { deviceId: d.id, name: d.name, reason: ineligibleReason(d, probe, modelSha256, limits) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, ids.length) }, worker));
  return out;
}

/**
 * fl-train's shuffle seed for a round given a seed: one 31-bit number for every device, so the round
 * trains the same updates again from the same model and device data. (The DP noise is never seeded.)
 */
export function shuffleSeed(seed: string): number {
  return createHash('sha256').update(`fl-train\0${seed}`).digest().readUInt32BE(0) >>> 1;
}
