// Slows down guessing of the pairing code without ever touching the code itself, so a stranger can
// neither void the code the owner just read nor try codes at line speed. Each source (a remote
// address, an IPv6 /64, the serial port) gets a few free tries for typos, then a wait that doubles
// with every further wrong code, up to a cap. All sources together share one budget of wrong codes,
// so many addresses cannot search the 31^8 codes quickly either: at its refill rate of one a second
// the whole space takes about 27,000 years.
import { isIPv6 } from 'node:net';
import { AppError } from '../../../electron/core/api/errors.js';
import type { ErrorData } from '../../../electron/core/api/types.js';

export interface GuardLimits {
  /** Wrong codes a source may send before it has to wait. */
  freeFailures: number;
  /** The first wait; each further wrong code doubles it. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Sources remembered at most; the one that failed longest ago is forgotten first. */
  maxSources: number;
  /** A source quiet this long starts again with its free tries. */
  forgetAfterMs: number;
  /** Wrong codes from all sources together: a burst of this many, then one per globalRefillMs. */
  globalBurst: number;
  globalRefillMs: number;
}

export const defaultGuardLimits: GuardLimits = {
  freeFailures: 3,
  baseDelayMs: 1000,
  maxDelayMs: 10 * 60_000,
  maxSources: 1024,
  forgetAfterMs: 60 * 60_000,
  globalBurst: 60,
  globalRefillMs: 1000,
};

interface SourceState {
  failures: number;
  blockedUntil: number;
  lastFailure: number;
}

export class RateLimitedError extends AppError {
  constructor(
    readonly retryAfterMs: number,
    why: string,
  ) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super('PAIRING_RATE_LIMITED', 'Too many wrong pairing codes', `${why}. Try again in ${seconds} s. The pairing code has not changed: read it on the device and type it carefully.`);
  }

  /** Carries retryAfterMs to clients that have no Retry-After header (the serial link). */
  override toData(): ErrorData & { retryAfterMs: number } {
    return { ...super.toData(), retryAfterMs: this.retryAfterMs };
  }
}

export class PairingGuard {
  private readonly sources = new Map<string, SourceState>();
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly limits: GuardLimits = defaultGuardLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = limits.globalBurst;
    this.refilledAt = now();
  }

  /** Throws PAIRING_RATE_LIMITED while `source`, or everyone, has to wait before the next try. */
  admit(source: string | undefined): void {
    const t = this.now();
    const key = sourceKey(source);
    const s = this.current(key, t);
    if (s && s.blockedUntil > t) throw new RateLimitedError(s.blockedUntil - t, `${s.failures} wrong codes came from ${key}`);
    this.refill(t);
    if (this.tokens < 1) throw new RateLimitedError(Math.ceil((1 - this.tokens) * this.limits.globalRefillMs), 'Too many wrong codes came from many sources');
  }

  /** Counts a wrong code from `source`. */
  failed(source: string | undefined): void {
    const t = this.now();
    const key = sourceKey(source);
    this.refill(t);
    this.tokens = Math.max(0, this.tokens - 1);
    const s = this.current(key, t) ?? { failures: 0, blockedUntil: 0, lastFailure: t };
    s.failures++;
    s.lastFailure = t;
    const over = s.failures - this.limits.freeFailures;
    if (over > 0) s.blockedUntil = t + Math.min(this.limits.baseDelayMs * 2 ** Math.min(over - 1, 30), this.limits.maxDelayMs);
    // Re-inserted so the Map's order is the order of last failure: the first key is the oldest.
    this.sources.delete(key);
    this.sources.set(key, s);
    while (this.sources.size > this.limits.maxSources) this.sources.delete(this.sources.keys().next().value!);
  }

  /** A source that paired starts again with its free tries. */
  succeeded(source: string | undefined): void {
    this.sources.delete(sourceKey(source));
  }

  /** Wrong codes counted for a source now (0 when unknown or forgotten). */
  failuresOf(source: string | undefined): number {
    return this.current(sourceKey(source), this.now())?.failures ?? 0;
  }

  get trackedSources(): number {
    return this.sources.size;
  }

  private current(key: string, t: number): SourceState | null {
    const s = this.sources.get(key);
    if (!s) return null;
    if (t - s.lastFailure > this.limits.forgetAfterMs && s.blockedUntil <= t) {
      this.sources.delete(key);
      return null;
    }
    return s;
  }

  private refill(t: number): void {
    this.tokens = Math.min(this.limits.globalBurst, this.tokens + (t - this.refilledAt) / this.limits.globalRefillMs);
    this.refilledAt = t;
  }
}

/**
 * One key per source. An IPv4-mapped address is its IPv4 address; an IPv6 address counts by its /64,
 * since one host commonly holds a whole /64 and could otherwise take a fresh address for every try.
 */
export function sourceKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  const bare = address.split('%')[0];
  if (!isIPv6(bare)) return address;
  const [head, tail] = bare.split('::');
  const front = head ? head.split(':') : [];
  const back = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = [...front, ...Array<string>(Math.max(0, 8 - front.length - back.length)).fill('0'), ...back];
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
