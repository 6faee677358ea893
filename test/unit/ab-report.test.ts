import { describe, expect, it } from 'vitest';
import type { AbAssignment } from '../../electron/core/api/types.js';
import { buildAbStatus, minDevicesForLatency, thin } from '../../electron/core/rollouts/ab-report.js';
import { compareVariants } from '../../electron/core/rollouts/ab-stats.js';
import type { DeviceAbSample } from '../../electron/core/rollouts/ab-telemetry.js';
import { seededRandom, type Random } from '../../electron/core/util/seeded-random.js';

function assignment(perVariant: number): AbAssignment {
  const ids = (p: string) => Array.from({ length: perVariant }, (_, i) => `${p}${i}`);
  return {
    id: 'ab-test',
    selector: 'all',
    seed: 'seed',
    state: 'running',
    createdAt: '2026-01-01T00:00:00.000Z',
    servingSince: '2026-01-01T00:00:10.000Z',
    stoppedAt: null,
    variants: [
      { name: 'A', modelId: 'm1', modelName: 'digits', modelVersion: 1, percent: 50, control: true, deviceIds: ids('a'), failedDeviceIds: [] },
      { name: 'B', modelId: 'm2', modelName: 'digits', modelVersion: 2, percent: 50, control: false, deviceIds: ids('b'), failedDeviceIds: [] },
    ],
    unassigned: [],
    deployJobIds: [],
    promotion: null,
    error: null,
  };
}

/** One device: latencies around its own median (device effects are real). */
function device(rng: Random, medianMs: number, n = 300): DeviceAbSample {
  const own = medianMs * (1 + (rng() - 0.5) * 0.1);
  return { windows: 10, requests: n, errors: 0, latenciesMs: Array.from({ length: n }, () => own * (0.8 + 0.4 * rng())), confidenceMeans: [], metrics: {} };
}

function samples(a: AbAssignment, rng: Random, medians: Record<string, number>): Map<string, DeviceAbSample> {
  const m = new Map<string, DeviceAbSample>();
  for (const v of a.variants) for (const d of v.deviceIds) m.set(d, device(rng, medians[v.name]));
  return m;
}

describe('buildAbStatus', () => {
  it('calls a variant several times slower significant, with intervals and a verdict', () => {
    const a = assignment(4);
    const s = buildAbStatus({ assignment: a, samples: samples(a, seededRandom(1), { A: 1.5, B: 5 }), unreachable: [], iterations: 300 });
    const [c] = s.comparisons;
    expect(c).toMatchObject({ variant: 'B', baseline: 'A', significant: true });
    expect(c.latencyP50DiffMs.significant).toBe(true);
    expect(c.latencyP50DiffMs.low!).toBeGreaterThan(0);
    expect(c.latencyP50DiffMs.pValue!).toBeLessThan(0.05);
    expect(c.errorRateDiff).toMatchObject({ estimate: 0, pValue: 1, significant: false });
    expect(c.confidenceShift).toMatchObject({ pValue: null, significant: false });
    expect(s.variants.map((v) => v.devicesReporting)).toEqual([4, 4]);
    expect(s.variants[1].latencyP50Ms.low!).toBeLessThanOrEqual(s.variants[1].latencyP50Ms.estimate!);
    expect(s.winner).toBeNull();
    expect(s.verdict).toMatch(/B \(digits v2\) p50 .* significant/);
    expect(s.verdict).toMatch(/No variant beats the baseline safely/);
  });

  it('names a faster variant the winner', () => {
    const a = assignment(5);
    const s = buildAbStatus({ assignment: a, samples: samples(a, seededRandom(2), { A: 5, B: 1.5 }), unreachable: [], iterations: 300 });
    expect(s.winner).toBe('B');
    expect(s.verdict).toMatch(/B wins/);
  });

  it('does not call equal variants different', () => {
    const a = assignment(5);
    const s = buildAbStatus({ assignment: a, samples: samples(a, seededRandom(3), { A: 2, B: 2 }), unreachable: [], iterations: 300 });
    expect(s.comparisons[0].significant).toBe(false);
    expect(s.winner).toBeNull();
  });

  it(`does not judge latency with fewer than ${minDevicesForLatency} reporting devices per variant`, () => {
    const a = assignment(2);
    const m = samples(a, seededRandom(4), { A: 1.5, B: 5 });
    m.delete('b1');
    const s = buildAbStatus({ assignment: a, samples: m, unreachable: ['b1'], iterations: 300 });
    expect(s.comparisons[0].latencyP50DiffMs).toMatchObject({ significant: false });
    expect(s.comparisons[0].latencyP50DiffMs.estimate!).toBeGreaterThan(2);
    expect(s.variants[1].devicesReporting).toBe(1);
    expect(s.verdict).toMatch(/not judged with fewer than/);
  });

  it('says there is nothing yet before traffic arrives', () => {
    const s = buildAbStatus({ assignment: assignment(4), samples: new Map(), unreachable: [] });
    expect(s.verdict).toMatch(/No requests counted yet for A, B/);
    expect(s.variants[0].latencyP50Ms).toEqual({ estimate: null, low: null, high: null });
  });
});

describe('cluster bootstrap', () => {
  it('resamples devices: one slow device does not make a pooled difference significant', () => {
    const rng = seededRandom(5);
    const same = (median: number) => Array.from({ length: 500 }, () => median * (0.9 + 0.2 * rng()));
    // A: four devices, one of them slow; B: four ordinary ones. Pooled by request, A looks slower.
    const a = [same(2), same(2), same(2), same(3)];
    const b = [same(2), same(2), same(2), same(2.05)];
    const flat = (c: number[][]) => ({ latenciesMs: c.flat(), requests: 2000, errors: 0, confidences: [] });
    const byRequest = compareVariants([{ id: 'A', ...flat(a) }, { id: 'B', ...flat(b) }], { seed: 1, iterations: 300 });
    const byDevice = compareVariants([{ id: 'A', ...flat(a), latencyClusters: a }, { id: 'B', ...flat(b), latencyClusters: b }], { seed: 1, iterations: 300 });
    expect(byRequest.comparisons[0].p95DiffMs.significant).toBe(true);
    expect(byDevice.comparisons[0].p95DiffMs.significant).toBe(false);
    expect(byDevice.comparisons[0].p95DiffMs.pValue).toBeGreaterThan(0.05);
  });
});

describe('thin', () => {
  it('keeps evenly spaced order statistics', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => 999 - i);
    const t = thin(xs, 10);
    expect(t).toEqual([50, 150, 250, 350, 450, 550, 650, 750, 850, 950]);
    expect(thin([3, 1, 2], 5)).toEqual([1, 2, 3]);
  });
});
