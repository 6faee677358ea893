// Picks the DATA payload size from the loss the link has seen: long frames waste less on headers,
// short frames lose less to bit errors. With a per-bit error rate b, a frame of n wire bytes arrives
// intact with probability (1-b)^(8n); the size that maximizes payload/(wire bytes) * that is chosen.
import { wireBytes } from './frame.js';

const candidates = [32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096];

export class FrameSizer {
  /** Lost transmissions and transmitted bits, both decayed so that the estimate follows the line. */
  private lost = 0;
  private bits = 0;
  private current: number;
  private records = 0;

  constructor(
    private readonly maxPayload: number,
    private readonly decay = 1 - 1 / 256,
  ) {
    // Start short and grow with evidence: frames already cut cannot be cut again, and on a noisy
    // line a long frame may never get through.
    this.current = Math.min(startPayload, maxPayload);
  }

  get payload(): number {
    return this.current;
  }

  /** The bit error rate the line has shown; one loss is assumed up front, so few clean frames prove little. */
  get ber(): number {
    return this.bits > 0 ? (this.lost + 1) / this.bits : 1e-3;
  }

  /** One DATA transmission's fate: acknowledged, or lost (retransmitted). */
  record(wire: number, lost: boolean): void {
    this.lost = this.lost * this.decay + (lost ? 1 : 0);
    this.bits = this.bits * this.decay + 8 * wire;
    if (++this.records % 8 !== 0) return;
    const best = bestPayload(this.ber, this.maxPayload);
    this.current = best < this.current ? best : Math.min(best, this.current * 2);
  }
}

const startPayload = 128;

export function bestPayload(ber: number, maxPayload: number): number {
  let best = candidates[0];
  let bestScore = -1;
  for (const p of candidates) {
    if (p > maxPayload) break;
    const n = wireBytes(p);
    const score = (p / n) * Math.pow(1 - ber, 8 * n);
    if (score > bestScore) {
      bestScore = score;
      best = p;
    }
  }
  if (maxPayload > best && !candidates.includes(maxPayload)) {
    const n = wireBytes(maxPayload);
    if ((maxPayload / n) * Math.pow(1 - ber, 8 * n) > bestScore) best = maxPayload;
  }
  return Math.min(best, maxPayload);
}
