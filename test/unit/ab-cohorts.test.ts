import { describe, expect, it } from 'vitest';
import { assignCohorts } from '../../electron/core/rollouts/bucketing.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `dev-${i}`);

describe('A/B cohorts', () => {
  it('is deterministic and disjoint', () => {
    const a = assignCohorts('exp', ids(300), [{ id: 'v1', percent: 30 }, { id: 'v2', percent: 30 }, { id: 'v3', percent: 40 }]);
    const b = assignCohorts('exp', [...ids(300)].reverse(), [{ id: 'v1', percent: 30 }, { id: 'v2', percent: 30 }, { id: 'v3', percent: 40 }]);
    expect(a).toEqual(b);
    const all = [...a.cohorts.v1, ...a.cohorts.v2, ...a.cohorts.v3, ...a.unassigned];
    expect(new Set(all).size).toBe(300);
    expect(all).toHaveLength(300);
  });

  it('keeps every cohort within one device of its target across many fleets and splits', () => {
    const splits = [[50, 50], [10, 90], [33, 33, 34], [5, 5], [1, 2, 3, 4], [12.5, 12.5, 25, 50], [20, 30], [7, 11, 13]];
    for (const split of splits) {
      for (const n of [997, 1000, 2500, 10_000]) {
        const variants = split.map((percent, i) => ({ id: `v${i}`, percent }));
        const { cohorts, unassigned } = assignCohorts(`seed-${n}`, ids(n), variants);
        for (const v of variants) expect(Math.abs(cohorts[v.id].length - (n * v.percent) / 100)).toBeLessThanOrEqual(1);
        const total = split.reduce((s, p) => s + p, 0);
        expect(Math.abs(unassigned.length - n * (1 - total / 100))).toBeLessThanOrEqual(1);
      }
    }
  });

  it('keeps every assigned device in its cohort when all shares widen by the same factor', () => {
    const fleet = ids(2000);
    const steps = [[2, 3], [10, 15], [20, 30], [40, 60]];
    let previous: Record<string, string[]> | null = null;
    for (const [a, b] of steps) {
      const { cohorts } = assignCohorts('ramp', fleet, [{ id: 'control', percent: a }, { id: 'candidate', percent: b }]);
      if (previous) {
        expect(cohorts.control).toEqual(expect.arrayContaining(previous.control));
        expect(cohorts.candidate).toEqual(expect.arrayContaining(previous.candidate));
      }
      previous = cohorts;
    }
  });

  it('gives an equal-size control exactly as many devices as the largest treatment', () => {
    for (const n of [101, 999, 1000, 4321]) {
      const { cohorts } = assignCohorts('eq', ids(n), [{ id: 'control', percent: 0 }, { id: 'a', percent: 15 }, { id: 'b', percent: 10 }], { control: 'equal' });
      expect(cohorts.control.length).toBe(cohorts.a.length);
      expect(Math.abs(cohorts.a.length - n * 0.15)).toBeLessThanOrEqual(1);
    }
  });

  it('rejects bad variant lists', () => {
    expect(() => assignCohorts('s', ids(10), [{ id: 'a', percent: 50 }])).toThrow(/at least two/);
    expect(() => assignCohorts('s', ids(10), [{ id: 'a', percent: 60 }, { id: 'b', percent: 60 }])).toThrow(/more than 100/);
    expect(() => assignCohorts('s', ids(10), [{ id: 'a', percent: 50 }, { id: 'a', percent: 10 }])).toThrow(/own id/);
    expect(() => assignCohorts('s', ids(10), [{ id: 'a', percent: 0 }, { id: 'b', percent: 10 }])).toThrow(/above 0/);
  });
});
