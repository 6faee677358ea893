import { describe, expect, it } from 'vitest';
import { mean, percentile, summarize } from '../../electron/core/util/stats.js';

describe('stats', () => {
  it('mean', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(mean([])).toBeNaN();
  });

  it('percentile interpolates linearly between closest ranks (NumPy linear)', () => {
    const xs = [15, 20, 35, 40, 50];
    // rank = p/100 · (n − 1): p40 → 1.6 → 20 + 0.6 · 15 = 29
    expect(percentile(xs, 40)).toBeCloseTo(29, 10);
    expect(percentile(xs, 0)).toBe(15);
    expect(percentile(xs, 100)).toBe(50);
    expect(percentile(xs, 50)).toBe(35);
    // p95 → 3.8 → 40 + 0.8 · 10 = 48
    expect(percentile([50, 15, 40, 20, 35], 95)).toBeCloseTo(48, 10);
    expect(percentile([7], 99)).toBe(7);
  });

  it('summarize orders the figures', () => {
    const s = summarize([5, 1, 4, 2, 3, 100]);
    expect(s).toMatchObject({ min: 1, max: 100, p50: 3.5 });
    expect(s.mean).toBeCloseTo(115 / 6, 10);
    expect(s.p50).toBeLessThanOrEqual(s.p95);
    expect(s.p95).toBeLessThanOrEqual(s.p99);
    expect(s.p99).toBeLessThanOrEqual(s.max);
    // p99 → rank 4.95 → 5 + 0.95 · 95
    expect(s.p99).toBeCloseTo(95.25, 10);
  });
});
