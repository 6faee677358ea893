// When the bytes written to a serial port will have left the wire, from what the peer acknowledges.
// The baud rate a port is given is only the first guess: a pty or a USB CDC gadget (/dev/ttyGS0)
// ignores it and may be far faster or far slower. Two observations correct it:
//  - The line is FIFO: when the peer acknowledges a frame, every byte written up to that frame has
//    left the wire. The line is then busy only with the bytes written after it (the anchor), so the
//    estimate never runs more than the unacknowledged bytes ahead of the truth, or behind it.
//  - The rate is measured: acknowledged bytes over the time they took (a delivery-rate sample, as in
//    TCP's rate estimation: from the acknowledgement before a frame was sent to the one that covers
//    it). A faster sample is taken at once; a slower one only when it spans enough bytes to be
//    limited by the line rather than by the round trip, and then smoothed.

/** Where the delivery count stood when a frame was transmitted. */
export interface RateMark {
  delivered: number;
  at: number;
}

/** Bytes per millisecond below which no sample takes the estimate (100 baud). */
const floorRate = 0.01;

export class LineModel {
  /** Bytes per millisecond; Infinity while nothing is known (no nominal rate, nothing measured). */
  rate: number;
  /** Stream offset of the end of everything written. */
  private written = 0;
  /** When everything written so far will have left the wire. */
  private freeAt = 0;
  private anchorEnd = 0;
  private anchorAt = 0;
  private delivered = 0;
  private deliveredAt = 0;

  /** `longSample`: bytes a sample must span to lower the rate (a few full frames). */
  constructor(
    nominalBytesPerSec: number | undefined,
    private readonly longSample: number,
  ) {
    this.rate = nominalBytesPerSec && nominalBytesPerSec > 0 ? nominalBytesPerSec / 1000 : Infinity;
  }

  get bytesPerSec(): number | null {
    return Number.isFinite(this.rate) ? Math.round(this.rate * 1000) : null;
  }

  /** Bytes go to the port now: their end offset, and when they will have left the wire. */
  write(bytes: number, now: number): { end: number; leavesAt: number } {
    this.written += bytes;
    this.freeAt = Math.max(now, this.freeAt) + bytes / this.rate;
    return { end: this.written, leavesAt: this.freeAt };
  }

  /**
   * Taken when a DATA frame is transmitted, before it is written. `alone`: no other frame is
   * unacknowledged. Either that or a line believed idle starts a fresh interval, so that time the
   * line stood idle (a timer waiting on a tail) does not enter a sample.
   */
  mark(now: number, alone: boolean): RateMark {
    if (alone || this.freeAt <= now) this.deliveredAt = now;
    return { delivered: this.delivered, at: this.deliveredAt };
  }

  /**
   * An ACK newly covered `bytes` of frames. `anchor` is the latest-transmitted of them that was sent
   * only once (so its end offset is certain), if there is one: it re-anchors the line and gives the
   * rate sample.
   */
  acked(bytes: number, now: number, anchor?: { end: number; mark: RateMark }): void {
    this.delivered += bytes;
    this.deliveredAt = now;
    if (!anchor) return;
    const ms = now - anchor.mark.at;
    const span = this.delivered - anchor.mark.delivered;
    if (ms > 0 && span > 0) {
      const sample = span / ms;
      if (sample > this.rate) this.rate = sample;
      else if (span >= this.longSample && sample >= floorRate) this.rate = Number.isFinite(this.rate) ? this.rate + (sample - this.rate) / 4 : sample;
    }
    this.anchorEnd = anchor.end;
    this.anchorAt = now;
    this.freeAt = now + (this.written - anchor.end) / this.rate;
  }

  /** `bytes` crossed the line (both ways, with the turnaround) in `ms`: a lower bound of the rate. */
  observe(bytes: number, ms: number): void {
    if (ms > 0 && bytes / ms > this.rate) this.rate = bytes / ms;
  }

  /** When a frame written at `writtenAt`, `bytes` long and ending at offset `end`, leaves the wire by the current estimate. */
  leavesAt(end: number, bytes: number, writtenAt: number): number {
    const alone = writtenAt + bytes / this.rate;
    return end > this.anchorEnd ? Math.max(alone, this.anchorAt + (end - this.anchorEnd) / this.rate) : alone;
  }
}
