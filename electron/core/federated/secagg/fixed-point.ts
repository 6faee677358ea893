// Fixed-point encoding for secure aggregation, after Flower's SecAgg+ (flwr.common.secure_aggregation):
// clip each parameter to ±clippingRange, map [−c, c] onto the integers [0, quantizationRange] with
// stochastic (unbiased) or deterministic rounding, and add mod modulusRange. The sum of k clients'
// quantized values is therefore Σq = Σ(x + c)·Q/2c, and dequantizing it subtracts k·c, not c.
//
// Weighting (as Flower does it): a client's weight is w = min(sampleCount, maxWeight); it sends
// [round(w/maxWeight·Q), quantize(w/maxWeight · clip(params))], so the first entry sums to the total weight
// and the rest to the weighted sum. Unlike Flower, parameters are clipped before they are weighted, so a
// light client cannot send larger parameters than a heavy one. Everything is done in Uint32Array, whose
// stores wrap mod 2^32; a smaller modulus must be a power of two so that wrapping mod 2^32 stays consistent.
import { randomFillSync } from 'node:crypto';
import { AppError } from '../../api/errors.js';

export interface FixedPointConfig {
  /** Parameters are clipped to [−clippingRange, clippingRange]. */
  clippingRange: number;
  /** [−c, c] maps onto the integers 0..quantizationRange. */
  quantizationRange: number;
  /** Arithmetic is mod modulusRange: a power of two, at most 2^32. */
  modulusRange: number;
  /** Sample counts above this weigh as much as maxWeight. */
  maxWeight: number;
}

/** Flower's SecAggPlusWorkflow defaults. */
export const defaultFixedPoint: Readonly<FixedPointConfig> = Object.freeze({
  clippingRange: 8,
  quantizationRange: 2 ** 22,
  modulusRange: 2 ** 32,
  maxWeight: 1000,
});

export type Rounding = 'stochastic' | 'deterministic';

export interface QuantizeOptions {
  /** Default stochastic: unbiased, error below one step; deterministic rounds to the nearest step. */
  rounding?: Rounding;
  /** Uniform [0, 1) for stochastic rounding; default node:crypto randomness. */
  random?: () => number;
}

export type Numbers = ArrayLike<number>;

function configError(detail: string): AppError {
  return new AppError('SECAGG_CONFIG', 'Invalid secure aggregation settings', detail);
}

/** Validates the settings; throws SECAGG_CONFIG naming the bad one. */
export function checkFixedPoint(cfg: FixedPointConfig): FixedPointConfig {
  const { clippingRange: c, quantizationRange: q, modulusRange: m, maxWeight } = cfg;
  if (!(Number.isFinite(c) && c > 0)) throw configError(`clippingRange must be a positive number, got ${c}.`);
  if (!(Number.isSafeInteger(q) && q >= 1)) throw configError(`quantizationRange must be a positive integer, got ${q}.`);
  if (!(Number.isSafeInteger(m) && m >= 2 && m <= 2 ** 32 && (m & (m - 1)) === 0 && m > q)) {
    throw configError(`modulusRange must be a power of two above quantizationRange (${q}) and at most 2^32, got ${m}.`);
  }
  if (!(Number.isFinite(maxWeight) && maxWeight > 0)) throw configError(`maxWeight must be a positive number, got ${maxWeight}.`);
  return cfg;
}

/** The most clients whose sum cannot wrap: each entry is at most quantizationRange. */
export function maxContributors(cfg: FixedPointConfig): number {
  return Math.floor((cfg.modulusRange - 1) / cfg.quantizationRange);
}

/** One quantization step in parameter units (per client; a sum of k clients errs by at most k steps). */
export function quantizationStep(cfg: FixedPointConfig): number {
  return (2 * cfg.clippingRange) / cfg.quantizationRange;
}

function cryptoUniform(): () => number {
  const pool = new Uint32Array(4096);
  let next = pool.length;
  return () => {
    if (next === pool.length) {
      randomFillSync(pool);
      next = 0;
    }
    return pool[next++] / 4294967296;
  };
}

/** Clips, optionally scales, and quantizes to integers in [0, quantizationRange]. NaN is refused. */
export function quantize(values: Numbers, cfg: FixedPointConfig, opts: QuantizeOptions = {}, scale = 1, out = new Uint32Array(values.length), at = 0): Uint32Array {
  const c = cfg.clippingRange;
  const q = cfg.quantizationRange;
  const perUnit = q / (2 * c);
  const stochastic = (opts.rounding ?? 'stochastic') === 'stochastic';
  const random = stochastic ? (opts.random ?? cryptoUniform()) : null;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (Number.isNaN(x)) throw new AppError('SECAGG_INPUT', 'Update cannot be encoded', `Parameter ${i} is NaN: a client update must be finite numbers.`);
    const clipped = x > c ? c : x < -c ? -c : x;
    const v = (clipped * scale + c) * perUnit;
    let r: number;
    if (random) {
      const f = Math.floor(v);
      r = random() < v - f ? f + 1 : f;
    } else r = Math.round(v);
    out[at + i] = r > q ? q : r < 0 ? 0 : r;
  }
  return out;
}

/** The sum of `contributors` clients' quantized values back to parameter units: Σq·2c/Q − k·c. */
export function dequantizeSum(sum: Numbers, contributors: number, cfg: FixedPointConfig, from = 0): Float64Array {
  const step = quantizationStep(cfg);
  const offset = contributors * cfg.clippingRange;
  const out = new Float64Array(sum.length - from);
  for (let i = 0; i < out.length; i++) out[i] = sum[from + i] * step - offset;
  return out;
}

/** A client's weight as sent: round(min(n, maxWeight)/maxWeight·Q), and the ratio that quantized value stands for. */
export function quantizedWeight(sampleCount: number, cfg: FixedPointConfig): { quantized: number; ratio: number; weight: number } {
  if (!(Number.isFinite(sampleCount) && sampleCount >= 0)) {
    throw new AppError('SECAGG_INPUT', 'Update cannot be encoded', `The sample count must be a non-negative number, got ${sampleCount}.`);
  }
  const quantized = Math.round((Math.min(sampleCount, cfg.maxWeight) / cfg.maxWeight) * cfg.quantizationRange);
  const ratio = quantized / cfg.quantizationRange;
  return { quantized, ratio, weight: ratio * cfg.maxWeight };
}

/** [weight, weight·clip(params)] as fixed point: length params.length + 1. */
export function encodeUpdate(params: Numbers, sampleCount: number, cfg: FixedPointConfig, opts: QuantizeOptions = {}): Uint32Array {
  const { quantized, ratio } = quantizedWeight(sampleCount, cfg);
  const out = new Uint32Array(params.length + 1);
  out[0] = quantized;
  quantize(params, cfg, opts, ratio, out, 1);
  return out;
}

export interface DecodedSum {
  /** Σ wᵢ·clip(xᵢ) over the contributors, wᵢ = min(sampleCountᵢ, maxWeight) as quantized. */
  weightedSum: Float64Array;
  /** Σ wᵢ. */
  totalWeight: number;
}

/** The unmasked sum of `contributors` encoded updates, in sample-weighted parameter units. */
export function decodeSum(sum: Uint32Array, contributors: number, cfg: FixedPointConfig): DecodedSum {
  const weightedSum = dequantizeSum(sum, contributors, cfg, 1);
  for (let i = 0; i < weightedSum.length; i++) weightedSum[i] *= cfg.maxWeight;
  return { weightedSum, totalWeight: (sum[0] / cfg.quantizationRange) * cfg.maxWeight };
}

/** acc += v (mod 2^32), in place. */
export function addInto(acc: Uint32Array, v: Uint32Array): void {
  for (let i = 0; i < acc.length; i++) acc[i] += v[i];
}

/** acc −= v (mod 2^32), in place. */
export function subtractInto(acc: Uint32Array, v: Uint32Array): void {
  for (let i = 0; i < acc.length; i++) acc[i] -= v[i];
}

/** Reduces mod modulusRange in place (a no-op at 2^32, where Uint32Array already wraps). */
export function reduceMod(v: Uint32Array, modulusRange: number): Uint32Array {
  if (modulusRange < 2 ** 32) {
    const mask = modulusRange - 1;
    for (let i = 0; i < v.length; i++) v[i] &= mask;
  }
  return v;
}
