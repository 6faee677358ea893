// Classical tests for A/B reports: normal tail, two-proportion z-test, two-sample Kolmogorov–Smirnov, PSI.

/** Standard normal CDF via erf (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

export interface ProportionTest {
  rateA: number;
  rateB: number;
  /** rateB − rateA. */
  difference: number;
  z: number;
  pValue: number;
}

/** Two-sided two-proportion z-test with the pooled rate. */
export function twoProportionZTest(successesA: number, nA: number, successesB: number, nB: number): ProportionTest {
  const rateA = nA > 0 ? successesA / nA : NaN;
  const rateB = nB > 0 ? successesB / nB : NaN;
  const pooled = (successesA + successesB) / (nA + nB);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / nA + 1 / nB));
  const difference = rateB - rateA;
  if (!(nA > 0 && nB > 0)) return { rateA, rateB, difference, z: NaN, pValue: NaN };
  // No variance at all (both 0 % or both 100 %): nothing tells the variants apart.
  if (se === 0) return { rateA, rateB, difference, z: 0, pValue: 1 };
  const z = difference / se;
  return { rateA, rateB, difference, z, pValue: Math.min(1, 2 * (1 - normalCdf(Math.abs(z)))) };
}

export interface KsTest {
  statistic: number;
  pValue: number;
}

/** Two-sample KS: the largest gap between the empirical CDFs, with the asymptotic p-value. */
export function ksTest(a: readonly number[], b: readonly number[]): KsTest {
  if (a.length === 0 || b.length === 0) return { statistic: NaN, pValue: NaN };
  const xs = Float64Array.from(a).sort();
  const ys = Float64Array.from(b).sort();
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < xs.length && j < ys.length) {
    const v = Math.min(xs[i], ys[j]);
    while (i < xs.length && xs[i] === v) i++;
    while (j < ys.length && ys[j] === v) j++;
    d = Math.max(d, Math.abs(i / xs.length - j / ys.length));
  }
  const ne = (xs.length * ys.length) / (xs.length + ys.length);
  // Stephens' small-sample correction to the Kolmogorov distribution's argument.
  const lambda = (Math.sqrt(ne) + 0.12 + 0.11 / Math.sqrt(ne)) * d;
  return { statistic: d, pValue: kolmogorovQ(lambda) };
}

function kolmogorovQ(lambda: number): number {
  if (lambda < 1e-3) return 1;
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = 2 * (k % 2 === 1 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-12) break;
  }
  return Math.min(1, Math.max(0, sum));
}

/**
 * Population stability index of `actual` against `expected`, over bins cut at the expected
 * sample's deciles. Rule of thumb: < 0.1 stable, 0.1–0.25 some shift, > 0.25 a large shift.
 */
export function populationStabilityIndex(expected: readonly number[], actual: readonly number[], bins = 10): number {
  if (expected.length === 0 || actual.length === 0) return NaN;
  const sorted = Float64Array.from(expected).sort();
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) edges.push(sorted[Math.floor((k * sorted.length) / bins)]);
  const share = (xs: readonly number[]) => {
    const counts = new Array<number>(bins).fill(0);
    for (const x of xs) {
      let b = 0;
      while (b < edges.length && x >= edges[b]) b++;
      counts[b]++;
    }
    // A floor keeps empty bins from making the logarithm infinite.
    return counts.map((c) => Math.max(c / xs.length, 1e-4));
  };
  const e = share(expected);
  const a = share(actual);
  return e.reduce((sum, ei, k) => sum + (a[k] - ei) * Math.log(a[k] / ei), 0);
}
