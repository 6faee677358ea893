import { describe, expect, it } from 'vitest';
import { compareVariants, suggestWinner, type VariantSample } from '../../electron/core/rollouts/ab-stats.js';
import { seededRandom, type Random } from '../../electron/core/util/seeded-random.js';
import { ksTest, normalCdf, populationStabilityIndex, twoProportionZTest } from '../../electron/core/rollouts/significance.js';

/** Log-normal latencies around `medianMs`. */
function latencies(rng: Random, n: number, medianMs: number): number[] {
  return Array.from({ length: n }, () => {
    const z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    return medianMs * Math.exp(0.25 * z);
  });
}

function confidences(rng: Random, n: number, shift = 0): number[] {
  return Array.from({ length: n }, () => Math.min(1, Math.max(0, 0.75 + shift + (rng() - 0.5) * 0.3)));
}

function sample(id: string, rng: Random, opts: { medianMs: number; errors: number; shift?: number }): VariantSample {
  return { id, latenciesMs: latencies(rng, 2000, opts.medianMs), requests: 10_000, errors: opts.errors, confidences: confidences(rng, 2000, opts.shift) };
}

describe('significance tests', () => {
  it('normal CDF', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1.644854)).toBeCloseTo(0.05, 6);
  });

  it('two-proportion z-test matches a worked example', () => {
    // 40/200 vs 60/200: pooled 0.25, se = sqrt(0.25·0.75·0.01) = 0.0433, z = 2.309, p = 0.0209.
    const t = twoProportionZTest(40, 200, 60, 200);
    expect(t.z).toBeCloseTo(2.3094, 3);
    expect(t.pValue).toBeCloseTo(0.0209, 3);
    expect(twoProportionZTest(0, 100, 0, 100)).toMatchObject({ z: 0, pValue: 1 });
  });

  it('KS and PSI', () => {
    expect(ksTest([1, 2, 3], [1, 2, 3])).toEqual({ statistic: 0, pValue: 1 });
    const far = ksTest([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(far.statistic).toBe(1);
    expect(far.pValue).toBeLessThan(0.001);
    const rng = seededRandom(4);
    const base = confidences(rng, 5000);
    expect(populationStabilityIndex(base, confidences(rng, 5000))).toBeLessThan(0.05);
    expect(populationStabilityIndex(base, confidences(rng, 5000, -0.1))).toBeGreaterThan(0.25);
  });
});

describe('compareVariants', () => {
  it('flags clearly different latency, error rate and confidence as significant', () => {
    const rng = seededRandom('different');
    const report = compareVariants([sample('v1', rng, { medianMs: 20, errors: 100 }), sample('v2', rng, { medianMs: 26, errors: 160, shift: -0.05 })], { seed: 1, iterations: 400 });
    const [c] = report.comparisons;
    expect(c.p50DiffMs.significant).toBe(true);
    expect(c.p95DiffMs.significant).toBe(true);
    expect(c.p50DiffMs.estimate).toBeGreaterThan(4);
    expect(c.p50DiffMs.low).toBeGreaterThan(0);
    expect(c.errorRate.significant).toBe(true);
    expect(c.errorRate.pValue).toBeLessThan(0.05);
    expect(c.confidenceShift.significant).toBe(true);
    const v2 = report.variants[1];
    expect(v2.p95Ms.low).toBeLessThanOrEqual(v2.p95Ms.estimate);
    expect(v2.p95Ms.high).toBeGreaterThanOrEqual(v2.p95Ms.estimate);
    expect(suggestWinner(report).id).toBe('v1');
  });

  it('finds nothing significant between identical distributions', () => {
    const rng = seededRandom('same');
    const report = compareVariants([sample('v1', rng, { medianMs: 20, errors: 100 }), sample('v2', rng, { medianMs: 20, errors: 104 })], { seed: 2, iterations: 400 });
    const [c] = report.comparisons;
    expect(c.p50DiffMs.significant).toBe(false);
    expect(c.p95DiffMs.significant).toBe(false);
    expect(c.errorRate.significant).toBe(false);
    expect(c.confidenceShift.significant).toBe(false);
    expect(suggestWinner(report)).toMatchObject({ id: 'v1' });
  });

  it('is reproducible for a seed and suggests a faster, no-worse variant', () => {
    const make = () => {
      const rng = seededRandom('faster');
      return [sample('control', rng, { medianMs: 30, errors: 50 }), sample('slow', rng, { medianMs: 33, errors: 50 }), sample('fast', rng, { medianMs: 24, errors: 48 })];
    };
    const a = compareVariants(make(), { seed: 3, iterations: 300 });
    expect(compareVariants(make(), { seed: 3, iterations: 300 })).toEqual(a);
    expect(suggestWinner(a).id).toBe('fast');
  });
});
