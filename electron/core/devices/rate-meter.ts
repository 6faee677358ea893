// Transfer rate over a sliding window (the last second by default) and the time left at that rate.

export class RateMeter {
  private samples: { t: number; bytes: number }[] = [];

  constructor(private readonly windowMs = 1000) {}

  /** Records the running byte count at time t (ms). */
  add(t: number, bytes: number): void {
    this.samples.push({ t, bytes });
    // Keep one sample at or before the window's start, so the window is always fully covered.
    while (this.samples.length > 2 && this.samples[1].t <= t - this.windowMs) this.samples.shift();
  }

  /** Bytes per second over the window; null until two samples span some time. */
  rate(): number | null {
    if (this.samples.length < 2) return null;
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const dt = last.t - first.t;
    return dt > 0 ? ((last.bytes - first.bytes) * 1000) / dt : null;
  }
}

/** Seconds left for `remaining` bytes at `rateBps`; null when the rate is unknown or zero. */
export function etaSeconds(remaining: number, rateBps: number | null): number | null {
  if (remaining <= 0) return 0;
  if (!rateBps || rateBps <= 0) return null;
  return Math.ceil(remaining / rateBps);
}
