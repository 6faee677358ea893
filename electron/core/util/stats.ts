import type { LatencyStats } from '../api/types.js';

export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/**
 * The p-th percentile (0..100) by linear interpolation between closest ranks: the value at
 * rank p/100 · (n − 1) of the sorted values (Hyndman & Fan type 7, NumPy's default 'linear').
 * Pass `sorted` when the values are already in ascending order.
 */
export function percentile(values: readonly number[], p: number, sorted = false): number {
  if (values.length === 0) return NaN;
  const xs = sorted ? values : [...values].sort((a, b) => a - b);
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (xs.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return xs[lo] + (xs[hi] - xs[lo]) * (rank - lo);
}

export function summarize(values: readonly number[]): LatencyStats {
  const xs = [...values].sort((a, b) => a - b);
  return {
    mean: mean(xs),
    p50: percentile(xs, 50, true),
    p95: percentile(xs, 95, true),
    p99: percentile(xs, 99, true),
    min: xs.length ? xs[0] : NaN,
    max: xs.length ? xs[xs.length - 1] : NaN,
  };
}
