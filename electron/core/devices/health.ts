// How a device's health is judged from what it reports. Pure, unit-tested.
import type { DeviceSummary, DeviceTelemetry } from '../api/types.js';
import type { TelemetrySummary } from '../../../resources/device-protocol/messages.js';

export interface HealthRules {
  /** p95 latency above this is a warning. */
  warnLatencyMs: number;
}

export const defaultHealthRules: HealthRules = { warnLatencyMs: 250 };

/** Device events that mean a model was found unhealthy and taken off (the device then serves its previous one). */
export const revertKinds: readonly string[] = ['trial-unhealthy', 'reverted-at-start', 'active-unloadable'];

/**
 * The health of what the device serves now, from its telemetry. A revert is not judged here: the device took a
 * bad model off and serves its confirmed one, so it is shown as the device's last change (DeviceChange), not as a
 * fault; errors the bad model answered before the revert still count once, in the telemetry that carries them.
 */
export function judgeHealth(prev: DeviceTelemetry | null, next: DeviceTelemetry, rules: HealthRules = defaultHealthRules, drift: DeviceSummary['drift'] = null): DeviceSummary['health'] {
  // A counter that went down means the agent restarted: compare nothing across that.
  const errorsRose = prev !== null && next.errors > prev.errors && next.requests >= prev.requests;
  if (errorsRose) return 'error';
  if (next.latencyMs && next.latencyMs.p95 > rules.warnLatencyMs) return 'warning';
  // The model serves, but on data unlike what it was validated on: its accuracy is unknown (PSI 0.25 or more).
  if (drift?.level === 'act') return 'warning';
  return 'ok';
}

/** The health once the drift of the active model is known, without new telemetry. */
export function healthWithDrift(health: DeviceSummary['health'], drift: DeviceSummary['drift']): DeviceSummary['health'] {
  // Unknown too: the drift windows themselves show the device reports and serves.
  return (health === 'ok' || health === 'unknown') && drift?.level === 'act' ? 'warning' : health;
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
