// What one device's telemetry history says about the variant it served during an A/B assignment.
// The agent's histogram counts every request since it started, so the difference between two
// consecutive summaries is exactly the requests of that window: the windows wholly inside the
// assignment (and served by the assigned model) are the ones that count.
import type { TelemetrySummary } from '../../../resources/device-protocol/messages.js';
import { addMetricWindow, type MetricTotals } from '../metrics/app-metric-stats.js';

export interface DeviceAbSample {
  /** Windows counted. */
  windows: number;
  requests: number;
  errors: number;
  /** Per-request latencies rebuilt from the histogram (see spreadBucket), at most maxLatencies. */
  latenciesMs: number[];
  /** Mean top-1 confidence per counted window. */
  confidenceMeans: number[];
  /** The application's own metrics over the counted windows. */
  metrics: MetricTotals;
}

export interface WindowFilter {
  since: string;
  /** Windows ending after this do not count (a stopped assignment). */
  until?: string | null;
  model: { name: string; version: string };
}

/** Enough per device for percentiles; beyond it the counts are thinned in proportion. */
export const maxLatencies = 500;

/**
 * A summary's confidence is the mean over the agent's ring of its last 2048 answered requests
 * (resources/agent/src/telemetry.ts), not over its window: it speaks only for the assigned model
 * once that many requests were answered since the assignment started.
 */
export const confidenceRing = 2048;

export function deviceAbSample(history: readonly TelemetrySummary[], filter: WindowFilter): DeviceAbSample {
  const since = Date.parse(filter.since);
  const until = filter.until ? Date.parse(filter.until) : Infinity;
  const sample: DeviceAbSample = { windows: 0, requests: 0, errors: 0, latenciesMs: [], confidenceMeans: [], metrics: {} };
  let counts: number[] | null = null;
  let bounds: number[] | null = null;
  let answeredAtStart: number | null = null;
  for (let i = 1; i < history.length; i++) {
    const prev = history[i - 1];
    const cur = history[i];
    if (Date.parse(prev.at) < since || Date.parse(cur.at) > until) continue;
    if (!servedBy(prev, filter.model) || !servedBy(cur, filter.model)) continue;
    // A restarted agent starts its counters again: that window cannot be told apart.
    if (cur.seq !== prev.seq + 1 || !sameBounds(prev, cur)) continue;
    const delta = cur.histogram.counts.map((c, k) => c - (prev.histogram.counts[k] ?? 0));
    if (delta.some((d) => d < 0)) continue;
    answeredAtStart ??= prev.requests - prev.errors;
    bounds ??= cur.histogram.boundsMs;
    counts ??= new Array<number>(delta.length).fill(0);
    delta.forEach((d, k) => (counts![k] += d));
    sample.windows++;
    sample.requests += cur.windowRequests;
    sample.errors += cur.windowErrors;
    addMetricWindow(sample.metrics, cur.metrics);
    const answered = cur.requests - cur.errors - answeredAtStart;
    if (cur.confidence && cur.windowRequests > cur.windowErrors && answered >= confidenceRing) sample.confidenceMeans.push(cur.confidence.mean);
  }
  if (counts && bounds) sample.latenciesMs = latenciesFromHistogram(bounds, counts);
  return sample;
}

function servedBy(t: TelemetrySummary, model: WindowFilter['model']): boolean {
  return t.model?.name === model.name && t.model.version === model.version;
}

function sameBounds(a: TelemetrySummary, b: TelemetrySummary): boolean {
  const x = a.histogram.boundsMs;
  const y = b.histogram.boundsMs;
  return x.length === y.length && x.every((v, k) => v === y[k]) && a.histogram.counts.length === b.histogram.counts.length;
}

/**
 * Per-request latencies from bucket counts: bucket k holds (bounds[k-1], bounds[k]] (the first from
 * 0, the last open one up to twice the largest bound), and its n requests are spread evenly over it.
 */
export function latenciesFromHistogram(boundsMs: readonly number[], counts: readonly number[], cap = maxLatencies): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const scale = total > cap ? cap / total : 1;
  const out: number[] = [];
  counts.forEach((c, k) => {
    const n = Math.round(c * scale);
    const low = k === 0 ? 0 : boundsMs[k - 1];
    const high = k < boundsMs.length ? boundsMs[k] : 2 * boundsMs[boundsMs.length - 1];
    for (let j = 0; j < n; j++) out.push(low + ((j + 0.5) / n) * (high - low));
  });
  return out;
}
