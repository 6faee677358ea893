import { describe, expect, it } from 'vitest';
import { makeCollector } from '../../electron/core/quantize/calibrate/collector.js';
import { entropyRange, klDivergence, smoothDistribution, windowDivergence } from '../../electron/core/quantize/calibrate/entropy.js';
import { CenteredHistogram } from '../../electron/core/quantize/calibrate/histogram.js';
import { MinMaxCollector } from '../../electron/core/quantize/calibrate/minmax.js';
import { percentileRange } from '../../electron/core/quantize/calibrate/percentile.js';

function histogram(counts: number[], halfRange: number, min: number, max: number): CenteredHistogram {
  const h = new CenteredHistogram(counts.length);
  h.counts.set(counts);
  h.halfRange = halfRange;
  h.min = min;
  h.max = max;
  h.total = counts.reduce((a, b) => a + b, 0);
  return h;
}

describe('CenteredHistogram', () => {
  it('bins values on [-R, R] and widens by merging pairs', () => {
    const h = new CenteredHistogram(8);
    h.add([1, -1, 0.5]);
    // R = 1, width 0.25: -1 → bin 0, 0.5 → bin 6, 1 → bin 8 clamped to 7
    expect([...h.counts]).toEqual([1, 0, 0, 0, 0, 0, 1, 1]);
    h.add([3]);
    // R 1 → 2 → 4: the old bins fold twice into the middle, then 3 lands in [3, 4)
    expect(h.halfRange).toBe(4);
    expect([...h.counts]).toEqual([0, 0, 0, 1, 2, 0, 0, 1]);
    expect(h.total).toBe(4);
    expect(h.observedRange()).toEqual({ min: -1, max: 3 });
    expect([...h.absoluteCounts()]).toEqual([3, 0, 0, 1]);
  });

  it('survives empty and all-zero tensors', () => {
    const h = new CenteredHistogram(8);
    h.add([]);
    expect(h.total).toBe(0);
    expect(percentileRange(h, 99.999, false)).toEqual({ min: 0, max: 0 });
    expect(entropyRange(h)).toEqual({ min: 0, max: 0 });
    h.add(new Float32Array([0, 0]));
    expect(h.total).toBe(2);
    expect(percentileRange(h, 99.999, false)).toEqual({ min: 0, max: 0 });
    expect(entropyRange(h)).toEqual({ min: 0, max: 0 });
    h.add([0.5]);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(3);
  });
});

describe('percentileRange', () => {
  // R = 1, edges -1, -0.75, ..., 1; 100 values
  const h = histogram([1, 0, 0, 0, 49, 50, 0, 0], 1, -1, 0.5);

  it('cuts (100 - p)/2 % from each tail for asymmetric ranges', () => {
    // 90 %: 5 values from each side → left in bin 4 (edge 0), right in bin 5 (upper edge 0.5)
    expect(percentileRange(h, 90, false)).toEqual({ min: 0, max: 0.5 });
    // 98 %: 1 value from each side → bin 0 (edge -1) and bin 5
    expect(percentileRange(h, 98, false)).toEqual({ min: -1, max: 0.5 });
  });

  it('cuts (100 - p) % of absolute values for symmetric ranges', () => {
    // |v| counts: [49, 50, 0, 1] over [0, 1]; 90 % is reached in bin 1 → 0.5
    expect(percentileRange(h, 90, true)).toEqual({ min: -0.5, max: 0.5 });
  });

  it('never goes past the observed extremes', () => {
    const g = histogram([0, 0, 0, 0, 10, 0, 0, 0], 1, 0, 0.1);
    expect(percentileRange(g, 99.999, false)).toEqual({ min: 0, max: 0.1 });
  });
});

describe('entropy calibration', () => {
  it('smooths zero bins with eps taken from the others', () => {
    const s = smoothDistribution(new Float64Array([0, 2, 2, 0]))!;
    expect([...s].map((v) => +v.toFixed(6))).toEqual([0.0001, 1.9999, 1.9999, 0.0001]);
    expect(smoothDistribution(new Float64Array([0, 0]))).toBeNull();
  });

  it('computes KL divergence of normalised distributions', () => {
    // 0.5·ln(0.5/0.25) + 0.5·ln(0.5/0.75)
    expect(klDivergence(new Float64Array([1, 1]), new Float64Array([1, 3]))).toBeCloseTo(0.143841, 6);
    expect(klDivergence(new Float64Array([2, 3]), new Float64Array([4, 6]))).toBeCloseTo(0, 12);
  });

  it('a window as fine as the histogram loses nothing', () => {
    const hist = new Float64Array([0, 1, 2, 3, 3, 2, 1, 0]);
    expect(windowDivergence(hist, 0, 8, 8)).toBeCloseTo(0, 12);
    // Two levels over [1, 2, 3 | 3, 2, 1] reshape the distribution: KL > 0
    expect(windowDivergence(hist, 1, 7, 2)).toBeGreaterThan(0);
  });

  it('clips a far outlier but keeps the bulk of a bell curve', () => {
    let seed = 1;
    const rand = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const values = new Float32Array(20001);
    for (let i = 0; i < 20000; i++) values[i] = Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
    values[20000] = 100;
    const h = new CenteredHistogram(2048);
    h.add(values);
    const r = entropyRange(h, 128);
    expect(r.max).toBeGreaterThan(2.5);
    expect(r.max).toBeLessThan(20);
    expect(r.min).toBeLessThan(-2.5);
  });
});

describe('collectors', () => {
  it('minmax keeps extremes, or their moving average', () => {
    const plain = new MinMaxCollector();
    plain.add([0, 10]);
    plain.add([-10, 20]);
    plain.add([]);
    expect(plain.range()).toEqual({ min: -10, max: 20 });
    const avg = new MinMaxCollector(0.5);
    avg.add([0, 10]);
    avg.add([-10, 20]);
    expect(avg.range()).toEqual({ min: -5, max: 15 });
  });

  it('streams batches through every method', () => {
    for (const method of ['minmax', 'percentile', 'entropy'] as const) {
      const c = makeCollector({ method, bins: 64, quantizedBins: 8 });
      c.add(new Float32Array(0));
      c.add(Float32Array.from({ length: 100 }, (_, i) => i / 10));
      c.add(Float32Array.from({ length: 100 }, (_, i) => -i / 20));
      const r = c.range();
      expect(r.min).toBeLessThanOrEqual(0);
      expect(r.max).toBeGreaterThan(0);
      expect(r.max).toBeLessThanOrEqual(9.9);
      expect(r.min).toBeGreaterThanOrEqual(-4.95);
    }
  });
});
