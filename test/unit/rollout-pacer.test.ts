import { describe, expect, it } from 'vitest';
import { RolloutPacer } from '../../electron/core/rollouts/rollout-pacer.js';
import { stageRatePerMinute, stageSizes } from '../../electron/core/rollouts/stages.js';

const rate = { kind: 'exponential' as const, baseRatePerMinute: 4, incrementFactor: 2, maximumPerMinute: 10 };

describe('rollout pacing', () => {
  it('gives each exponential stage its rate, capped by the ceiling, matching the stage sizes', () => {
    expect([0, 1, 2, 3].map((k) => stageRatePerMinute(rate, k))).toEqual([4, 8, 10, 10]);
    expect(stageSizes(rate, 30)).toEqual([4, 8, 10, 8]);
  });

  it('spaces the deploys of a stage evenly over the minute, each stage at its own rate', () => {
    let now = 1_000_000;
    const pacer = new RolloutPacer(rate, () => now);
    // Stage 0 at 4 a minute: starts at 0, 15, 30, 45 s, however fast they are asked for.
    expect([0, 1, 2, 3].map(() => pacer.reserve(0))).toEqual([0, 15_000, 30_000, 45_000]);
    // Stage 1 at 8 a minute, asked for later: its first starts at once, the next 7.5 s apart.
    now += 60_000;
    expect([0, 1, 2].map(() => pacer.reserve(1))).toEqual([0, 7_500, 15_000]);
    // A slot whose time has passed does not hold the next one back.
    now += 60_000;
    expect(pacer.reserve(1)).toBe(0);
  });

  it('does not pace percentage plans or rollouts without a plan', () => {
    const pct = new RolloutPacer({ kind: 'percentages', percents: [5, 25, 100] });
    expect([pct.reserve(0), pct.reserve(0), pct.reserve(1)]).toEqual([0, 0, 0]);
    expect(new RolloutPacer(undefined).reserve(0)).toBe(0);
  });
});
