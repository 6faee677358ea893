import { describe, expect, it } from 'vitest';
import { AppError } from '../../resources/device-protocol/error-data.js';
import { SketchSet } from '../../resources/device-protocol/drift/sketch-set.js';
import { TDigest } from '../../resources/device-protocol/drift/t-digest.js';
import { seededRandom } from '../../electron/core/util/seeded-random.js';

function normals(n: number, seed: number, mean = 0, sd = 1): number[] {
  const rnd = seededRandom(seed);
  const out: number[] = [];
  while (out.length < n) {
    const u = 1 - rnd();
    const v = rnd();
    out.push(mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  }
  return out;
}

const digestOf = (xs: readonly number[], c?: number) => {
  const d = new TDigest(c);
  for (const x of xs) d.add(x);
  return d;
};

/** Share of the sorted sample at or below x. */
function rank(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo / sorted.length;
}

const qs = [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999];

describe('t-digest accuracy', () => {
  for (const [name, gen] of [
    ['normal', () => normals(100_000, 1)],
    ['log-normal (skewed)', () => normals(100_000, 2).map(Math.exp)],
    ['uniform', () => Array.from({ length: 100_000 }, seededRandom(3))],
  ] as const) {
    it(`${name}: quantiles within 0.5 % rank of the exact ones, extremes exact`, () => {
      const xs = gen();
      const sorted = Float64Array.from(xs).sort();
      const d = digestOf(xs);
      for (const q of qs) expect(Math.abs(rank(sorted, d.quantile(q)) - q)).toBeLessThan(0.005);
      for (const q of qs) expect(Math.abs(d.cdf(sorted[Math.floor(q * sorted.length)]) - q)).toBeLessThan(0.005);
      expect(d.min).toBe(sorted[0]);
      expect(d.max).toBe(sorted[sorted.length - 1]);
      expect(d.count).toBe(xs.length);
      // Bounded: the merging pass keeps fewer centroids than the compression.
      expect(d.toJSON().m.length).toBeLessThan(d.compression);
    });
  }
});

describe('t-digest merge', () => {
  it('a merge of parts, in any grouping, matches the digest of the whole', () => {
    const xs = normals(60_000, 7, 3, 2);
    const rnd = seededRandom(8);
    const parts: number[][] = Array.from({ length: 12 }, () => []);
    for (const x of xs) parts[Math.floor(rnd() * parts.length)].push(x);
    const whole = digestOf(xs);
    const sequential = new TDigest();
    for (const p of parts) sequential.merge(digestOf(p));
    // ((a+b)+(c+d)) … as a console merging per region, then the regions.
    const pairs = [];
    for (let i = 0; i < parts.length; i += 2) {
      const d = digestOf(parts[i]);
      d.merge(digestOf(parts[i + 1]));
      pairs.push(d);
    }
    const tree = new TDigest();
    for (const p of pairs.reverse()) tree.merge(p);
    const sorted = Float64Array.from(xs).sort();
    for (const m of [sequential, tree]) {
      expect(m.count).toBe(whole.count);
      expect(m.min).toBe(whole.min);
      expect(m.max).toBe(whole.max);
      for (const q of qs) {
        expect(Math.abs(rank(sorted, m.quantile(q)) - q)).toBeLessThan(0.005);
        expect(Math.abs(rank(sorted, m.quantile(q)) - rank(sorted, whole.quantile(q)))).toBeLessThan(0.005);
      }
    }
  });
});

describe('t-digest serialization', () => {
  it('survives JSON with its quantiles (seven significant digits)', () => {
    const d = digestOf(normals(20_000, 11));
    const back = TDigest.fromJSON(JSON.parse(JSON.stringify(d)));
    expect(back.count).toBe(d.count);
    for (const q of qs) expect(back.quantile(q)).toBeCloseTo(d.quantile(q), 5);
    const empty = TDigest.fromJSON(JSON.parse(JSON.stringify(new TDigest())));
    expect(empty.count).toBe(0);
  });

  const good = () => JSON.parse(JSON.stringify(digestOf(normals(5_000, 12))));
  const cases: [string, (d: Record<string, unknown> & { m: unknown[]; w: unknown[] }) => void, RegExp][] = [
    ['wrong version', (d) => (d.v = 2), /`digest\.v` must be 1/],
    ['means out of order', (d) => ([d.m[3], d.m[4]] = [d.m[4], d.m[3]]), /`digest\.m\[4\]`.*means must ascend/],
    ['a NaN mean (null in JSON)', (d) => (d.m[2] = null), /`digest\.m\[2\]` must be a finite number, not null/],
    ['weights not adding up to n', (d) => (d.n = (d.n as number) + 5), /`digest\.n`.*weights add up to/],
    ['one weight short', (d) => d.w.pop(), /one weight per mean/],
    ['a zero weight', (d) => (d.w[1] = 0), /`digest\.w\[1\]` must be positive/],
    ['a mean outside [min, max]', (d) => (d.max = -10), /`digest\.max` must be at least/],
    ['too many centroids', (d) => ((d.m = Array.from({ length: 5000 }, (_, i) => i)), (d.w = d.m.map(() => 1))), /at most/],
    ['compression out of range', (d) => (d.c = 1e6), /`digest\.c` must be at most 1000/],
    ['a string count', (d) => (d.n = '5000'), /`digest\.n` must be a finite number, not the string "5000"/],
  ];
  for (const [name, mutate, message] of cases) {
    it(`refuses ${name} with DRIFT_SKETCH_INVALID naming the field`, () => {
      const d = good();
      mutate(d);
      let err: unknown;
      try {
        TDigest.fromJSON(d, 'device pi-7');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('DRIFT_SKETCH_INVALID');
      expect((err as AppError).detail).toMatch(message);
      expect((err as AppError).detail).toMatch(/^device pi-7: /);
    });
  }
});

describe('sketch set', () => {
  const make = (seed: number, edges = { 'x.mean': [-1, 0, 1] }) => {
    const s = new SketchSet('a'.repeat(64), 1000, 2000, { edges });
    s.samples = 500;
    s.add([
      { key: 'x.mean', group: 'input', kind: 'numeric', values: normals(500, seed) },
      { key: 'y.class', group: 'output', kind: 'categorical', classes: 3, labels: Array.from({ length: 500 }, (_, i) => i % 3) },
    ]);
    return s;
  };

  it('round-trips through JSON and merges', () => {
    const a = SketchSet.fromJSON(JSON.parse(JSON.stringify(make(1))));
    a.merge(SketchSet.fromJSON(JSON.parse(JSON.stringify(make(2)))));
    expect(a.samples).toBe(1000);
    expect(a.digest('x.mean')!.count).toBe(1000);
    expect(a.histogram('x.mean')!.total).toBe(1000);
    expect(a.classCounts('y.class')).toEqual([334, 334, 332]);
  });

  it('refuses to merge another model or other histogram edges', () => {
    const a = make(1);
    const other = new SketchSet('b'.repeat(64), 0, 1);
    expect(() => a.merge(other)).toThrow(/describes model/);
    expect(() => a.merge(make(2, { 'x.mean': [-2, 0, 2] }))).toThrow(/different edges/);
  });

  const mutations: [string, (s: { stats: Record<string, Record<string, unknown>> } & Record<string, unknown>) => void, RegExp][] = [
    ['histogram counts that disagree with the digest', (s) => ((s.stats['x.mean'].hist as { counts: number[] }).counts[0] += 1), /`sketch\.stats\.x\.mean\.hist\.counts` add up to 501/],
    ['a digest holding more values than samples', (s) => (s.samples = 10), /more than the window's 10 samples/],
    ['edges not ascending', (s) => ((s.stats['x.mean'].hist as { edges: number[] }).edges[2] = -5), /edges must ascend strictly/],
    ['a negative class count', (s) => ((s.stats['y.class'].counts as number[])[1] = -1), /`sketch\.stats\.y\.class\.counts\[1\]` must be at least 0/],
    ['an unknown group', (s) => (s.stats['y.class'].group = 'weights'), /must be "input" or "output"/],
    ['an unknown kind', (s) => (s.stats['y.class'].kind = 'raw'), /must be "numeric" or "categorical"/],
    ['end before start', (s) => (s.endMs = 5), /`sketch\.endMs` must be at least 1000/],
  ];
  for (const [name, mutate, message] of mutations) {
    it(`refuses ${name}`, () => {
      const raw = JSON.parse(JSON.stringify(make(1)));
      mutate(raw);
      expect(() => SketchSet.fromJSON(raw)).toThrow(message);
    });
  }
});
