// Turns an assignment and its devices' samples into the A/B status: per-variant latency with
// intervals, differences against the baseline with their tests, and a verdict in words.
import type { AbAssignment, AbComparison, AbDifference, AbInterval, AbMetricRatio, AbStatus, AbVariantStats } from '../api/types.js';
import { compareMetric, mergeMetricTotals, metricStats, type MetricTotals } from '../metrics/app-metric-stats.js';
import { compareVariants, suggestWinner, type Interval, type VariantSample } from './ab-stats.js';
import type { DeviceAbSample } from './ab-telemetry.js';

export const abAlpha = 0.05;
/**
 * Below this many reporting devices in a variant, latency differences are shown but never called
 * significant: a bootstrap over two or three devices claims far more certainty than it has.
 */
export const minDevicesForLatency = 4;
/**
 * A latency difference smaller than this share of the baseline is never called significant: the
 * agents' histogram buckets (1, 2, 5, 10 ms …) cannot resolve smaller shifts, so they are artefacts
 * of rebuilding latencies from the buckets more often than real.
 */
export const minLatencyEffect = 0.1;
/** Latencies kept over all devices: each bootstrap and permutation round sorts them, so big fleets are thinned. */
export const latencyBudget = 20_000;

export interface AbReportInput {
  assignment: AbAssignment;
  /** Device id → its sample; devices missing here could not be reached. */
  samples: ReadonlyMap<string, DeviceAbSample>;
  unreachable: string[];
  iterations?: number;
}

export function buildAbStatus({ assignment, samples, unreachable, iterations = 500 }: AbReportInput): AbStatus {
  const computedAt = new Date().toISOString();
  const perVariant = assignment.variants.map((v) => {
    const failed = new Set(v.failedDeviceIds);
    const devices = v.deviceIds.filter((d) => !failed.has(d));
    const reporting = devices.flatMap((d) => {
      const s = samples.get(d);
      return s && s.windows > 0 ? [s] : [];
    });
    return { variant: v, devices, reporting };
  });
  const total = sum(perVariant.flatMap((p) => p.reporting.map((s) => s.latenciesMs.length)));
  const keep = (xs: readonly number[]) => (total > latencyBudget ? thin(xs, Math.max(1, Math.round((xs.length * latencyBudget) / total))) : [...xs]);
  const variantSamples: VariantSample[] = perVariant.map(({ variant, reporting }) => {
    const clusters = reporting.filter((s) => s.latenciesMs.length > 0).map((s) => keep(s.latenciesMs));
    return {
      id: variant.name,
      latenciesMs: clusters.flat(),
      latencyClusters: clusters,
      requests: sum(reporting.map((s) => s.requests)),
      errors: sum(reporting.map((s) => s.errors)),
      confidences: reporting.flatMap((s) => s.confidenceMeans),
    };
  });
  const report = compareVariants(variantSamples, { alpha: abAlpha, iterations, seed: assignment.seed });
  const enough = (name: string) => (perVariant.find((p) => p.variant.name === name)?.reporting.length ?? 0) >= minDevicesForLatency;
  const baseline = report.controlId;

  const variants: AbVariantStats[] = perVariant.map(({ variant, devices, reporting }, i) => {
    const stats = report.variants[i];
    const confidences = variantSamples[i].confidences;
    return {
      name: variant.name,
      modelName: variant.modelName,
      modelVersion: variant.modelVersion,
      control: variant.control,
      devices: devices.length,
      devicesReporting: reporting.length,
      windows: sum(reporting.map((s) => s.windows)),
      requests: variantSamples[i].requests,
      errors: variantSamples[i].errors,
      errorRate: finite(stats.errorRate),
      latencyP50Ms: interval(stats.p50Ms),
      latencyP95Ms: interval(stats.p95Ms),
      confidenceMean: confidences.length ? sum(confidences) / confidences.length : null,
      metrics: metricStats(reporting.map((r) => r.metrics)),
    };
  });
  const totalsOf = (name: string) => mergeMetricTotals(perVariant.find((p) => p.variant.name === name)?.reporting.map((r) => r.metrics) ?? []);

  const base = report.variants[0];
  const comparisons: AbComparison[] = report.comparisons.map((c) => {
    const latencyOk = enough(c.id) && enough(baseline);
    const p50 = difference(c.p50DiffMs, latencyOk, base.p50Ms.estimate);
    const p95 = difference(c.p95DiffMs, latencyOk, base.p95Ms.estimate);
    const errorRateDiff: AbDifference = {
      estimate: finite(c.errorRate.difference),
      low: null,
      high: null,
      pValue: finite(c.errorRate.pValue),
      significant: c.errorRate.significant,
    };
    const confidenceShift = {
      ks: finite(c.confidenceShift.statistic),
      psi: finite(c.confidenceShift.psi),
      pValue: finite(c.confidenceShift.pValue),
      significant: c.confidenceShift.significant,
    };
    return {
      variant: c.id,
      baseline,
      latencyP50DiffMs: p50,
      latencyP95DiffMs: p95,
      errorRateDiff,
      confidenceShift,
      metrics: metricRatios(totalsOf(baseline), totalsOf(c.id)),
      // The primary metrics; p95 and the confidence shift are guardrails with their own flags, kept out
      // of the headline so that two equal variants are not called different once in every few tests.
      significant: p50.significant || errorRateDiff.significant,
    };
  });

  // suggestWinner reads the raw report: give it the latency calls as this status makes them.
  const judged = {
    ...report,
    comparisons: report.comparisons.map((c, i) => ({
      ...c,
      p50DiffMs: { ...c.p50DiffMs, significant: comparisons[i].latencyP50DiffMs.significant },
      p95DiffMs: { ...c.p95DiffMs, significant: comparisons[i].latencyP95DiffMs.significant },
    })),
  };
  const suggestion = suggestWinner(judged);
  const winner = suggestion.id === baseline ? null : suggestion.id;
  return {
    assignment,
    alpha: abAlpha,
    variants,
    comparisons,
    winner,
    verdict: verdict(assignment, variants, comparisons, winner),
    unreachable,
    computedAt,
  };
}

function verdict(a: AbAssignment, variants: AbVariantStats[], comparisons: AbComparison[], winner: string | null): string {
  if (!a.servingSince) return a.state === 'failed' ? 'The cohorts could not be deployed: no statistics.' : 'The cohorts are being deployed: no statistics yet.';
  const silent = variants.filter((v) => v.requests === 0).map((v) => v.name);
  if (silent.length) return `No requests counted yet for ${silent.join(', ')}: wait for traffic and at least two telemetry windows.`;
  const parts = comparisons.map((c) => describeComparison(c, variants));
  for (const c of comparisons) {
    const m = describeMetrics(c);
    if (m) parts.push(m);
  }
  const few = variants.filter((v) => v.devicesReporting < minDevicesForLatency).map((v) => v.name);
  const small = comparisons.filter((c) => !c.latencyP50DiffMs.significant && c.latencyP50DiffMs.pValue !== null && c.latencyP50DiffMs.pValue < abAlpha);
  if (small.length && !few.length) parts.push(`Latency differences under ${minLatencyEffect * 100} % of the baseline are not called significant (${small.map((c) => c.variant).join(', ')}).`);
  if (few.length) parts.push(`Latency is not judged with fewer than ${minDevicesForLatency} reporting devices per variant (${few.join(', ')}).`);
  parts.push(winner ? `${winner} wins: better on what was measured and worse on nothing.` : 'No variant beats the baseline safely.');
  return parts.join(' ');
}

function describeComparison(c: AbComparison, variants: AbVariantStats[]): string {
  const v = variants.find((x) => x.name === c.variant)!;
  const b = variants.find((x) => x.name === c.baseline)!;
  const d = c.latencyP50DiffMs;
  const lat =
    d.estimate === null
      ? `${c.variant}: p50 latency not measurable yet`
      : `${c.variant} (${v.modelName} v${v.modelVersion}) p50 ${fmt(v.latencyP50Ms.estimate)} ms vs ${c.baseline} ${fmt(b.latencyP50Ms.estimate)} ms, ` +
        `difference ${sign(d.estimate)} ms${d.low !== null && d.high !== null ? ` (95 % CI ${fmt(d.low)} to ${fmt(d.high)})` : ''}` +
        `${d.pValue !== null ? `, p = ${pfmt(d.pValue)}` : ''}: ${d.significant ? 'significant' : 'not significant'}`;
  const err = c.errorRateDiff;
  const errText =
    err.pValue === null
      ? 'error rates not comparable'
      : `error rate ${pct(v.errorRate)} vs ${pct(b.errorRate)} (p = ${pfmt(err.pValue)}, ${err.significant ? 'significant' : 'not significant'})`;
  const conf = c.confidenceShift;
  const confText =
    conf.pValue === null
      ? 'confidence shift not measurable'
      : `confidence ${conf.significant ? 'shifted' : 'did not shift'} (KS p = ${pfmt(conf.pValue)}, PSI ${fmt(conf.psi)})`;
  return `${lat}; ${errText}; ${confText}.`;
}

function metricRatios(base: MetricTotals, variant: MetricTotals): Record<string, AbMetricRatio> {
  const out: Record<string, AbMetricRatio> = {};
  for (const name of [...new Set([...Object.keys(base), ...Object.keys(variant)])].sort()) {
    const c = compareMetric(base[name], variant[name], abAlpha);
    out[name] = c.ok
      ? { estimate: finite(c.ratio.estimate), low: finite(c.ratio.low), high: finite(c.ratio.high), pValue: finite(c.ratio.pValue), significant: c.ratio.significant }
      : { estimate: null, low: null, high: null, pValue: null, significant: false, note: c.reason };
  }
  return out;
}

function describeMetrics(c: AbComparison): string | null {
  const moved = Object.entries(c.metrics).filter(([, m]) => m.significant);
  if (!moved.length) return null;
  const each = moved.map(([name, m]) => `${name} ${fmt(m.estimate)}× (95 % CI ${fmt(m.low)} to ${fmt(m.high)}, p ${(m.pValue ?? 1) < 0.001 ? '' : '= '}${pfmt(m.pValue ?? 1)})`);
  return `Application metrics of ${c.variant} that differ significantly from ${c.baseline}: ${each.join(', ')}; whether higher is better is the application's to say.`;
}

function difference(d: Interval & { pValue: number; significant: boolean }, judged: boolean, baseline: number): AbDifference {
  const large = Math.abs(d.estimate) >= minLatencyEffect * Math.abs(baseline);
  return { ...interval(d), pValue: finite(d.pValue), significant: judged && large && d.significant };
}

function interval(i: Interval): AbInterval {
  return { estimate: finite(i.estimate), low: finite(i.low), high: finite(i.high) };
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** n evenly spaced order statistics of xs: the same distribution, fewer values. */
export function thin(xs: readonly number[], n: number): number[] {
  const sorted = [...xs].sort((a, b) => a - b);
  if (n >= sorted.length) return sorted;
  return Array.from({ length: n }, (_, i) => sorted[Math.floor(((i + 0.5) * sorted.length) / n)]);
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function fmt(x: number | null): string {
  return x === null ? '–' : x.toFixed(2);
}

function sign(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
}

function pfmt(p: number): string {
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

function pct(x: number | null): string {
  return x === null ? '–' : `${(x * 100).toFixed(2)} %`;
}
