// The privacy accountant against hand-computed values: RDP of the Gaussian mechanism α/(2z²), composition by
// addition, and ε = min over α of T·α/(2z²) + log(1/δ)/(α − 1), whose minimum is c + 2·sqrt(c·log(1/δ)) with
// c = T/(2z²) at α = 1 + sqrt(log(1/δ)/c). Then clipping, equal weights and the noise's size in dpAggregate.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkBudget, clipToNorm, composedRdp, cryptoUniform, dpAggregate, epsilonOf, gaussianRdp, l2Norm, rdpToEpsilon } from '../../electron/core/federated/dp-accountant.js';
import { seededRandom } from '../../electron/core/util/seeded-random.js';

const closedForm = (rounds: number, z: number, delta: number) => {
  const c = rounds / (2 * z * z);
  return c + 2 * Math.sqrt(c * Math.log(1 / delta));
};

describe('RDP accountant', () => {
  it('the Gaussian mechanism: ε(α) = α/(2z²), composed by adding', () => {
    expect(gaussianRdp(1, 2)).toBe(1);
    expect(gaussianRdp(2, 10)).toBe(1.25);
    expect(gaussianRdp(0.5, 3)).toBe(6);
    expect(composedRdp([{ noiseMultiplier: 1 }, { noiseMultiplier: 2 }], 4)).toBe(2 + 0.5);
    expect(() => gaussianRdp(0, 2)).toThrow(/noise multiplier/);
    expect(() => gaussianRdp(1, 1)).toThrow(/order/);
  });

  it('one round at z = 1, δ = 1e-5: ε = 0.5 + sqrt(2·ln 1e5) = 5.2985 at α ≈ 5.8', () => {
    const r = rdpToEpsilon((a) => gaussianRdp(1, a), 1e-5);
    expect(r.epsilon).toBeCloseTo(5.2985, 3);
    expect(r.alpha).toBeCloseTo(5.8, 1);
    expect(epsilonOf([{ noiseMultiplier: 1 }], 1e-5)).toBeCloseTo(closedForm(1, 1, 1e-5), 3);
  });

  it('hand-computed compositions', () => {
    // 10 rounds at z = 2, δ = 1e-5: c = 1.25, ε = 1.25 + 2·sqrt(1.25·11.5129) = 8.8373.
    expect(epsilonOf(Array(10).fill({ noiseMultiplier: 2 }), 1e-5)).toBeCloseTo(8.8373, 2);
    // 3 rounds at z = 0.5, δ = 1e-3: c = 6, ε = 6 + 2·sqrt(6·6.9078) = 18.875.
    expect(epsilonOf(Array(3).fill({ noiseMultiplier: 0.5 }), 1e-3)).toBeCloseTo(18.875, 2);
    for (const [t, z, d] of [[1, 5, 1e-5], [50, 1.1, 1e-6], [100, 4, 1e-5]] as const) {
      // The orders are a grid, so the minimum is at or a hair above the closed form.
      const got = epsilonOf(Array(t).fill({ noiseMultiplier: z }), d);
      expect(got).toBeGreaterThanOrEqual(closedForm(t, z, d) - 1e-9);
      expect(got / closedForm(t, z, d) - 1).toBeLessThan(1e-3);
    }
    expect(epsilonOf([], 1e-5)).toBe(0);
  });

  it('ε grows with rounds and shrinks with noise and with δ', () => {
    const e = (t: number, z: number, d = 1e-5) => epsilonOf(Array(t).fill({ noiseMultiplier: z }), d);
    expect(e(2, 1)).toBeGreaterThan(e(1, 1));
    expect(e(1, 2)).toBeLessThan(e(1, 1));
    expect(e(1, 1, 1e-3)).toBeLessThan(e(1, 1, 1e-6));
  });

  it('the budget: before, this round, together (not the sum of the two), and whether it exceeds', () => {
    const prev = [{ noiseMultiplier: 0.5 }];
    const b = checkBudget(prev, { noiseMultiplier: 0.5 }, 1e-5, 20);
    expect(b.spentBefore).toBeCloseTo(closedForm(1, 0.5, 1e-5), 2);
    expect(b.roundEpsilon).toBeCloseTo(b.spentBefore, 6);
    expect(b.total).toBeCloseTo(closedForm(2, 0.5, 1e-5), 2);
    expect(b.total).toBeLessThan(b.spentBefore + b.roundEpsilon);
    expect(b.exceeds).toBe(false);
    expect(checkBudget([...prev, ...prev], { noiseMultiplier: 0.5 }, 1e-5, 20).exceeds).toBe(true);
  });
});

describe('DP aggregation', () => {
  it('clips each update to C and averages with equal weights', () => {
    const v = Float64Array.from([3, 4]);
    expect(clipToNorm(v, 1)).toEqual({ clipped: true, norm: 5 });
    expect(l2Norm(v)).toBeCloseTo(1, 12);
    expect(clipToNorm(Float64Array.from([0.3, 0.4]), 1).clipped).toBe(false);
    // Without noise worth the name: global 0, one update of norm 10 (clipped to 1), one of norm 0.5.
    const out = dpAggregate([0, 0], [{ deviceId: 'a', parameters: [6, 8] }, { deviceId: 'b', parameters: [0.3, 0.4] }], { clipNorm: 1, noiseMultiplier: 1e-9, uniform: seededRandom(1) });
    expect(out.clippedFraction).toBe(0.5);
    expect(out.parameters[0]).toBeCloseTo((0.6 + 0.3) / 2, 6);
    expect(out.parameters[1]).toBeCloseTo((0.8 + 0.4) / 2, 6);
    expect(out.norms.map((x) => x.clipped)).toEqual([true, false]);
  });

  it('adds Gaussian noise of standard deviation z·C/n around the global model plus the mean update', () => {
    const d = 40_000;
    const global = new Float32Array(d).fill(1);
    const locals = Array.from({ length: 4 }, (_, i) => ({ deviceId: `d${i}`, parameters: global }));
    const out = dpAggregate(global, locals, { clipNorm: 2, noiseMultiplier: 1.5, uniform: cryptoUniform(randomBytes) });
    expect(out.noiseStd).toBeCloseTo((1.5 * 2) / 4, 12);
    let s = 0;
    let s2 = 0;
    for (const x of out.parameters) {
      s += x - 1;
      s2 += (x - 1) ** 2;
    }
    const mean = s / d;
    const std = Math.sqrt(s2 / d - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(std / out.noiseStd).toBeGreaterThan(0.98);
    expect(std / out.noiseStd).toBeLessThan(1.02);
  });
});
