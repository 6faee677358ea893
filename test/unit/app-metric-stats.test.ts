import { describe, expect, it } from 'vitest';
import type { AbAssignment } from '../../electron/core/api/types.js';
import { addMetricWindow, compareMetric, mergeMetricTotals, metricLevel, type MetricTotals } from '../../electron/core/metrics/app-metric-stats.js';
import { buildAbStatus } from '../../electron/core/rollouts/ab-report.js';
import type { DeviceAbSample } from '../../electron/core/rollouts/ab-telemetry.js';
import { defaultGates, evaluateGate, parseGate, type DeviceObservation } from '../../electron/core/rollouts/gates.js';
import { AppMetrics, parseMetricBatch } from '../../resources/agent/src/app-metrics.js';

const count = (n: number, inferences: number) => ({ kind: 'count' as const, n, inferences });

describe('compareMetric', () => {
  it('calls a doubled event rate significant, with an interval around 2', () => {
    const c = compareMetric(count(100, 2000), count(200, 2000));
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    expect(c.ratio.estimate).toBeCloseTo(2, 5);
    expect(c.ratio.low).toBeGreaterThan(1.5);
    expect(c.ratio.high).toBeLessThan(2.6);
    expect(c.ratio.significant).toBe(true);
  });

  it('does not call equal rates different', () => {
    const c = compareMetric(count(100, 2000), count(103, 2000));
    expect(c.ok && c.ratio.significant).toBe(false);
    expect(c.ok && c.ratio.low).toBeLessThan(1);
  });

  it('compares means of values and refuses what a ratio cannot say', () => {
    const values = (xs: number[]) => ({ kind: 'value' as const, n: xs.length, sum: xs.reduce((a, b) => a + b, 0), sumSq: xs.reduce((a, b) => a + b * b, 0) });
    const a = values(Array.from({ length: 200 }, (_, i) => 10 + (i % 5)));
    const b = values(Array.from({ length: 200 }, (_, i) => 15 + (i % 5)));
    const c = compareMetric(a, b);
    expect(c.ok && c.ratio.estimate).toBeCloseTo(17 / 12, 5);
    expect(c.ok && c.ratio.significant).toBe(true);
    expect(compareMetric(values([1]), b)).toEqual({ ok: false, reason: 'fewer than 2 observations on one side' });
    expect(compareMetric(values([-1, -2]), values([1, 2])).ok).toBe(false);
    expect(compareMetric(a, count(1, 10)).ok).toBe(false);
    expect(compareMetric(undefined, a).ok).toBe(false);
  });

  it('sums windows per name and keeps the first kind of a name', () => {
    const t: MetricTotals = {};
    addMetricWindow(t, { false_alarm: { n: 2, inferences: 50 }, queue_s: { n: 2, sum: 3, sumSq: 5, min: 1, max: 2 } });
    addMetricWindow(t, { false_alarm: { n: 3, inferences: 50 }, queue_s: { n: 1, inferences: 4 } });
    expect(t.false_alarm).toEqual(count(5, 100));
    expect(t.queue_s).toEqual({ kind: 'value', n: 2, sum: 3, sumSq: 5 });
    expect(metricLevel(t.false_alarm)).toBe(0.05);
    expect(mergeMetricTotals([t, t]).false_alarm).toEqual(count(10, 200));
  });
});

describe('metric gate', () => {
  it('parses metric:NAME<=1.05x and refuses a metric gate without a name or with a bad one', () => {
    expect(parseGate('metric:false_alarm<=1.05x@2')).toEqual({ kind: 'metric', metric: 'false_alarm', max: 1.05, minDevices: 2 });
    expect(parseGate('metric:false_alarm<=1.1')).toEqual({ kind: 'metric', metric: 'false_alarm', max: 1.1, minDevices: 1 });
    expect(() => parseGate('metric<=1.05')).toThrow(/names its metric/);
    expect(() => parseGate('metric:False-Alarm<=1.05')).toThrow(/lowercase letter/);
    expect(() => parseGate('restarts:x<=1')).toThrow(/only metric gates/);
    expect(() => parseGate('restarts<=1x')).toThrow(/not a ratio/);
    expect(defaultGates().some((g) => g.kind === 'metric')).toBe(false);
  });

  const obs = (candidate: number, baseline: number, devices = 3): DeviceObservation[] =>
    Array.from({ length: devices }, (_, i) => ({
      deviceId: `d${i}`,
      deploy: 'ok' as const,
      appMetrics: { candidate: { false_alarm: count(candidate, 1000) }, baseline: { false_alarm: count(baseline, 1000) } },
    }));
  const gate = parseGate('metric:false_alarm<=1.05x@3');

  it('fails when even the lower bound of the ratio is above the limit', () => {
    const r = evaluateGate(gate, obs(150, 50));
    expect(r.status).toBe('fail');
    expect(r.value).toBeCloseTo(3, 5);
    expect(r.metric).toBe('false_alarm');
    expect(r.explanation).toMatch(/lower bound is above the limit of 1.05×/);
  });

  it('passes equal rates and waits for enough devices', () => {
    expect(evaluateGate(gate, obs(50, 50)).status).toBe('pass');
    expect(evaluateGate(gate, obs(150, 50, 2)).status).toBe('insufficient');
    const noBaseline = obs(150, 50).map((o) => ({ ...o, appMetrics: { candidate: o.appMetrics!.candidate, baseline: {} } }));
    expect(evaluateGate(gate, noBaseline)).toMatchObject({ status: 'insufficient', devices: 0 });
  });
});

describe('agent app metrics', () => {
  it('refuses bad batches naming the fix, and sums a window under one model', () => {
    expect(() => parseMetricBatch({ metrics: [{ name: 'Bad Name', count: 1 }] })).toThrow(/lowercase letter/);
    expect(() => parseMetricBatch({ metrics: [{ name: 'x', count: 1, value: 2 }] })).toThrow(/never both/);
    expect(() => parseMetricBatch({})).toThrow(/metrics/);
    const m = new AppMetrics();
    m.inference('sha-a');
    m.add(parseMetricBatch({ metrics: [{ name: 'false_alarm', count: 2 }, { name: 'queue_s', value: 3 }] }), 'sha-a');
    expect(() => m.add([{ name: 'false_alarm', value: 1 }], 'sha-a')).toThrow(/mixes counts and values/);
    m.inference('sha-a');
    expect(m.take()).toEqual({ false_alarm: { n: 2, inferences: 2 }, queue_s: { n: 1, sum: 3, sumSq: 9, min: 3, max: 3 } });
    expect(m.take()).toBeUndefined();
    // A quiet window still counts its inferences in the rate's denominator.
    m.inference('sha-a');
    m.inference('sha-a');
    expect(m.take()).toEqual({ false_alarm: { n: 0, inferences: 2 } });
    m.add([{ name: 'false_alarm', count: 1 }], 'sha-a');
    m.inference('sha-b');
    // A new model starts again: nothing of the old one is credited to it, and its names are forgotten.
    expect(m.take()).toBeUndefined();
    m.add(parseMetricBatch({ metrics: [{ name: 'checkout_completed', count: 0 }] }), 'sha-b');
    m.inference('sha-b');
    expect(m.take()).toEqual({ checkout_completed: { n: 0, inferences: 1 } });
  });
});

describe('A/B report with application metrics', () => {
  const a: AbAssignment = {
    id: 'ab-m',
    selector: 'all',
    seed: 'seed',
    state: 'running',
    createdAt: '2026-01-01T00:00:00.000Z',
    servingSince: '2026-01-01T00:00:10.000Z',
    stoppedAt: null,
    variants: [
      { name: 'A', modelId: 'm1', modelName: 'digits', modelVersion: 1, percent: 50, control: true, deviceIds: ['a0', 'a1'], failedDeviceIds: [] },
      { name: 'B', modelId: 'm2', modelName: 'digits', modelVersion: 2, percent: 50, control: false, deviceIds: ['b0', 'b1'], failedDeviceIds: [] },
    ],
    unassigned: [],
    deployJobIds: [],
    promotion: null,
    error: null,
  };
  const sample = (alarms: number): DeviceAbSample => ({ windows: 5, requests: 1000, errors: 0, latenciesMs: [5, 6, 7], confidenceMeans: [], metrics: { false_alarm: count(alarms, 1000) } });
  const status = (bAlarms: number) =>
    buildAbStatus({ assignment: a, samples: new Map([['a0', sample(40)], ['a1', sample(40)], ['b0', sample(bAlarms)], ['b1', sample(bAlarms)]]), unreachable: [], iterations: 50 });

  it('shows per-variant rates and calls a higher false-alarm rate significant', () => {
    const s = status(120);
    expect(s.variants.map((v) => v.metrics.false_alarm.level)).toEqual([0.04, 0.12]);
    expect(s.variants[1].metrics.false_alarm).toMatchObject({ kind: 'count', n: 240, inferences: 2000, devices: 2 });
    const m = s.comparisons[0].metrics.false_alarm;
    expect(m.estimate).toBeCloseTo(3, 5);
    expect(m.significant).toBe(true);
    expect(s.verdict).toMatch(/false_alarm 3.00×/);
  });

  it('does not call equal rates different', () => {
    const s = status(41);
    expect(s.comparisons[0].metrics.false_alarm.significant).toBe(false);
    expect(s.verdict).not.toMatch(/false_alarm/);
  });
});
