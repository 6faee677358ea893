import { describe, expect, it } from 'vitest';
import { ksTest } from '../../electron/core/rollouts/significance.js';
import { seededRandom } from '../../electron/core/util/seeded-random.js';
import { quantileEdges } from '../../electron/core/drift/reference-profile.js';
import { digestMasses, driftLevel, jensenShannon, ksDistance, psi, psiEpsilon } from '../../resources/device-protocol/drift/distances.js';
import { judgeDrift } from '../../resources/device-protocol/drift/judge.js';
import { readReferenceProfile, referenceFormat } from '../../resources/device-protocol/drift/reference-data.js';
import { SketchSet } from '../../resources/device-protocol/drift/sketch-set.js';
import { TDigest } from '../../resources/device-protocol/drift/t-digest.js';

function normals(n: number, seed: number, mean = 0): number[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: n }, () => mean + Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd()));
}

const digestOf = (xs: readonly number[]) => {
  const d = new TDigest();
  for (const x of xs) d.add(x);
  return d;
};

describe('PSI', () => {
  it('is 0 for the same shares and matches the formula otherwise', () => {
    expect(psi([10, 20, 30], [1, 2, 3])).toBeCloseTo(0, 12);
    const e = [0.25, 0.25, 0.5];
    const a = [0.5, 0.25, 0.25];
    expect(psi(e, a)).toBeCloseTo((0.5 - 0.25) * Math.log(2) + (0.25 - 0.5) * Math.log(0.5), 12);
  });

  it('stays finite on an empty bin, flooring its share at the documented epsilon', () => {
    const v = psi([50, 50], [100, 0]);
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeCloseTo(0.5 * Math.log(2) + (psiEpsilon - 0.5) * Math.log(psiEpsilon / 0.5), 9);
  });

  it('gives levels with the usual thresholds', () => {
    expect(driftLevel(0.05)).toBe('ok');
    expect(driftLevel(0.1)).toBe('watch');
    expect(driftLevel(0.2499)).toBe('watch');
    expect(driftLevel(0.25)).toBe('act');
  });
});

describe('Jensen–Shannon', () => {
  it('is 0 for identical, 1 for disjoint distributions, in bits between', () => {
    expect(jensenShannon([1, 2, 3], [2, 4, 6])).toBeCloseTo(0, 12);
    expect(jensenShannon([1, 0], [0, 1])).toBeCloseTo(1, 12);
    const expected = 0.5 * Math.log2(1 / 0.75) + 0.5 * (0.5 * Math.log2(0.5 / 0.75) + 0.5 * Math.log2(0.5 / 0.25));
    expect(jensenShannon([1, 0], [0.5, 0.5])).toBeCloseTo(expected, 12);
  });
});

describe('KS from digests', () => {
  for (const shift of [0, 0.05, 0.2, 0.5]) {
    it(`is within 0.01 of the exact two-sample KS at a ${shift}σ shift`, () => {
      const a = normals(20_000, 1);
      const b = normals(20_000, 2, shift);
      const exact = ksTest(a, b).statistic;
      expect(Math.abs(ksDistance(digestOf(a), digestOf(b)) - exact)).toBeLessThan(0.01);
    });
  }

  it('puts digest mass into reference bins like the exact counts', () => {
    const xs = normals(50_000, 3);
    const edges = quantileEdges(xs, 10);
    const masses = digestMasses(digestOf(xs), edges);
    expect(masses.reduce((s, m) => s + m, 0)).toBeCloseTo(1, 9);
    for (const m of masses) expect(Math.abs(m - 0.1)).toBeLessThan(0.005);
  });
});

describe('judgeDrift', () => {
  const model = 'f'.repeat(64);
  function reference() {
    const values = normals(5_000, 10);
    const top1 = values.map((v) => 1 / (1 + Math.exp(-v)));
    const edges = { 'x.mean': quantileEdges(values, 10), 'y.top1': quantileEdges(top1, 10) };
    const set = new SketchSet(model, 0, 0, { edges });
    set.samples = values.length;
    set.add([
      { key: 'x.mean', group: 'input', kind: 'numeric', values },
      { key: 'y.top1', group: 'output', kind: 'numeric', values: top1 },
    ]);
    for (const e of set.entries()) if (!set.histogram(e.key)) throw new Error('test reference needs edges for every statistic');
    return { profile: readReferenceProfile(JSON.parse(JSON.stringify({ format: referenceFormat, v: 1, model, source: { file: 'x.npy', split: 'evaluation', rows: 5000 }, createdAt: '', sketches: set }))), edges };
  }
  function window(n: number, seed: number, shift: number, edges?: Record<string, number[]>) {
    const values = normals(n, seed, shift);
    const set = new SketchSet(model, 0, 1, { edges });
    set.samples = n;
    set.add([{ key: 'x.mean', group: 'input', kind: 'numeric', values }]);
    return set;
  }

  it('calls the same distribution ok and a half-σ shift "act", with or without device histograms', () => {
    const { profile, edges } = reference();
    for (const e of [edges, undefined]) {
      const same = judgeDrift(profile, window(1_000, 20, 0, e));
      expect(same.enough).toBe(true);
      expect(same.worst.input!.psi).toBeLessThan(0.1);
      expect(same.worst.input!.level).toBe('ok');
      const moved = judgeDrift(profile, window(1_000, 21, 0.8, e));
      expect(moved.worst.input!.key).toBe('x.mean');
      expect(moved.worst.input!.psi).toBeGreaterThan(0.25);
      expect(moved.worst.input!.level).toBe('act');
      expect(moved.worst.input!.ks).toBeGreaterThan(0.25);
      expect(moved.worst.input!.js).toBeGreaterThan(0.05);
      expect(moved.worst.input!.explanation).toMatch(/major shift/);
      // The window carried no output statistic.
      expect(moved.missing).toEqual(['y.top1']);
      expect(moved.worst.output).toBeNull();
    }
  });

  it('marks a window with too few samples as not enough to judge', () => {
    const { profile } = reference();
    expect(judgeDrift(profile, window(50, 22, 0)).enough).toBe(false);
  });

  it('refuses a window of another model', () => {
    const { profile } = reference();
    expect(() => judgeDrift(profile, new SketchSet('e'.repeat(64), 0, 1))).toThrow(/Drift sketches that cannot be merged|describes model/);
  });
});
