// Distances between a device's distribution and the reference, and the levels a person acts on.
// Deliberately no p-values: a test's p-value shrinks with sample size, so at fleet volumes (thousands
// of samples per window, millions per fleet) a shift of a twentieth of a standard deviation, which
// changes nothing about the model's accuracy, comes out "significant" (p ≈ 1e-23 at n = 100k, where
// PSI is 0.003). Distances measure how far apart the distributions are, whatever n is.
import type { TDigest } from './t-digest.js';

/**
 * Floor for a bin's share before PSI takes its logarithm: an empty bin would otherwise make PSI
 * infinite. With 1e-4 a bin holding 10 % of the reference and nothing on the device adds
 * 0.1 · ln(0.1 / 1e-4) ≈ 0.69, enough to cross "act" on its own, yet the index stays finite.
 */
export const psiEpsilon = 1e-4;

/** Population stability index Σ (a − e) · ln(a / e) over shares of the same bins. */
export function psi(expected: readonly number[], actual: readonly number[], eps = psiEpsilon): number {
  const e = shares(expected).map((x) => Math.max(x, eps));
  const a = shares(actual).map((x) => Math.max(x, eps));
  let sum = 0;
  for (let i = 0; i < e.length; i++) sum += (a[i] - e[i]) * Math.log(a[i] / e[i]);
  return sum;
}

/** Jensen–Shannon divergence in bits: 0 for identical distributions, 1 for disjoint ones. */
export function jensenShannon(p: readonly number[], q: readonly number[]): number {
  const ps = shares(p);
  const qs = shares(q);
  let sum = 0;
  for (let i = 0; i < ps.length; i++) {
    const m = (ps[i] + qs[i]) / 2;
    if (ps[i] > 0) sum += 0.5 * ps[i] * Math.log2(ps[i] / m);
    if (qs[i] > 0) sum += 0.5 * qs[i] * Math.log2(qs[i] / m);
  }
  return Math.min(1, Math.max(0, sum));
}

/**
 * Kolmogorov–Smirnov statistic D = max |F_a − F_b| between two digests' CDFs. Both are piecewise
 * linear, so the largest gap lies on one of their breakpoints, and checking those is exact for them.
 */
export function ksDistance(a: TDigest, b: TDigest): number {
  if (!a.count || !b.count) return NaN;
  const xs = [...a.breakpoints().x, ...b.breakpoints().x];
  const fa = a.cdfMany(xs);
  const fb = b.cdfMany(xs);
  let d = 0;
  for (let i = 0; i < xs.length; i++) d = Math.max(d, Math.abs(fa[i] - fb[i]));
  return d;
}

/** A digest's mass in the bins (-∞, e0), [e0, e1), …, [e_last, ∞), from its CDF. */
export function digestMasses(d: TDigest, edges: readonly number[]): number[] {
  const below = d.cdfMany(edges);
  const cum = edges.map((e, i) => (e <= d.min ? 0 : below[i]));
  return [...cum, 1].map((c, i) => Math.max(0, c - (i ? cum[i - 1] : 0)));
}

function shares(counts: readonly number[]): number[] {
  const total = counts.reduce((s, c) => s + c, 0);
  return total > 0 ? counts.map((c) => c / total) : counts.map(() => 0);
}

export type DriftLevel = 'ok' | 'watch' | 'act';

export const psiThresholds = { watch: 0.1, act: 0.25 } as const;

/** One line each, for a field engineer. */
export const levelExplanation: Record<DriftLevel, string> = {
  ok: 'PSI below 0.1: what the device sees matches the data the model was validated on; nothing to do.',
  watch: 'PSI 0.1 to 0.25: a moderate shift from the validation data; check what changed at the device (lighting, sensor, placement, product) and keep watching.',
  act: 'PSI 0.25 or more: a major shift; the model now sees data unlike what it was validated on, so its accuracy is unknown: fix the input or recalibrate/retrain.',
};

export function driftLevel(psiValue: number): DriftLevel {
  return psiValue >= psiThresholds.act ? 'act' : psiValue >= psiThresholds.watch ? 'watch' : 'ok';
}
