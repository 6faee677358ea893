// Energy per inference, candidate against parent: idle subtraction, the paired Fieller interval of the
// ratio (checked against the textbook closed form and by its coverage in simulation), and the gate that
// fails only when the lower bound is above the limit.
import { describe, expect, it } from 'vitest';
import { energyPerInference, energyRatio, evaluateEnergyRatioGate, studentTQuantile, type EnergyBlockPair } from '../../electron/core/rollouts/energy-stats.js';
import { seededRandom, type Random } from '../../electron/core/util/seeded-random.js';

function normal(rng: Random): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/**
 * n pairs of 60 s blocks of 1000 inferences on a device idling at idleW: the parent uses parentJ per
 * inference, the candidate trueRatio × that; both blocks of a pair share a drift (temperature, clocks)
 * and each has its own noise of relative size cv.
 */
function blocks(rng: Random, n: number, trueRatio: number, cv: number, { parentJ = 0.02, idleW = 3, drift = 0.05 } = {}): EnergyBlockPair[] {
  return Array.from({ length: n }, () => {
    const shared = 1 + drift * normal(rng);
    const block = (perInference: number) => ({ energyJ: idleW * 60 + 1000 * perInference * shared * (1 + cv * normal(rng)), durationS: 60, inferences: 1000 });
    return { candidate: block(parentJ * trueRatio), parent: block(parentJ) };
  });
}

describe('studentTQuantile', () => {
  it('matches the t table', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.7062, 3);
    expect(studentTQuantile(0.975, 3)).toBeCloseTo(3.1824, 3);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.2281, 3);
    expect(studentTQuantile(0.995, 30)).toBeCloseTo(2.75, 3);
    expect(studentTQuantile(0.025, 5)).toBeCloseTo(-2.5706, 3);
  });
});

describe('energyPerInference', () => {
  it('subtracts idle energy over the block before dividing by the inferences', () => {
    expect(energyPerInference({ energyJ: 200, durationS: 60, inferences: 1000 }, 3)).toBeCloseTo(0.02, 12);
  });

  it('a block at or below idle is an error naming the fix', () => {
    expect(() => energyPerInference({ energyJ: 170, durationS: 60, inferences: 1000 }, 3)).toThrow(/measure idle again/);
  });
});

describe('energyRatio', () => {
  it('equals the closed-form Fieller interval for paired data', () => {
    const pairs = blocks(seededRandom('fieller'), 6, 1.2, 0.04);
    const r = energyRatio(pairs, { idlePowerW: 3 });
    const x = pairs.map((p) => (p.candidate.energyJ - 180) / 1000);
    const y = pairs.map((p) => (p.parent.energyJ - 180) / 1000);
    const n = x.length;
    const mx = x.reduce((a, b) => a + b) / n;
    const my = y.reduce((a, b) => a + b) / n;
    const cov = (u: number[], mu: number, v: number[], mv: number) => u.reduce((s, _, i) => s + (u[i] - mu) * (v[i] - mv), 0) / (n - 1) / n;
    const [v11, v22, v12] = [cov(x, mx, x, mx), cov(y, my, y, my), cov(x, mx, y, my)];
    const t = 2.570582;
    const R = mx / my;
    const g = (t * t * v22) / (my * my);
    const half = (t / my) * Math.sqrt(v11 - 2 * R * v12 + R * R * v22 - g * (v11 - (v12 * v12) / v22));
    expect(r.ratio).toBeCloseTo(R, 12);
    expect(r.low!).toBeCloseTo((R - (g * v12) / v22 - half) / (1 - g), 5);
    expect(r.high!).toBeCloseTo((R - (g * v12) / v22 + half) / (1 - g), 5);
    expect(r.low!).toBeLessThan(R);
    expect(r.high!).toBeGreaterThan(R);
  });

  it('covers the true ratio about 95 % of the time with 4 pairs, drift and 5 % noise', () => {
    const rng = seededRandom('coverage');
    let covered = 0;
    const runs = 2000;
    for (let k = 0; k < runs; k++) {
      const r = energyRatio(blocks(rng, 4, 1.1, 0.05), { idlePowerW: 3 });
      if (r.low !== null && r.low <= 1.1 && r.high! >= 1.1) covered++;
    }
    expect(covered / runs).toBeGreaterThan(0.93);
    expect(covered / runs).toBeLessThan(0.97);
  });

  it('without spread the interval is the ratio itself; a parent indistinguishable from idle gives no bounds', () => {
    const same = { energyJ: 200, durationS: 60, inferences: 1000 };
    const twice = { energyJ: 220, durationS: 60, inferences: 1000 };
    expect(energyRatio([{ candidate: twice, parent: same }, { candidate: twice, parent: same }], { idlePowerW: 3 })).toMatchObject({ ratio: 2, low: 2, high: 2 });
    const noisy = [
      { candidate: twice, parent: { energyJ: 180.5, durationS: 60, inferences: 1000 } },
      { candidate: twice, parent: { energyJ: 230, durationS: 60, inferences: 1000 } },
    ];
    expect(energyRatio(noisy, { idlePowerW: 3 })).toMatchObject({ low: null, high: null });
  });

  it('needs two pairs', () => {
    expect(() => energyRatio(blocks(seededRandom(1), 1, 1, 0.01))).toThrow(/at least 2/);
  });
});

describe('energy-ratio gate', () => {
  const gate = { max: 1.1, minDevices: 2 };

  it('fails when a device uses clearly more energy: its lower bound is above the limit', () => {
    const rng = seededRandom('fail');
    const res = evaluateEnergyRatioGate([
      { deviceId: 'a', pairs: blocks(rng, 6, 1.0, 0.03), idlePowerW: 3 },
      { deviceId: 'b', pairs: blocks(rng, 6, 1.35, 0.03), idlePowerW: 3 },
    ], gate);
    expect(res.status).toBe('fail');
    expect(res.failedDevice).toBe('b');
    expect(res.results[1].ratio.low!).toBeGreaterThan(1.1);
    expect(res.explanation).toMatch(/^Energy per inference: b uses 1\.\d{3}× the parent's \(97\.5 % interval/);
    // With names (as the rollout's gate collector passes them), a person reads the device's name.
    const named = evaluateEnergyRatioGate([
      { deviceId: 'a', name: 'line-3 camera', pairs: blocks(seededRandom('fail'), 6, 1.0, 0.03), idlePowerW: 3 },
      { deviceId: 'b', name: 'line-4 camera', pairs: blocks(seededRandom('fail-b'), 6, 1.35, 0.03), idlePowerW: 3 },
    ], gate);
    expect(named.failedDevice).toBe('b');
    expect(named.explanation).toMatch(/^Energy per inference: line-4 camera uses 1\.\d{3}×/);
  });

  it('passes a noisy estimate above the limit whose lower bound is not: noise cannot fail a rollout', () => {
    const rng = seededRandom('noisy');
    const res = evaluateEnergyRatioGate([
      { deviceId: 'a', pairs: blocks(rng, 3, 1.15, 0.2, { drift: 0 }), idlePowerW: 3 },
      { deviceId: 'b', pairs: blocks(rng, 3, 1.15, 0.2, { drift: 0 }), idlePowerW: 3 },
    ], gate);
    const worst = Math.max(...res.results.map((r) => r.ratio.ratio));
    expect(worst).toBeGreaterThan(1.1);
    expect(res.results.every((r) => r.ratio.low === null || r.ratio.low <= 1.1)).toBe(true);
    expect(res.status).toBe('pass');
  });

  it('with an absolute floor, a clear relative increase too small to matter passes', () => {
    const pairs = blocks(seededRandom('floor'), 6, 1.35, 0.03, { parentJ: 0.0001 });
    const without = evaluateEnergyRatioGate([{ deviceId: 'a', pairs, idlePowerW: 3 }], { max: 1.1, minDevices: 1 });
    const withFloor = evaluateEnergyRatioGate([{ deviceId: 'a', pairs, idlePowerW: 3 }], { max: 1.1, minDevices: 1, minIncreaseJ: 0.001 });
    expect([without.status, withFloor.status]).toEqual(['fail', 'pass']);
  });

  it('too few devices with an interval is not judged', () => {
    const res = evaluateEnergyRatioGate([{ deviceId: 'a', pairs: blocks(seededRandom(2), 6, 2, 0.03), idlePowerW: 3 }], gate);
    expect(res).toMatchObject({ status: 'insufficient', devices: 1 });
  });
});
