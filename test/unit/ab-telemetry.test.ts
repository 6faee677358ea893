import { describe, expect, it } from 'vitest';
import type { TelemetrySummary } from '../../resources/device-protocol/messages.js';
import { confidenceRing, deviceAbSample, latenciesFromHistogram } from '../../electron/core/rollouts/ab-telemetry.js';
import { percentile } from '../../electron/core/util/stats.js';

const bounds = [1, 2, 5, 10];
const v1 = { name: 'digits', version: '1' };
const v2 = { name: 'digits', version: '2' };

interface Step {
  sec: number;
  /** Requests in this window per bucket (5 buckets). */
  add: number[];
  errors?: number;
  model?: { name: string; version: string } | null;
  confidence?: number;
  restart?: boolean;
}

/** A history as an agent reports it: cumulative counters, one summary per step. */
function history(steps: Step[]): TelemetrySummary[] {
  const counts = [0, 0, 0, 0, 0];
  let requests = 0;
  let errors = 0;
  let seq = 0;
  return steps.map((s) => {
    if (s.restart) {
      counts.fill(0);
      requests = 0;
      errors = 0;
      seq = 0;
    }
    s.add.forEach((n, k) => (counts[k] += n));
    const answered = s.add.reduce((a, b) => a + b, 0);
    requests += answered + (s.errors ?? 0);
    errors += s.errors ?? 0;
    return {
      seq: ++seq,
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, s.sec)).toISOString(),
      windowSec: 1,
      requests,
      errors,
      windowRequests: answered + (s.errors ?? 0),
      windowErrors: s.errors ?? 0,
      latencyMs: null,
      histogram: { boundsMs: bounds, counts: [...counts] },
      confidence: s.confidence === undefined ? null : { mean: s.confidence, p50: s.confidence, min: s.confidence },
      rssBytes: 0,
      cpuPercent: 0,
      loadAvg1: 0,
      temperatureC: null,
      model: s.model === undefined ? v1 : s.model,
      state: 'serving',
    } as unknown as TelemetrySummary;
  });
}

const since = new Date(Date.UTC(2026, 0, 1, 0, 0, 10)).toISOString();

describe('latenciesFromHistogram', () => {
  it('spreads each bucket evenly and thins big counts in proportion', () => {
    expect(latenciesFromHistogram([1, 2], [0, 2, 0])).toEqual([1.25, 1.75]);
    // The open last bucket reaches twice the largest bound.
    expect(latenciesFromHistogram([1, 2], [0, 0, 1])).toEqual([3]);
    const thinned = latenciesFromHistogram(bounds, [0, 3000, 1000, 0, 0], 400);
    expect(thinned).toHaveLength(400);
    expect(thinned.filter((x) => x > 2)).toHaveLength(100);
  });
});

describe('deviceAbSample', () => {
  it('counts only whole windows after the start, served by the assigned model', () => {
    const h = history([
      { sec: 5, add: [0, 50, 0, 0, 0], model: null },
      { sec: 9, add: [0, 0, 0, 40, 0], model: null }, // before the start: old model, slow
      { sec: 11, add: [0, 0, 0, 10, 0] }, // straddles the start: not counted
      { sec: 12, add: [0, 20, 0, 0, 0], errors: 2 },
      { sec: 13, add: [0, 10, 10, 0, 0] },
      { sec: 14, add: [0, 0, 0, 0, 30], model: v2 }, // another model: not counted
    ]);
    const s = deviceAbSample(h, { since, model: v1 });
    expect(s.windows).toBe(2);
    expect(s.requests).toBe(42);
    expect(s.errors).toBe(2);
    expect(s.latenciesMs).toHaveLength(40);
    expect(Math.max(...s.latenciesMs)).toBeLessThanOrEqual(5);
    expect(percentile(s.latenciesMs, 50)).toBeGreaterThan(1);
    expect(percentile(s.latenciesMs, 50)).toBeLessThanOrEqual(2);
  });

  it('skips the window across an agent restart and stops at `until`', () => {
    const h = history([
      { sec: 11, add: [0, 5, 0, 0, 0] },
      { sec: 12, add: [0, 5, 0, 0, 0] },
      { sec: 13, add: [0, 7, 0, 0, 0], restart: true },
      { sec: 14, add: [0, 3, 0, 0, 0] },
      { sec: 20, add: [0, 100, 0, 0, 0] },
    ]);
    const s = deviceAbSample(h, { since, until: new Date(Date.UTC(2026, 0, 1, 0, 0, 15)).toISOString(), model: v1 });
    expect(s.windows).toBe(2);
    expect(s.requests).toBe(8);
  });

  it('takes a window confidence only once the agent ring holds nothing from before the start', () => {
    const per = confidenceRing / 2;
    const h = history([
      { sec: 11, add: [0, 10, 0, 0, 0], confidence: 0.5 },
      { sec: 12, add: [0, per, 0, 0, 0], confidence: 0.6 },
      { sec: 13, add: [0, per, 0, 0, 0], confidence: 0.7 },
      { sec: 14, add: [0, per, 0, 0, 0], confidence: 0.8 },
    ]);
    expect(deviceAbSample(h, { since, model: v1 }).confidenceMeans).toEqual([0.7, 0.8]);
  });

  it('has nothing to say without two summaries after the start', () => {
    const s = deviceAbSample(history([{ sec: 11, add: [0, 5, 0, 0, 0] }]), { since, model: v1 });
    expect(s).toEqual({ windows: 0, requests: 0, errors: 0, latenciesMs: [], confidenceMeans: [], metrics: {} });
  });
});
