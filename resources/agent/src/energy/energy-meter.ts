// Measures the energy of a piece of work: start(), the work, stop(). Counters are read at every tick
// and differenced, adding the wrap range when the count falls; power-only sensors are sampled at an
// interval and integrated with the trapezoid rule over the clock's timestamps. Clock, timer and source
// are injectable so tests are deterministic.
import { AppError } from '../../../device-protocol/error-data.js';
import type { EnergySource } from './energy-source.js';

export interface MeterClock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
}

export interface MeterTimer {
  /** Calls tick every ms until the returned function is called. */
  every(ms: number, tick: () => void): () => void;
}

export type MeteredSource = Pick<EnergySource, 'id' | 'kind' | 'wrapRangeUj' | 'sampleIntervalMs' | 'read'>;

export interface EnergyMeasurement {
  sourceId: string;
  joules: number;
  seconds: number;
  averageWatts: number;
  /** Readings taken, start and stop included. */
  samples: number;
  /** Counter wraps seen (each added the wrap range once). */
  wraps: number;
}

export const monotonicClock: MeterClock = { now: () => performance.now() };

export const intervalTimer: MeterTimer = {
  every(ms, tick) {
    const handle = setInterval(tick, ms);
    handle.unref();
    return () => clearInterval(handle);
  },
};

/**
 * µJ between two counter readings. A fall means the counter wrapped: once, we assume. Two wraps between
 * readings look exactly like one, so nothing here can tell; the meter's interval (sampleIntervalMs, a
 * quarter of one wrap at twice the zone's power limit) keeps that from happening.
 */
export function counterDeltaUj(prev: number, now: number, wrapRangeUj: number | null): { deltaUj: number; wrapped: boolean } {
  if (now >= prev) return { deltaUj: now - prev, wrapped: false };
  if (wrapRangeUj === null) {
    throw new AppError('ENERGY_COUNTER_RESET', 'Energy counter went backwards', `The counter fell from ${prev} to ${now} µJ and this source states no wrap range: it was reset (driver reload, suspend) or the charger was connected. Measure again.`);
  }
  return { deltaUj: now + (wrapRangeUj - prev), wrapped: true };
}

/** µJ under a straight line between two power readings (µW) dtMs apart. */
export function trapezoidUj(prevUw: number, nowUw: number, dtMs: number): number {
  return ((prevUw + nowUw) / 2) * (dtMs / 1000);
}

export class EnergyMeter {
  private startMs = 0;
  private prevMs = 0;
  private prevValue = 0;
  private totalUj = 0;
  private samples = 0;
  private wraps = 0;
  private failure: unknown = null;
  private stopTimer: (() => void) | null = null;
  private running = false;

  constructor(
    private readonly source: MeteredSource,
    private readonly options: { clock?: MeterClock; timer?: MeterTimer | null; intervalMs?: number } = {},
  ) {}

  start(): void {
    if (this.running) throw new AppError('ENERGY_METER_BUSY', 'Energy meter already running', 'Stop the measurement before starting another on the same meter.');
    const clock = this.options.clock ?? monotonicClock;
    this.totalUj = 0;
    this.samples = 1;
    this.wraps = 0;
    this.failure = null;
    this.running = true;
    this.prevValue = this.source.read();
    this.startMs = this.prevMs = clock.now();
    const timer = this.options.timer === undefined ? intervalTimer : this.options.timer;
    this.stopTimer = timer ? timer.every(this.options.intervalMs ?? this.source.sampleIntervalMs, () => this.sample()) : null;
  }

  /** One reading now; the timer calls it, and tests may. A failed reading is kept and thrown by stop(). */
  sample(): void {
    if (!this.running || this.failure) return;
    try {
      const now = (this.options.clock ?? monotonicClock).now();
      const value = this.source.read();
      if (this.source.kind === 'counter') {
        const { deltaUj, wrapped } = counterDeltaUj(this.prevValue, value, this.source.wrapRangeUj);
        this.totalUj += deltaUj;
        if (wrapped) this.wraps++;
      } else {
        this.totalUj += trapezoidUj(this.prevValue, value, now - this.prevMs);
      }
      this.prevValue = value;
      this.prevMs = now;
      this.samples++;
    } catch (err) {
      this.failure = err;
    }
  }

  stop(): EnergyMeasurement {
    if (!this.running) throw new AppError('ENERGY_METER_IDLE', 'Energy meter not running', 'Call start() before stop().');
    this.sample();
    this.running = false;
    this.stopTimer?.();
    this.stopTimer = null;
    if (this.failure) throw this.failure;
    const seconds = (this.prevMs - this.startMs) / 1000;
    const joules = this.totalUj / 1e6;
    return { sourceId: this.source.id, joules, seconds, averageWatts: seconds > 0 ? joules / seconds : NaN, samples: this.samples, wraps: this.wraps };
  }
}
