// Running comparison of a model's outputs with a reference's: top-1 agreement and
// SQNR = 10·log10(Σref² / Σ(ref − out)²).

export class OutputComparison {
  private signal = 0;
  private noise = 0;
  private same = 0;
  private count = 0;

  add(out: ArrayLike<number>, ref: ArrayLike<number>): void {
    let a = 0;
    let b = 0;
    for (let i = 0; i < ref.length; i++) {
      const d = ref[i] - out[i];
      this.signal += ref[i] * ref[i];
      this.noise += d * d;
      if (out[i] > out[a]) a = i;
      if (ref[i] > ref[b]) b = i;
    }
    if (a === b) this.same++;
    this.count++;
  }

  agreement(): number {
    return this.count ? this.same / this.count : NaN;
  }

  /** Infinity when the outputs are identical. */
  sqnrDb(): number {
    return this.noise === 0 ? Infinity : 10 * Math.log10(this.signal / this.noise);
  }
}
