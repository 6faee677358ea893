// A streaming histogram of signed values on [-R, R], centred on zero, with a fixed bin count.
// When a batch reaches past R, R doubles and adjacent bins merge pairwise: counts stay exact
// (no re-spreading of old counts over new edges) and memory stays fixed however many batches come.
import { rangeOf } from '../quant-params.js';

export class CenteredHistogram {
  readonly counts: Float64Array;
  /** Half-width of the covered range; 0 until a non-zero value arrives. */
  halfRange = 0;
  min = Infinity;
  max = -Infinity;
  total = 0;

  constructor(readonly bins = 2048) {
    if (bins % 4 !== 0 || bins < 8) throw new RangeError('bins must be a multiple of 4, at least 8');
    this.counts = new Float64Array(bins);
  }

  add(values: ArrayLike<number>): void {
    if (values.length === 0) return;
    const { min: lo, max: hi } = rangeOf(values);
    if (lo < this.min) this.min = lo;
    if (hi > this.max) this.max = hi;
    const absmax = Math.max(Math.abs(lo), Math.abs(hi));
    if (this.halfRange === 0) {
      if (absmax === 0) {
        this.counts[this.bins / 2] += values.length;
        this.total += values.length;
        return;
      }
      this.halfRange = absmax;
    }
    while (absmax > this.halfRange) this.widen();
    const n = this.bins;
    const width = (2 * this.halfRange) / n;
    const R = this.halfRange;
    for (let i = 0; i < values.length; i++) {
      let b = Math.floor((values[i] + R) / width);
      if (b >= n) b = n - 1;
      else if (b < 0) b = 0;
      this.counts[b]++;
    }
    this.total += values.length;
  }

  /** Doubles the range: old bins fill the middle half, two by two. */
  private widen(): void {
    const n = this.bins;
    const old = this.counts.slice();
    this.counts.fill(0);
    for (let i = 0; i < n; i += 2) this.counts[n / 4 + i / 2] = old[i] + old[i + 1];
    this.halfRange *= 2;
  }

  /** Lower edge of bin i (edge n is the upper end of the range). */
  edge(i: number): number {
    return -this.halfRange + (2 * this.halfRange * i) / this.bins;
  }

  /** Folded onto [0, R]: bin k counts |v| in [kR/(n/2), (k+1)R/(n/2)). */
  absoluteCounts(): Float64Array {
    const half = this.bins / 2;
    const out = new Float64Array(half);
    for (let k = 0; k < half; k++) out[k] = this.counts[half + k] + this.counts[half - 1 - k];
    return out;
  }

  observedRange(): { min: number; max: number } {
    return this.total > 0 && this.min <= this.max ? { min: this.min, max: this.max } : { min: 0, max: 0 };
  }
}
