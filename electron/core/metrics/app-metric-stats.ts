// The application's own metrics (resources/agent/src/app-metrics.ts), summed over telemetry windows
// and compared between two sides (an A/B variant against its baseline, a rollout's new model against
// the same devices before): counts as events per inference, values as means, each as a ratio with a
// 95 % interval and a two-sided test on its logarithm.
import type { AppMetricSummary } from '../../../resources/device-protocol/messages.js';
import type { AbMetricStats } from '../api/types.js';
import { normalCdf } from '../rollouts/significance.js';

export type MetricTotal = { kind: 'count'; n: number; inferences: number } | { kind: 'value'; n: number; sum: number; sumSq: number };
export type MetricTotals = Record<string, MetricTotal>;

/** Adds one window's metrics; a name whose kind changed (the application changed) keeps its first kind. */
export function addMetricWindow(into: MetricTotals, window: Readonly<Record<string, AppMetricSummary>> | undefined): MetricTotals {
  for (const [name, s] of Object.entries(window ?? {})) {
    addTotal(into, name, 'inferences' in s ? { kind: 'count', n: s.n, inferences: s.inferences } : { kind: 'value', n: s.n, sum: s.sum, sumSq: s.sumSq });
  }
  return into;
}

export function mergeMetricTotals(all: readonly MetricTotals[]): MetricTotals {
  const out: MetricTotals = {};
  for (const t of all) for (const [name, m] of Object.entries(t)) addTotal(out, name, m);
  return out;
}

function addTotal(into: MetricTotals, name: string, m: MetricTotal): void {
  const had = into[name];
  if (!had) into[name] = { ...m };
  else if (had.kind === 'count' && m.kind === 'count') {
    had.n += m.n;
    had.inferences += m.inferences;
  } else if (had.kind === 'value' && m.kind === 'value') {
    had.n += m.n;
    had.sum += m.sum;
    had.sumSq += m.sumSq;
  }
}

/** Events per inference for counts, the mean for values; null when there is nothing to divide by. */
export function metricLevel(m: MetricTotal): number | null {
  if (m.kind === 'count') return m.inferences > 0 ? m.n / m.inferences : null;
  return m.n > 0 ? m.sum / m.n : null;
}

/** Per-metric levels over devices' totals, as the A/B report and the device page show them. */
export function metricStats(perDevice: readonly MetricTotals[]): Record<string, AbMetricStats> {
  const merged = mergeMetricTotals(perDevice);
  const out: Record<string, AbMetricStats> = {};
  for (const [name, m] of Object.entries(merged)) {
    out[name] = { kind: m.kind, n: m.n, ...(m.kind === 'count' ? { inferences: m.inferences } : {}), level: metricLevel(m), devices: perDevice.filter((d) => d[name]).length };
  }
  return out;
}

export interface MetricRatio {
  /** candidate level / baseline level. */
  estimate: number;
  low: number;
  high: number;
  pValue: number;
  significant: boolean;
}

export type MetricComparison = { ok: true; ratio: MetricRatio } | { ok: false; reason: string };

const z95 = 1.959963984540054;

/**
 * candidate / baseline with a 95 % interval. Counts: the ratio of two Poisson rates per inference
 * (Wald interval on the log, half an event added to both sides when one is 0). Values: the ratio of
 * two means (delta method on the log), which needs positive means and two observations a side.
 */
export function compareMetric(baseline: MetricTotal | undefined, candidate: MetricTotal | undefined, alpha = 0.05): MetricComparison {
  if (!baseline || !candidate) return { ok: false, reason: !baseline ? 'the baseline reported none' : 'the candidate reported none' };
  if (baseline.kind !== candidate.kind) return { ok: false, reason: `a ${baseline.kind} on one side and a ${candidate.kind} on the other` };
  let logRatio: number;
  let se: number;
  if (baseline.kind === 'count' && candidate.kind === 'count') {
    if (baseline.inferences === 0 || candidate.inferences === 0) return { ok: false, reason: 'no inferences counted on one side' };
    if (baseline.n === 0 && candidate.n === 0) return { ok: true, ratio: { estimate: 1, low: 0, high: Infinity, pValue: 1, significant: false } };
    const c = baseline.n === 0 || candidate.n === 0 ? 0.5 : 0;
    logRatio = Math.log((candidate.n + c) / candidate.inferences) - Math.log((baseline.n + c) / baseline.inferences);
    se = Math.sqrt(1 / (candidate.n + c) + 1 / (baseline.n + c));
  } else if (baseline.kind === 'value' && candidate.kind === 'value') {
    if (baseline.n < 2 || candidate.n < 2) return { ok: false, reason: 'fewer than 2 observations on one side' };
    const mb = baseline.sum / baseline.n;
    const mc = candidate.sum / candidate.n;
    if (!(mb > 0 && mc > 0)) return { ok: false, reason: 'a ratio of means needs positive means' };
    const variance = (t: { n: number; sum: number; sumSq: number }, m: number) => Math.max(0, (t.sumSq - t.n * m * m) / (t.n - 1));
    logRatio = Math.log(mc / mb);
    se = Math.sqrt(variance(baseline, mb) / (baseline.n * mb * mb) + variance(candidate, mc) / (candidate.n * mc * mc));
  } else {
    return { ok: false, reason: 'mixed kinds' };
  }
  if (se === 0) {
    const estimate = Math.exp(logRatio);
    return { ok: true, ratio: { estimate, low: estimate, high: estimate, pValue: logRatio === 0 ? 1 : 0, significant: logRatio !== 0 } };
  }
  const pValue = Math.min(1, 2 * (1 - normalCdf(Math.abs(logRatio / se))));
  return {
    ok: true,
    ratio: { estimate: Math.exp(logRatio), low: Math.exp(logRatio - z95 * se), high: Math.exp(logRatio + z95 * se), pValue, significant: pValue < alpha },
  };
}
