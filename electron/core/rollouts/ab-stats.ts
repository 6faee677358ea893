// A/B reports: per-variant latency percentiles with bootstrap intervals, error-rate and confidence
// comparisons against the control, each with a `significant` flag at the chosen α.
import { percentile } from '../util/stats.js';
import { seededRandom, type Random } from '../util/seeded-random.js';
import { ksTest, populationStabilityIndex, twoProportionZTest, type KsTest, type ProportionTest } from './significance.js';

export interface VariantSample {
  id: string;
  /** Per-request latencies (ms) pooled over the cohort. */
  latenciesMs: readonly number[];
  requests: number;
  errors: number;
  /** Per-request top-1 confidences. */
  confidences: readonly number[];
  /**
   * The same latencies split by device. When both sides have them, intervals resample devices (the
   * unit that was randomized) and pool their requests, so one slow device cannot pass for an effect.
   */
  latencyClusters?: readonly (readonly number[])[];
}

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

export interface VariantStats {
  id: string;
  samples: number;
  p50Ms: Interval;
  p95Ms: Interval;
  errorRate: number;
}

export interface VariantComparison {
  id: string;
  /** This variant minus the control, with a bootstrap interval; significant when it excludes 0. */
  p50DiffMs: Difference;
  p95DiffMs: Difference;
  errorRate: ProportionTest & { significant: boolean };
  confidenceShift: KsTest & { psi: number; significant: boolean };
}

/** A bootstrap difference: `pValue` is twice the smaller share of resampled differences on either side of 0. */
export interface Difference extends Interval {
  pValue: number;
  significant: boolean;
}

export interface AbReport {
  controlId: string;
  alpha: number;
  variants: VariantStats[];
  comparisons: VariantComparison[];
}

export interface AbOptions {
  alpha?: number;
  /** Bootstrap resamples. */
  iterations?: number;
  seed?: string | number;
}

const defaults = { alpha: 0.05, iterations: 1000, seed: 'edgefleet-ab' };

// percentile() with sorted = true only reads length and indices, which a typed array has too.
function sortedPercentile(xs: Float64Array, p: number): number {
  return percentile(xs as unknown as readonly number[], p, true);
}

function resample(xs: readonly number[], rng: Random, into: Float64Array): Float64Array {
  for (let i = 0; i < into.length; i++) into[i] = xs[Math.floor(rng() * xs.length)];
  return into.sort();
}

/** Percentile bootstrap interval of one sample's p-th percentile. */
export function bootstrapPercentile(xs: readonly number[], p: number, level: number, iterations: number, rng: Random): Interval {
  const estimate = percentile(xs, p);
  if (xs.length < 2) return { estimate, low: NaN, high: NaN };
  const buf = new Float64Array(xs.length);
  const stats = new Float64Array(iterations);
  for (let k = 0; k < iterations; k++) stats[k] = sortedPercentile(resample(xs, rng, buf), p);
  return { estimate, ...tails(stats, level) };
}

/** Percentile bootstrap interval of percentile(b) − percentile(a), resampling each side on its own. */
export function bootstrapPercentileDiff(a: readonly number[], b: readonly number[], p: number, level: number, iterations: number, rng: Random): Interval {
  const { pValue: _, ...interval } = bootstrapPercentileDiffTest(a, b, p, level, iterations, rng);
  return interval;
}

/** bootstrapPercentileDiff with the bootstrap p-value of "no difference" from the same resamples. */
export function bootstrapPercentileDiffTest(a: readonly number[], b: readonly number[], p: number, level: number, iterations: number, rng: Random): Interval & { pValue: number } {
  const estimate = percentile(b, p) - percentile(a, p);
  if (a.length < 2 || b.length < 2) return { estimate, low: NaN, high: NaN, pValue: NaN };
  const bufA = new Float64Array(a.length);
  const bufB = new Float64Array(b.length);
  const stats = new Float64Array(iterations);
  for (let k = 0; k < iterations; k++) stats[k] = sortedPercentile(resample(b, rng, bufB), p) - sortedPercentile(resample(a, rng, bufA), p);
  let below = 0;
  let above = 0;
  for (const d of stats) {
    if (d <= 0) below++;
    if (d >= 0) above++;
  }
  const pValue = Math.min(1, (2 * Math.max(1, Math.min(below, above))) / iterations);
  return { estimate, ...tails(stats, level), pValue };
}

/**
 * Like bootstrapPercentileDiff, but each resample draws whole clusters (devices) with replacement
 * and pools their values. With few clusters this interval is too narrow: significance comes from
 * clusterPermutationPValue instead.
 */
export function clusterBootstrapPercentileDiff(
  a: readonly (readonly number[])[],
  b: readonly (readonly number[])[],
  p: number,
  level: number,
  iterations: number,
  rng: Random,
): Interval {
  const estimate = percentile(b.flat(), p) - percentile(a.flat(), p);
  if (a.length < 2 || b.length < 2) return { estimate, low: NaN, high: NaN };
  const stats = new Float64Array(iterations);
  for (let k = 0; k < iterations; k++) stats[k] = sortedPercentile(resampleClusters(b, rng), p) - sortedPercentile(resampleClusters(a, rng), p);
  return { estimate, ...tails(stats, level) };
}

/**
 * Two-sided permutation test of "the clusters' labels do not matter" for the difference of pooled
 * p-th percentiles: every relabelling of the devices when there are at most `iterations` of them,
 * else that many random ones. Exact under exchangeable devices, however few there are.
 */
export function clusterPermutationPValue(a: readonly (readonly number[])[], b: readonly (readonly number[])[], p: number, iterations: number, rng: Random): number {
  if (a.length === 0 || b.length === 0) return NaN;
  const all = [...a, ...b];
  const pooled = (idx: readonly number[]) => pool(idx.map((i) => all[i]));
  const stat = (inA: readonly boolean[]) => {
    const ia: number[] = [];
    const ib: number[] = [];
    inA.forEach((x, i) => (x ? ia : ib).push(i));
    return Math.abs(sortedPercentile(pooled(ib), p) - sortedPercentile(pooled(ia), p));
  };
  const observed = stat(all.map((_, i) => i < a.length)) - 1e-9;
  const labellings = binomial(all.length, a.length);
  if (labellings <= iterations) {
    let hits = 0;
    for (const inA of combinations(all.length, a.length)) if (stat(inA) >= observed) hits++;
    return hits / labellings;
  }
  let hits = 0;
  const order = all.map((_, i) => i);
  for (let k = 0; k < iterations; k++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const inA = new Array<boolean>(all.length).fill(false);
    for (let i = 0; i < a.length; i++) inA[order[i]] = true;
    if (stat(inA) >= observed) hits++;
  }
  return (hits + 1) / (iterations + 1);
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

function* combinations(n: number, k: number): Generator<boolean[]> {
  const pick = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    const inA = new Array<boolean>(n).fill(false);
    for (const i of pick) inA[i] = true;
    yield inA;
    let i = k - 1;
    while (i >= 0 && pick[i] === n - k + i) i--;
    if (i < 0) return;
    pick[i]++;
    for (let j = i + 1; j < k; j++) pick[j] = pick[j - 1] + 1;
  }
}

function pool(clusters: readonly (readonly number[])[]): Float64Array {
  const out = new Float64Array(clusters.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of clusters) {
    out.set(c, at);
    at += c.length;
  }
  return out.sort();
}

/** Percentile bootstrap interval of one variant's p-th percentile, resampling clusters. */
export function clusterBootstrapPercentile(clusters: readonly (readonly number[])[], p: number, level: number, iterations: number, rng: Random): Interval {
  const estimate = percentile(clusters.flat(), p);
  if (clusters.length < 2) return { estimate, low: NaN, high: NaN };
  const stats = new Float64Array(iterations);
  for (let k = 0; k < iterations; k++) stats[k] = sortedPercentile(resampleClusters(clusters, rng), p);
  return { estimate, ...tails(stats, level) };
}

function resampleClusters(clusters: readonly (readonly number[])[], rng: Random): Float64Array {
  return pool(clusters.map(() => clusters[Math.floor(rng() * clusters.length)]));
}

function tails(stats: Float64Array, level: number): { low: number; high: number } {
  const sorted = stats.sort();
  const tail = ((1 - level) / 2) * 100;
  return { low: sortedPercentile(sorted, tail), high: sortedPercentile(sorted, 100 - tail) };
}

function excludesZero(i: Interval): boolean {
  return i.low > 0 || i.high < 0;
}

/** The first sample is the control; every other variant is compared with it. */
export function compareVariants(samples: readonly VariantSample[], options: AbOptions = {}): AbReport {
  const { alpha, iterations, seed } = { ...defaults, ...options };
  if (samples.length < 2) throw new RangeError('compareVariants needs a control and at least one other variant');
  const level = 1 - alpha;
  const rng = seededRandom(seed);
  const clustered = samples.every((s) => s.latencyClusters !== undefined);
  const interval = (s: VariantSample, p: number) =>
    clustered ? clusterBootstrapPercentile(s.latencyClusters!, p, level, iterations, rng) : bootstrapPercentile(s.latenciesMs, p, level, iterations, rng);
  const difference = (a: VariantSample, b: VariantSample, p: number): Difference => {
    if (clustered) {
      const d = clusterBootstrapPercentileDiff(a.latencyClusters!, b.latencyClusters!, p, level, iterations, rng);
      const pValue = clusterPermutationPValue(a.latencyClusters!, b.latencyClusters!, p, iterations, rng);
      return { ...d, pValue, significant: pValue < alpha };
    }
    const d = bootstrapPercentileDiffTest(a.latenciesMs, b.latenciesMs, p, level, iterations, rng);
    return { ...d, significant: excludesZero(d) };
  };
  const variants = samples.map((s) => ({
    id: s.id,
    samples: s.latenciesMs.length,
    p50Ms: interval(s, 50),
    p95Ms: interval(s, 95),
    errorRate: s.requests > 0 ? s.errors / s.requests : NaN,
  }));
  const [control, ...others] = samples;
  const comparisons = others.map((s): VariantComparison => {
    const p50 = difference(control, s, 50);
    const p95 = difference(control, s, 95);
    const err = twoProportionZTest(control.errors, control.requests, s.errors, s.requests);
    const ks = ksTest(control.confidences, s.confidences);
    return {
      id: s.id,
      p50DiffMs: p50,
      p95DiffMs: p95,
      errorRate: { ...err, significant: err.pValue < alpha },
      confidenceShift: { ...ks, psi: populationStabilityIndex(control.confidences, s.confidences), significant: ks.pValue < alpha },
    };
  });
  return { controlId: control.id, alpha, variants, comparisons };
}

export interface WinnerSuggestion {
  /** The variant to promote, or the control's id when none beats it safely. */
  id: string;
  reason: string;
}

/**
 * A variant wins when it is significantly better on p95 latency or error rate, significantly worse
 * on neither, and its confidence distribution did not shift; among several, the lowest p95 wins.
 */
export function suggestWinner(report: AbReport): WinnerSuggestion {
  const candidates = report.comparisons.filter((c) => {
    const worse = (c.p95DiffMs.significant && c.p95DiffMs.estimate > 0) || (c.errorRate.significant && c.errorRate.difference > 0);
    const better = (c.p95DiffMs.significant && c.p95DiffMs.estimate < 0) || (c.errorRate.significant && c.errorRate.difference < 0);
    return better && !worse && !c.confidenceShift.significant;
  });
  if (candidates.length === 0) {
    return { id: report.controlId, reason: 'No variant is significantly better than the control without a significant regression; keep the control.' };
  }
  const best = [...candidates].sort((a, b) => a.p95DiffMs.estimate - b.p95DiffMs.estimate)[0];
  return { id: best.id, reason: `${best.id} is significantly better than ${report.controlId} and worse on nothing measured.` };
}
