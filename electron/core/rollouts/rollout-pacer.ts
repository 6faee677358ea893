// Paces the deploys of a rollout planned as an exponential rate (AWS IoT Jobs' rollout rate): stage k
// starts its devices at most rate_k a minute, evenly spaced, however fast the devices answer.
// Percentage plans are not paced (their bound is the concurrency).
import { stageRatePerMinute, type StageSpec } from './stages.js';

export class RolloutPacer {
  /** When the last reserved deploy of each stage may start (ms since the epoch). */
  private readonly last = new Map<number, number>();

  constructor(
    private readonly plan: StageSpec | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reserves the next start slot of `stage` and returns how long to wait for it (0: start now). */
  reserve(stage: number): number {
    const rate = this.plan?.kind === 'exponential' ? stageRatePerMinute(this.plan, stage) : null;
    if (!rate) return 0;
    const now = this.now();
    const prev = this.last.get(stage);
    const at = prev === undefined ? now : Math.max(now, prev + 60_000 / rate);
    this.last.set(stage, at);
    return at - now;
  }
}
