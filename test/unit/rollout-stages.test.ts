import { describe, expect, it } from 'vitest';
import { devicesForStage } from '../../electron/core/rollouts/bucketing.js';
import { parseStagePercents, planStages, stageSizes } from '../../electron/core/rollouts/stages.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `dev-${i}`);

describe('stage plans', () => {
  it('parses and validates --stages', () => {
    expect(parseStagePercents('5,25,100')).toEqual([5, 25, 100]);
    expect(parseStagePercents(' 10% , 50 ')).toEqual([10, 50]);
    expect(() => parseStagePercents('5,x')).toThrow(/"x" is not a number/);
    expect(() => parseStagePercents('25,5')).toThrow(/must be larger/);
    expect(() => parseStagePercents('5,5')).toThrow(/must be larger/);
    expect(() => parseStagePercents('50,120')).toThrow(/at most 100/);
    expect(() => parseStagePercents('0,10')).toThrow(/above 0/);
    expect(() => parseStagePercents('')).toThrow(/not a number/);
  });

  it('splits a fleet by percentages, each stage adding the newly covered devices', () => {
    const fleet = ids(200);
    const plan = planStages('r1', fleet, { kind: 'percentages', percents: [5, 25, 100] }, 4);
    expect(plan.stages.map((s) => s.deviceIds.length)).toEqual([10, 40, 150]);
    expect(plan.stages.map((s) => s.label)).toEqual(['5 %', '25 %', '100 %']);
    expect(plan.stages[1].cumulativePercent).toBe(25);
    expect(plan.leftOut).toEqual([]);
    const upTo25 = [...plan.stages[0].deviceIds, ...plan.stages[1].deviceIds].sort();
    expect(upTo25).toEqual(devicesForStage('r1', fleet, 25));
    expect(plan.stages[0].batches).toEqual([plan.stages[0].deviceIds.slice(0, 4), plan.stages[0].deviceIds.slice(4, 8), plan.stages[0].deviceIds.slice(8)]);
  });

  it('drops stages that add no device and reports devices a partial plan leaves out', () => {
    const plan = planStages('r2', ids(10), { kind: 'percentages', percents: [5, 10, 50] }, 2);
    expect(plan.stages.map((s) => [s.label, s.deviceIds.length])).toEqual([
      ['5 %', 1],
      ['50 %', 4],
    ]);
    expect(plan.stages.map((s) => s.index)).toEqual([0, 1]);
    expect(plan.leftOut).toHaveLength(5);
  });

  it('follows an exponential rate up to its ceiling, as AWS IoT Jobs does', () => {
    const spec = { kind: 'exponential' as const, baseRatePerMinute: 2, incrementFactor: 2, maximumPerMinute: 10 };
    expect(stageSizes(spec, 40)).toEqual([2, 4, 8, 10, 10, 6]);
    expect(stageSizes({ ...spec, incrementFactor: 1.5 }, 12)).toEqual([2, 3, 5, 2]);
    const plan = planStages('r3', ids(40), spec, 5);
    expect(plan.stages.map((s) => s.label)).toEqual(['2 devices', '4 devices', '8 devices', '10 devices', '10 devices', '6 devices']);
    expect(new Set(plan.stages.flatMap((s) => s.deviceIds)).size).toBe(40);
  });

  it('rejects bad exponential rates and concurrency', () => {
    const ok = { kind: 'exponential' as const, baseRatePerMinute: 2, incrementFactor: 2, maximumPerMinute: 10 };
    expect(() => stageSizes({ ...ok, baseRatePerMinute: 0 }, 5)).toThrow(/base rate/);
    expect(() => stageSizes({ ...ok, incrementFactor: 1 }, 5)).toThrow(/between 1.1 and 5/);
    expect(() => stageSizes({ ...ok, maximumPerMinute: 1 }, 5)).toThrow(/ceiling/);
    expect(() => planStages('r', ids(5), { kind: 'percentages', percents: [100] }, 0)).toThrow(/Concurrency/);
  });
});
