// Energy per inference, candidate against parent, from blocks measured interleaved on one device and
// one source: each block's idle energy (idle power × its duration) is subtracted and the rest divided by
// its inferences. The ratio of the means gets a Fieller interval for paired data (Fieller 1954; the
// pairs' covariance carries the thermal and DVFS drift both blocks of a pair share), with Student's t
// because a device gives a handful of pairs. A gate `energy-ratio<=MAX` fails only when the interval's
// lower bound is above MAX: a noisy measurement cannot fail a rollout, only a shown increase can.
import { AppError } from '../api/errors.js';

export interface EnergyBlock {
  energyJ: number;
  durationS: number;
  inferences: number;
}

export interface EnergyBlockPair {
  candidate: EnergyBlock;
  parent: EnergyBlock;
  /** Idle power measured next to this pair; else the call's idlePowerW. */
  idlePowerW?: number;
}

export interface EnergyRatio {
  pairs: number;
  /** Mean energy per inference (J), idle subtracted. */
  candidateJ: number;
  parentJ: number;
  /** candidateJ / parentJ. */
  ratio: number;
  /** The interval at `level`; null bounds when it is unbounded (the parent's energy is not distinguishable from 0). */
  low: number | null;
  high: number | null;
  level: number;
}

/** Joules per inference above idle. */
export function energyPerInference(block: EnergyBlock, idlePowerW: number): number {
  if (!(block.inferences > 0) || !(block.durationS > 0) || !Number.isFinite(block.energyJ)) {
    throw new AppError('ENERGY_BLOCK_INVALID', 'Invalid energy block', `A block needs energy, a duration above 0 and at least one inference (got ${block.energyJ} J, ${block.durationS} s, ${block.inferences} inferences).`);
  }
  const net = block.energyJ - idlePowerW * block.durationS;
  if (!(net > 0)) {
    throw new AppError('ENERGY_BELOW_IDLE', 'Energy at or below idle', `A block used ${block.energyJ.toFixed(3)} J in ${block.durationS} s, no more than ${idlePowerW} W idle would: measure idle again, next to the blocks, or use longer blocks.`);
  }
  return net / block.inferences;
}

export function energyRatio(pairs: readonly EnergyBlockPair[], options: { idlePowerW?: number; level?: number } = {}): EnergyRatio {
  const level = options.level ?? 0.95;
  if (pairs.length < 2) throw new AppError('ENERGY_TOO_FEW_PAIRS', 'Too few energy blocks', `An interval needs at least 2 candidate/parent pairs; got ${pairs.length}. Measure more interleaved blocks.`);
  const idle = (p: EnergyBlockPair) => p.idlePowerW ?? options.idlePowerW ?? 0;
  const x = pairs.map((p) => energyPerInference(p.candidate, idle(p)));
  const y = pairs.map((p) => energyPerInference(p.parent, idle(p)));
  const n = pairs.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
  }
  // Variances and covariance of the two means.
  const [v11, v22, v12] = [sxx, syy, sxy].map((s) => s / (n - 1) / n);
  const t = studentTQuantile(1 - (1 - level) / 2, n - 1);
  const t2 = t * t;
  // Fieller: the ratios R with (mx − R·my)² ≤ t²·(v11 − 2R·v12 + R²·v22), a quadratic a·R² + b·R + c ≤ 0.
  const a = my * my - t2 * v22;
  const b = -2 * (mx * my - t2 * v12);
  const c = mx * mx - t2 * v11;
  const disc = b * b - 4 * a * c;
  const ratio = mx / my;
  const base = { pairs: n, candidateJ: mx, parentJ: my, ratio, level };
  if (a <= 0 || disc < 0) return { ...base, low: null, high: null };
  const root = Math.sqrt(disc);
  return { ...base, low: (-b - root) / (2 * a), high: (-b + root) / (2 * a) };
}

export type EnergyGateStatus = 'pass' | 'fail' | 'insufficient';

export interface EnergyGateDevice {
  deviceId: string;
  ratio: EnergyRatio;
}

export interface EnergyGateResult {
  status: EnergyGateStatus;
  /** Devices with a bounded interval. */
  devices: number;
  /** The device whose lower bound exceeded the limit, when one did. */
  failedDevice: string | null;
  explanation: string;
}

/**
 * `energy-ratio<=max`: each device's interval is at 1 − α/k (Bonferroni over the k judged devices), so
 * twenty healthy devices do not fail a rollout by chance; the gate fails when any device's lower bound
 * is above max and, when given, its increase per inference is above minIncreaseJ too.
 */
export function evaluateEnergyRatioGate(
  perDevice: readonly { deviceId: string; name?: string; pairs: readonly EnergyBlockPair[]; idlePowerW?: number }[],
  gate: { max: number; minDevices: number; alpha?: number; minIncreaseJ?: number },
): EnergyGateResult & { results: EnergyGateDevice[] } {
  const alpha = gate.alpha ?? 0.05;
  const usable = perDevice.filter((d) => d.pairs.length >= 2);
  const level = 1 - alpha / Math.max(1, usable.length);
  const results = usable.map((d) => ({ deviceId: d.deviceId, ratio: energyRatio(d.pairs, { idlePowerW: d.idlePowerW, level }) }));
  const names = new Map(usable.map((d) => [d.deviceId, d.name ?? d.deviceId]));
  const named = (id: string) => names.get(id) ?? id;
  const bounded = results.filter((r) => r.ratio.low !== null);
  const limit = `${gate.max}×`;
  if (bounded.length < gate.minDevices) {
    return { status: 'insufficient', devices: bounded.length, failedDevice: null, results, explanation: `Energy per inference: ${bounded.length} of the ${gate.minDevices} devices needed have a usable interval; not judged yet.` };
  }
  const failed = bounded.find((r) => r.ratio.low! > gate.max && r.ratio.candidateJ - r.ratio.parentJ > (gate.minIncreaseJ ?? 0));
  if (failed) {
    const r = failed.ratio;
    return { status: 'fail', devices: bounded.length, failedDevice: failed.deviceId, results, explanation: `Energy per inference: ${named(failed.deviceId)} uses ${fmt(r.ratio)}× the parent's (${pct(level)} interval ${fmt(r.low!)}–${fmt(r.high!)}), above the limit of ${limit} even at its lower bound.` };
  }
  const worst = bounded.reduce((w, r) => (r.ratio.ratio > w.ratio.ratio ? r : w));
  return { status: 'pass', devices: bounded.length, failedDevice: null, results, explanation: `Energy per inference: no device shown above ${limit} (highest ${named(worst.deviceId)}: ${fmt(worst.ratio.ratio)}×, ${pct(level)} interval ${fmt(worst.ratio.low!)}–${fmt(worst.ratio.high!)}).` };
}

function fmt(x: number): string {
  return x.toFixed(3);
}

function pct(level: number): string {
  return `${Math.round(level * 1000) / 10} %`;
}

/** The p-quantile of Student's t with df degrees of freedom, by bisection on its CDF. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) return NaN;
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 100 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** I_x(a, b) by its continued fraction (Lentz), on the side where it converges fast. */
function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a;
  return 1 - (front * betaFraction(1 - x, b, a)) / b;
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 300; m++) {
    for (const num of [(m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)), (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))]) {
      d = 1 + num * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + num / c;
      if (Math.abs(c) < tiny) c = tiny;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-15) break;
  }
  return h;
}

/** Lanczos approximation (g = 7, 9 terms). */
function logGamma(z: number): number {
  const g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const zz = z - 1;
  let s = g[0];
  for (let i = 1; i < 9; i++) s += g[i] / (zz + i);
  const t = zz + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (zz + 0.5) * Math.log(t) - t + Math.log(s);
}
