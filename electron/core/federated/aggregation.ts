// Aggregation of the devices' locally trained parameters into the round's candidate. Pure: plain arrays in,
// a new Float32Array out. FedAvg (and FedProx, whose difference is only in local training) weights each
// update by its training samples; the trimmed mean drops the largest and smallest values of every
// coordinate before averaging, so one wild device cannot drag the model (plain mode only: it needs each
// update on its own, which secure aggregation never shows the console).
import { AppError } from '../api/errors.js';

export interface WeightedUpdate {
  deviceId: string;
  /** Flattened parameters (the same layout as DenseAutoencoder.parameters). */
  parameters: ArrayLike<number>;
  /** Training windows the device used: the FedAvg weight. */
  samples: number;
}

export type AggregationKind = 'fedavg' | 'fedprox' | 'trimmed-mean';

/** The share of values trimmed from each side of every coordinate. */
export const defaultTrimFraction = 0.1;

function checkUpdates(updates: readonly WeightedUpdate[]): number {
  if (updates.length === 0) throw new AppError('FL_NO_UPDATES', 'Nothing to aggregate', 'No device sent an update for this round.');
  const n = updates[0].parameters.length;
  for (const u of updates) {
    if (u.parameters.length !== n) {
      throw new AppError('FL_SHAPE_MISMATCH', 'Updates of different shapes', `${u.deviceId} sent ${u.parameters.length} parameters, ${updates[0].deviceId} sent ${n}: they did not train the same model.`);
    }
    if (!(u.samples >= 0) || !Number.isFinite(u.samples)) throw new AppError('FL_BAD_UPDATE', 'Bad sample count', `${u.deviceId} reported ${u.samples} samples.`);
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(u.parameters[i])) throw new AppError('FL_BAD_UPDATE', 'Update is not finite', `${u.deviceId}'s update has ${u.parameters[i]} at parameter ${i}; the round cannot use it.`);
    }
  }
  return n;
}

/** Σ nᵢ·xᵢ / Σ nᵢ, in float64. */
export function fedAvg(updates: readonly WeightedUpdate[]): Float32Array {
  const n = checkUpdates(updates);
  const total = updates.reduce((s, u) => s + u.samples, 0);
  if (total <= 0) throw new AppError('FL_NO_SAMPLES', 'No training samples', 'Every device reported 0 training samples, so FedAvg has no weights.');
  const acc = new Float64Array(n);
  for (const u of updates) {
    const w = u.samples / total;
    for (let i = 0; i < n; i++) acc[i] += w * u.parameters[i];
  }
  return Float32Array.from(acc);
}

/** How many values are dropped from each side of a coordinate with `count` updates. */
export function trimCount(count: number, fraction = defaultTrimFraction): number {
  if (!(fraction >= 0 && fraction < 0.5)) throw new AppError('FL_BAD_TRIM', 'Bad trim fraction', `The trim fraction must be in [0, 0.5), got ${fraction}.`);
  // 1e-9: 0.29 × 100 is 28.999999999999996 in floating point, and trims 29.
  return Math.floor(count * fraction + 1e-9);
}

/** Coordinate-wise mean after dropping the trimCount smallest and largest values (unweighted). */
export function trimmedMean(updates: readonly WeightedUpdate[], fraction = defaultTrimFraction): Float32Array {
  const n = checkUpdates(updates);
  const k = trimCount(updates.length, fraction);
  const out = new Float32Array(n);
  const column = new Float64Array(updates.length);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < updates.length; j++) column[j] = updates[j].parameters[i];
    column.sort();
    let sum = 0;
    for (let j = k; j < updates.length - k; j++) sum += column[j];
    out[i] = sum / (updates.length - 2 * k);
  }
  return out;
}

export function aggregate(kind: AggregationKind, updates: readonly WeightedUpdate[], trimFraction = defaultTrimFraction): Float32Array {
  return kind === 'trimmed-mean' ? trimmedMean(updates, trimFraction) : fedAvg(updates);
}

/** Σ wᵢ·lossᵢ / Σ wᵢ over the entries with a positive weight; null when there is none. */
export function weightedMean(entries: readonly { weight: number; value: number }[]): number | null {
  let total = 0;
  let sum = 0;
  for (const e of entries) {
    if (!(e.weight > 0) || !Number.isFinite(e.value)) continue;
    total += e.weight;
    sum += e.weight * e.value;
  }
  return total > 0 ? sum / total : null;
}

export function encodeParameters(params: Float32Array): string {
  const le = Buffer.alloc(params.length * 4);
  for (let i = 0; i < params.length; i++) le.writeFloatLE(params[i], i * 4);
  return le.toString('base64');
}

export function decodeParameters(text: string, what: string, expected?: number): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0 || (expected !== undefined && bytes.length !== expected * 4)) {
    throw new AppError('FL_SHAPE_MISMATCH', 'Update has the wrong size', `${what} is ${bytes.length} bytes; ${expected === undefined ? 'a multiple of 4 was expected' : `${expected} float32 parameters (${expected * 4} bytes) were expected`}.`);
  }
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}
