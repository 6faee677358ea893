// Stage plans: which devices each stage of a rollout adds, from percentages or an exponential rate.
import { AppError } from '../api/errors.js';
import { rankDevices, shareCount } from './bucketing.js';

export const defaultStagePercents: readonly number[] = [5, 25, 100];

/**
 * As AWS IoT Jobs' exponential rollout: stage k adds min(ceiling, ⌈base · factor^k⌉) devices and
 * starts them at that many a minute (rollout-pacer.ts), the rate growing each time a stage passes its
 * gates (our rate-increase criterion).
 */
export interface ExponentialRate {
  baseRatePerMinute: number;
  incrementFactor: number;
  maximumPerMinute: number;
}

export type StageSpec = { kind: 'percentages'; percents: readonly number[] } | ({ kind: 'exponential' } & ExponentialRate);

export interface PlannedStage {
  index: number;
  /** "5 %" or "12 devices" for the UI. */
  label: string;
  /** Share of the fleet covered once this stage is done. */
  cumulativePercent: number;
  /** Devices this stage adds, in deploy order (percentile order). */
  deviceIds: string[];
  /** deviceIds cut into groups of at most maxConcurrency, for display. */
  batches: string[][];
}

export interface StagePlan {
  stages: PlannedStage[];
  deviceCount: number;
  /** Devices no stage reaches (a plan may end below 100 %). */
  leftOut: string[];
}

function stageError(detail: string): AppError {
  return new AppError('STAGES_INVALID', 'Invalid rollout stages', detail);
}

/** Parses `--stages 5,25,100`. */
export function parseStagePercents(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim().replace(/%$/, ''));
  const percents = parts.map((p) => (p === '' ? NaN : Number(p)));
  const bad = parts.find((_, i) => !Number.isFinite(percents[i]));
  if (bad !== undefined) throw stageError(`"${text}" is not a list of percentages such as 5,25,100 ("${bad}" is not a number).`);
  checkStagePercents(percents);
  return percents;
}

export function checkStagePercents(percents: readonly number[]): void {
  if (percents.length === 0) throw stageError('Give at least one stage, e.g. 5,25,100.');
  percents.forEach((p, i) => {
    if (!(p > 0 && p <= 100)) throw stageError(`Stage ${i + 1} is ${p} %; each stage must be above 0 and at most 100 %.`);
    if (i > 0 && p <= percents[i - 1]) throw stageError(`Stage ${i + 1} (${p} %) must be larger than stage ${i} (${percents[i - 1]} %): stages widen.`);
  });
}

export function checkExponentialRate(rate: ExponentialRate): void {
  const { baseRatePerMinute: base, incrementFactor: factor, maximumPerMinute: max } = rate;
  if (!Number.isInteger(base) || base < 1) throw stageError(`The base rate is ${base}; it must be a whole number of devices, at least 1.`);
  if (!Number.isFinite(factor) || factor < 1.1 || factor > 5) throw stageError(`The increment factor is ${factor}; it must be between 1.1 and 5 (as in AWS IoT Jobs).`);
  if (!Number.isInteger(max) || max < base) throw stageError(`The ceiling is ${max}; it must be a whole number no smaller than the base rate (${base}).`);
}

/** Devices per minute stage `k` of an exponential plan starts: min(ceiling, ⌈base · factor^k⌉). */
export function stageRatePerMinute(rate: ExponentialRate, k: number): number {
  return Math.min(rate.maximumPerMinute, Math.ceil(rate.baseRatePerMinute * rate.incrementFactor ** k - 1e-9));
}

/** The number of devices each stage adds, for n devices. */
export function stageSizes(spec: StageSpec, n: number): number[] {
  const sizes: number[] = [];
  if (spec.kind === 'percentages') {
    checkStagePercents(spec.percents);
    let done = 0;
    for (const p of spec.percents) {
      const upTo = shareCount(n, p);
      sizes.push(upTo - done);
      done = upTo;
    }
    return sizes;
  }
  checkExponentialRate(spec);
  let done = 0;
  for (let k = 0; done < n; k++) {
    const size = Math.min(stageRatePerMinute(spec, k), n - done);
    sizes.push(size);
    done += size;
  }
  return sizes;
}

/**
 * Concrete stages for a frozen device list. Stages that would add no device (1 % of 10 devices
 * after 5 %) are dropped, so every stage has something to deploy and judge.
 */
export function planStages(seed: string, deviceIds: readonly string[], spec: StageSpec, maxConcurrency: number): StagePlan {
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) {
    throw stageError(`Concurrency is ${maxConcurrency}; it must be a whole number of devices, at least 1.`);
  }
  const ranked = rankDevices(seed, deviceIds);
  const n = ranked.length;
  const sizes = stageSizes(spec, n);
  const stages: PlannedStage[] = [];
  let done = 0;
  sizes.forEach((size, k) => {
    if (size <= 0) return;
    const ids = ranked.slice(done, done + size);
    done += size;
    stages.push({
      index: stages.length,
      label: spec.kind === 'percentages' ? `${spec.percents[k]} %` : `${size} device${size === 1 ? '' : 's'}`,
      cumulativePercent: n === 0 ? 0 : (done / n) * 100,
      deviceIds: ids,
      batches: chunk(ids, maxConcurrency),
    });
  });
  return { stages, deviceCount: n, leftOut: ranked.slice(done) };
}

function chunk<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}
