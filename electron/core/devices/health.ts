// How a device's health is judged from what it reports. Pure, unit-tested.
import type { DeviceSummary, DeviceTelemetry } from '../api/types.js';
import type { DeviceStatus, TelemetrySummary } from '../../../resources/device-protocol/messages.js';

export interface HealthRules {
  /** p95 latency above this is a warning. */
  warnLatencyMs: number;
  /** A revert the device reported stays an error for this long. */
  revertMemoryMs: number;
}

export const defaultHealthRules: HealthRules = { warnLatencyMs: 250, revertMemoryMs: 10 * 60_000 };

/** Device events that mean a model was found unhealthy and taken off. */
export const revertKinds: readonly string[] = ['trial-unhealthy', 'reverted-at-start', 'active-unloadable'];

export function judgeHealth(
  prev: DeviceTelemetry | null,
  next: DeviceTelemetry,
  lastEvent: DeviceStatus['lastEvent'] | null,
  now = Date.now(),
  rules: HealthRules = defaultHealthRules,
): DeviceSummary['health'] {
  // A counter that went down means the agent restarted: compare nothing across that.
  const errorsRose = prev !== null && next.errors > prev.errors && next.requests >= prev.requests;
  const recentRevert = lastEvent !== null && revertKinds.includes(lastEvent.kind) && now - Date.parse(lastEvent.at) < rules.revertMemoryMs;
  if (errorsRose || recentRevert) return 'error';
  if (next.latencyMs && next.latencyMs.p95 > rules.warnLatencyMs) return 'warning';
  return 'ok';
}

/** The console's compact form of a device telemetry summary. */
export function toDeviceTelemetry(s: TelemetrySummary): DeviceTelemetry {
  return {
    at: s.at,
    requests: s.requests,
    errors: s.errors,
    latencyMs: s.latencyMs ? { p50: s.latencyMs.p50, p95: s.latencyMs.p95, p99: s.latencyMs.p99 } : null,
    rssBytes: s.rssBytes,
    cpuLoad: s.cpuPercent,
    temperatureC: s.temperatureC,
    confidenceMean: s.confidence?.mean ?? null,
  };
}
