// KL-divergence (entropy) calibration, the TensorRT method as in onnxruntime's calibrate.py: for each
// candidate window [-i, i] bins around zero, compare the clipped reference distribution P with its
// version Q squeezed into `quantizedBins` levels and expanded back; the window with least KL wins.
import type { Range } from '../quant-params.js';
import type { CenteredHistogram } from './histogram.js';

/** Adds eps to empty bins and takes it evenly from the others; null when all bins are empty. */
export function smoothDistribution(p: Float64Array, eps = 0.0001): Float64Array | null {
  let zeros = 0;
  for (let i = 0; i < p.length; i++) if (p[i] === 0) zeros++;
  const nonzeros = p.length - zeros;
  if (nonzeros === 0) return null;
  const eps1 = (eps * zeros) / nonzeros;
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = p[i] === 0 ? eps : p[i] - eps1;
  return out;
}

/** KL(P ‖ Q) after normalising both to sum 1, as scipy.stats.entropy(p, q). */
export function klDivergence(p: Float64Array, q: Float64Array): number {
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    sp += p[i];
    sq += q[i];
  }
  let kl = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] / sp;
    if (pi > 0) kl += pi * Math.log(pi / (q[i] / sq));
  }
  return kl;
}

/** prefix[i] = sum of hist[0..i). */
export function prefixSums(hist: Float64Array): Float64Array {
  const out = new Float64Array(hist.length + 1);
  for (let i = 0; i < hist.length; i++) out[i + 1] = out[i] + hist[i];
  return out;
}

/** KL divergence of one candidate window [start, end) of the histogram. */
export function windowDivergence(hist: Float64Array, start: number, end: number, quantizedBins: number, prefix = prefixSums(hist)): number {
  const slice = hist.subarray(start, end);
  const p = Float64Array.from(slice);
  const left = prefix[start];
  const right = prefix[hist.length] - prefix[end];
  p[0] += left;
  p[p.length - 1] += right;
  const merged = Math.floor(slice.length / quantizedBins);
  const q = new Float64Array(p.length);
  for (let b = 0; b < quantizedBins; b++) {
    const s = b * merged;
    const e = b === quantizedBins - 1 ? slice.length : s + merged;
    let sum = 0;
    let nonzero = 0;
    for (let j = s; j < e; j++) {
      sum += slice[j];
      if (p[j] !== 0) nonzero++;
    }
    // Spread each level evenly over the bins that held data: Q keeps P's zero pattern.
    if (nonzero > 0) for (let j = s; j < e; j++) if (p[j] !== 0) q[j] = sum / nonzero;
  }
  const ps = smoothDistribution(p);
  const qs = smoothDistribution(q);
  if (!ps || !qs) return Infinity;
  return klDivergence(ps, qs);
}

export function entropyRange(h: CenteredHistogram, quantizedBins = 128): Range {
  const seen = h.observedRange();
  if (h.total === 0 || h.halfRange === 0) return seen;
  const n = h.bins;
  const zero = n / 2;
  const half = Math.floor(quantizedBins / 2);
  let best = Infinity;
  let bestI = zero;
  const prefix = prefixSums(h.counts);
  for (let i = half; i <= zero; i++) {
    const kl = windowDivergence(h.counts, zero - i, Math.min(zero + i, n), quantizedBins, prefix);
    if (kl < best) {
      best = kl;
      bestI = i;
    }
  }
  return { min: Math.max(h.edge(zero - bestI), seen.min), max: Math.min(h.edge(Math.min(zero + bestI, n)), seen.max) };
}
