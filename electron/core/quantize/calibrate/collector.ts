// One range collector per tensor, whatever the calibration method.
import type { Range } from '../quant-params.js';
import { entropyRange } from './entropy.js';
import { CenteredHistogram } from './histogram.js';
import { MinMaxCollector } from './minmax.js';
import { percentileRange } from './percentile.js';

export type CalibrationMethod = 'minmax' | 'percentile' | 'entropy';

export interface CalibrationSettings {
  method: CalibrationMethod;
  /** minmax only: moving-average constant (onnxruntime uses 0.01), null for plain extremes. */
  movingAverage?: number | null;
  /** percentile only, default 99.999. */
  percentile?: number;
  /** Histogram bins, default 2048. */
  bins?: number;
  /** entropy only, default 128. */
  quantizedBins?: number;
  /** Whether the range is used symmetrically (int8 symmetric activations). */
  symmetric?: boolean;
}

export interface RangeCollector {
  add(values: ArrayLike<number>): void;
  range(): Range;
}

export function makeCollector(s: CalibrationSettings): RangeCollector {
  if (s.method === 'minmax') return new MinMaxCollector(s.movingAverage ?? null);
  const h = new CenteredHistogram(s.bins ?? 2048);
  if (s.method === 'percentile') {
    const p = s.percentile ?? 99.999;
    if (!(p > 0 && p <= 100)) throw new RangeError('percentile must be in (0, 100]');
    return { add: (v) => h.add(v), range: () => percentileRange(h, p, s.symmetric ?? false) };
  }
  return { add: (v) => h.add(v), range: () => entropyRange(h, s.quantizedBins ?? 128) };
}
