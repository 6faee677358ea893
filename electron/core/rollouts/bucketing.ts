// Deterministic bucketing: SHA-256 of (seed, device id) gives each device a fixed percentile, so a
// rollout or experiment picks the same devices after a pause, a restart or a widening.
import { createHash } from 'node:crypto';
import { AppError } from '../api/errors.js';
import { compareIds } from './selector.js';

/** A device's fixed place in [0, 100) for this seed. */
export function devicePercentile(seed: string, deviceId: string): number {
  // The NUL separator keeps ("ab", "c") and ("a", "bc") apart.
  const digest = createHash('sha256').update(seed).update('\0').update(deviceId).digest();
  return (digest.readUIntBE(0, 6) / 2 ** 48) * 100;
}

/** Devices ordered by their percentile (ties, which SHA-256 makes vanishingly rare, by id). */
export function rankDevices(seed: string, deviceIds: readonly string[]): string[] {
  const keyed = [...new Set(deviceIds)].map((id) => ({ id, p: devicePercentile(seed, id) }));
  keyed.sort((a, b) => a.p - b.p || compareIds(a.id, b.id));
  return keyed.map((k) => k.id);
}

/** How many of n devices a percentage covers: rounded up, so any positive share gets a device. */
export function shareCount(n: number, percent: number): number {
  // The epsilon absorbs float noise such as 20 · 35 / 100 = 7.000000000000001.
  return Math.min(n, Math.max(0, Math.ceil((n * percent) / 100 - 1e-9)));
}

/**
 * The devices a stage at `percent` covers: the lowest-ranked ceil(n · percent / 100). Exact sizes,
 * and widening from 5 % to 25 % keeps every device already chosen. Returned sorted by id.
 */
export function devicesForStage(seed: string, deviceIds: readonly string[], percent: number): string[] {
  checkPercent(percent, 'Stage percentage');
  const ranked = rankDevices(seed, deviceIds);
  return ranked.slice(0, shareCount(ranked.length, percent)).sort(compareIds);
}

export interface VariantShare {
  id: string;
  percent: number;
}

export interface CohortOptions {
  /** 'equal': the first variant is the control and gets exactly as many devices as the largest other one. */
  control?: 'equal';
}

export interface Cohorts {
  /** Variant id → its devices, sorted by id. */
  cohorts: Record<string, string[]>;
  /** Devices in no cohort (they keep what they run). */
  unassigned: string[];
}

/**
 * A/B cohorts by percentage. Devices are walked in percentile order and each goes to the variant
 * furthest below its share so far, so the walk depends only on the shares' ratios: widening every
 * variant by the same factor (5/5 → 25/25) keeps each device already assigned in its cohort.
 */
export function assignCohorts(seed: string, deviceIds: readonly string[], variants: readonly VariantShare[], options: CohortOptions = {}): Cohorts {
  const shares = checkVariants(variants, options);
  const ranked = rankDevices(seed, deviceIds);
  const totalPercent = shares.reduce((s, v) => s + v.percent, 0);
  const weights = shares.map((v) => v.percent / totalPercent);
  const total = Math.min(ranked.length, Math.round((ranked.length * totalPercent) / 100));
  const members: string[][] = shares.map(() => []);
  for (let t = 0; t < total; t++) {
    let best = 0;
    let bestDeficit = -Infinity;
    for (let i = 0; i < shares.length; i++) {
      const deficit = weights[i] * (t + 1) - members[i].length;
      if (deficit > bestDeficit + 1e-12) {
        best = i;
        bestDeficit = deficit;
      }
    }
    members[best].push(ranked[t]);
  }
  if (options.control === 'equal') equalizeControl(members);
  const cohorts: Record<string, string[]> = {};
  const assigned = new Set<string>();
  shares.forEach((v, i) => {
    cohorts[v.id] = [...members[i]].sort(compareIds);
    for (const id of members[i]) assigned.add(id);
  });
  return { cohorts, unassigned: ranked.filter((id) => !assigned.has(id)).sort(compareIds) };
}

// The control and the largest treatments share one weight, so their sizes differ by at most one;
// dropping the last-walked extra keeps them equal without moving any device between cohorts.
function equalizeControl(members: string[][]): void {
  const largest = Math.max(...members.slice(1).map((m) => m.length));
  const equalGroup = members.filter((m, i) => i === 0 || m.length === largest);
  const size = Math.min(...equalGroup.map((m) => m.length));
  for (const m of equalGroup) m.length = size;
}

function checkVariants(variants: readonly VariantShare[], options: CohortOptions): VariantShare[] {
  if (variants.length < 2) {
    throw new AppError('AB_VARIANTS_INVALID', 'Too few variants', 'An A/B assignment needs at least two model versions.');
  }
  const ids = new Set(variants.map((v) => v.id));
  if (ids.size !== variants.length) {
    throw new AppError('AB_VARIANTS_INVALID', 'Duplicate variant', 'Each variant needs its own id.');
  }
  const shares = variants.map((v) => ({ ...v }));
  if (options.control === 'equal') shares[0].percent = Math.max(...shares.slice(1).map((v) => v.percent));
  for (const v of shares) checkPercent(v.percent, `Share of variant ${v.id}`, true);
  const sum = shares.reduce((s, v) => s + v.percent, 0);
  if (sum > 100 + 1e-9) {
    throw new AppError('AB_VARIANTS_INVALID', 'Shares add up to more than 100 %', `The variants' shares add up to ${round2(sum)} %.`);
  }
  return shares;
}

export function checkPercent(percent: number, what: string, positive = false): void {
  if (!Number.isFinite(percent) || percent < 0 || percent > 100 || (positive && percent === 0)) {
    throw new AppError('PERCENT_INVALID', 'Invalid percentage', `${what} is ${percent}; it must be ${positive ? 'above 0' : 'at least 0'} and at most 100.`);
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
