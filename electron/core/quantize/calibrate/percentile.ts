// Percentile thresholds from a centred histogram, as onnxruntime's calibrate.py does: asymmetric
// ranges cut (100 − p)/2 % from each tail, symmetric ones cut (100 − p) % of the absolute values.
import type { Range } from '../quant-params.js';
import type { CenteredHistogram } from './histogram.js';

/** Index of the first cumulative count reaching `target` (numpy.searchsorted, side left). */
function searchCumulative(counts: ArrayLike<number>, target: number): number {
  let sum = 0;
  for (let i = 0; i < counts.length; i++) {
    sum += counts[i];
    if (sum >= target) return i;
  }
  return counts.length - 1;
}

export function percentileRange(h: CenteredHistogram, percentile: number, symmetric: boolean): Range {
  const seen = h.observedRange();
  if (h.total === 0 || h.halfRange === 0) return seen;
  if (symmetric) {
    const abs = h.absoluteCounts();
    const idx = searchCumulative(abs, (h.total * percentile) / 100);
    const t = Math.min(((idx + 1) * h.halfRange) / abs.length, Math.max(-seen.min, seen.max));
    return { min: -t, max: t };
  }
  const cut = (h.total * (100 - percentile)) / 200;
  const left = searchCumulative(h.counts, cut);
  const right = searchCumulative(h.counts, h.total - cut);
  return { min: Math.max(h.edge(left), seen.min), max: Math.min(h.edge(right + 1), seen.max) };
}
