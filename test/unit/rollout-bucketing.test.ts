import { describe, expect, it } from 'vitest';
import { devicePercentile, devicesForStage, rankDevices, shareCount } from '../../electron/core/rollouts/bucketing.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `dev-${String(i).padStart(5, '0')}`);

describe('deterministic bucketing', () => {
  it('gives each device a fixed percentile in [0, 100) that depends on the seed', () => {
    const p = devicePercentile('seed-a', 'cam-01');
    expect(p).toBe(devicePercentile('seed-a', 'cam-01'));
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThan(100);
    expect(devicePercentile('seed-b', 'cam-01')).not.toBe(p);
    expect(devicePercentile('ab', 'c')).not.toBe(devicePercentile('a', 'bc'));
  });

  it('spreads percentiles uniformly (chi-square over 20 buckets)', () => {
    const n = 20_000;
    const counts = new Array<number>(20).fill(0);
    for (const id of ids(n)) counts[Math.floor(devicePercentile('uniform', id) / 5)]++;
    const expected = n / 20;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // 19 degrees of freedom: the 99.9th percentile of χ² is 43.8.
    expect(chi2).toBeLessThan(43.8);
  });

  it('takes exact stage sizes, rounded up', () => {
    expect(shareCount(10, 5)).toBe(1);
    expect(shareCount(20, 35)).toBe(7);
    expect(shareCount(0, 50)).toBe(0);
    expect(devicesForStage('s', ids(1000), 5)).toHaveLength(50);
    expect(devicesForStage('s', ids(1000), 100)).toHaveLength(1000);
    expect(devicesForStage('s', ids(7), 0)).toEqual([]);
  });

  it('keeps devices already chosen when a stage widens', () => {
    const fleet = ids(500);
    let previous: string[] = [];
    for (const pct of [1, 5, 25, 50, 100]) {
      const now = devicesForStage('widen', fleet, pct);
      expect(now).toEqual(expect.arrayContaining(previous));
      previous = now;
    }
  });

  it('does not depend on the order devices are listed in', () => {
    const fleet = ids(100);
    expect(devicesForStage('order', [...fleet].reverse(), 25)).toEqual(devicesForStage('order', fleet, 25));
    expect(rankDevices('order', [...fleet].reverse())).toEqual(rankDevices('order', fleet));
  });

  it('rejects percentages outside 0..100', () => {
    expect(() => devicesForStage('s', ids(3), 101)).toThrow(/at most 100/);
    expect(() => devicesForStage('s', ids(3), NaN)).toThrow(/Invalid percentage/);
  });
});
