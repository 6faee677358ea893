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
  p50DiffMs: Interval & { significant: boolean };
  p95DiffMs: Interval & { significant: boolean };
  errorRate: ProportionTest & { significant: boolean };
  confidenceShift: KsTest & { psi: number; significant: boolean };
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
  const estimate = percentile(b, p) - percentile(a, p);
  if (a.length < 2 || b.length < 2) return { estimate, low: NaN, high: NaN };
  const bufA = new Float64Array(a.length);
  const bufB = new Float64Array(b.length);
  const stats = new Float64Array(iterations);
  for (let k = 0; k < iterations; k++) stats[k] = sortedPercentile(resample(b, rng, bufB), p) - sortedPercentile(resample(a, rng, bufA), p);
  return { estimate, ...tails(stats, level) };
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
  const variants = samples.map((s) => ({
    id: s.id,
    samples: s.latenciesMs.length,
    p50Ms: bootstrapPercentile(s.latenciesMs, 50, level, iterations, rng),
    p95Ms: bootstrapPercentile(s.latenciesMs, 95, level, iterations, rng),
    errorRate: s.requests > 0 ? s.errors / s.requests : NaN,
  }));
  const [control, ...others] = samples;
  const comparisons = others.map((s): VariantComparison => {
    const p50 = bootstrapPercentileDiff(control.latenciesMs, s.latenciesMs, 50, level, iterations, rng);
    const p95 = bootstrapPercentileDiff(control.latenciesMs, s.latenciesMs, 95, level, iterations, rng);
    const err = twoProportionZTest(control.errors, control.requests, s.errors, s.requests);
    const ks = ksTest(control.confidences, s.confidences);
    return {
      id: s.id,
      p50DiffMs: { ...p50, significant: excludesZero(p50) },
      p95DiffMs: { ...p95, significant: excludesZero(p95) },
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
