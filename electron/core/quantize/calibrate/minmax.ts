// Min/max calibration: the running extremes, or their moving average over batches
// (onnxruntime's moving_average option), which damps single outlier batches.
import { rangeOf, type Range } from '../quant-params.js';

export class MinMaxCollector {
  private min = 0;
  private max = 0;
  private seen = false;

  constructor(private readonly movingAverage: number | null = null) {
    if (movingAverage !== null && !(movingAverage > 0 && movingAverage <= 1)) {
      throw new RangeError('moving average constant must be in (0, 1]');
    }
  }

  add(values: ArrayLike<number>): void {
    if (values.length === 0) return;
    const { min: lo, max: hi } = rangeOf(values);
    if (!this.seen) {
      this.min = lo;
      this.max = hi;
      this.seen = true;
    } else if (this.movingAverage !== null) {
      this.min += this.movingAverage * (lo - this.min);
      this.max += this.movingAverage * (hi - this.max);
    } else {
      if (lo < this.min) this.min = lo;
      if (hi > this.max) this.max = hi;
    }
  }

  range(): Range {
    return { min: this.min, max: this.max };
  }
}
