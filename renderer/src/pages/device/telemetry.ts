import type { DeviceTelemetry } from '../../../../electron/core/api/types.js';

export interface TelemetrySeries {
  at: Date[];
  p50: (number | null)[];
  p95: (number | null)[];
  p99: (number | null)[];
  requestsPerSec: (number | null)[];
  errorsPerSec: (number | null)[];
  confidence: (number | null)[];
  rssMiB: (number | null)[];
  cpuLoad: (number | null)[];
  temperatureC: (number | null)[];
  hasTemperature: boolean;
  hasCpu: boolean;
  hasConfidence: boolean;
}

/**
 * Chart series from the telemetry history. Requests and errors are counters since the agent started, so
 * rates come from successive samples; a counter going down (agent restart) leaves a gap, not a negative rate.
 */
export function toSeries(history: DeviceTelemetry[]): TelemetrySeries {
  const h = [...history].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const s: TelemetrySeries = {
    at: [],
    p50: [],
    p95: [],
    p99: [],
    requestsPerSec: [],
    errorsPerSec: [],
    confidence: [],
    rssMiB: [],
    cpuLoad: [],
    temperatureC: [],
    hasTemperature: false,
    hasCpu: false,
    hasConfidence: false,
  };
  let prev: { t: number; requests: number; errors: number } | null = null;
  for (const x of h) {
    const t = new Date(x.at).getTime();
    if (Number.isNaN(t)) continue;
    s.at.push(new Date(t));
    s.p50.push(x.latencyMs?.p50 ?? null);
    s.p95.push(x.latencyMs?.p95 ?? null);
    s.p99.push(x.latencyMs?.p99 ?? null);
    const dt = prev ? (t - prev.t) / 1000 : 0;
    const ok = prev !== null && dt > 0 && x.requests >= prev.requests && x.errors >= prev.errors;
    s.requestsPerSec.push(ok && prev ? (x.requests - prev.requests) / dt : null);
    s.errorsPerSec.push(ok && prev ? (x.errors - prev.errors) / dt : null);
    s.confidence.push(x.confidenceMean);
    s.rssMiB.push(x.rssBytes === null ? null : x.rssBytes / (1024 * 1024));
    s.cpuLoad.push(x.cpuLoad);
    s.temperatureC.push(x.temperatureC);
    if (x.temperatureC !== null) s.hasTemperature = true;
    if (x.cpuLoad !== null) s.hasCpu = true;
    if (x.confidenceMean !== null) s.hasConfidence = true;
    prev = { t, requests: x.requests, errors: x.errors };
  }
  return s;
}
