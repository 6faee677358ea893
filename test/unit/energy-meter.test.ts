// The meter on its own: counter differences with wrap, a counter that falls without a known range,
// the trapezoid over uneven sample times, and the timer that samples at the source's interval.
import { describe, expect, it } from 'vitest';
import { counterDeltaUj, EnergyMeter, trapezoidUj, type MeteredSource, type MeterTimer } from '../../resources/agent/src/energy/energy-meter.js';

function scripted(kind: MeteredSource['kind'], values: number[], wrapRangeUj: number | null = null): MeteredSource {
  let i = 0;
  return { id: 'test', kind, wrapRangeUj, sampleIntervalMs: 250, read: () => values[Math.min(i++, values.length - 1)] };
}

describe('counterDeltaUj', () => {
  it('differences a rising counter and adds the range once when it falls', () => {
    expect(counterDeltaUj(100, 350, 1000)).toEqual({ deltaUj: 250, wrapped: false });
    expect(counterDeltaUj(900, 50, 1000)).toEqual({ deltaUj: 150, wrapped: true });
  });

  it('a fall without a stated range is an error, not a negative or huge energy', () => {
    expect(() => counterDeltaUj(900, 50, null)).toThrow(/went backwards|reset/);
  });
});

describe('EnergyMeter', () => {
  it('sums counter steps across two wraps seen at separate samples', () => {
    const clock = { t: 0, now() { return this.t; } };
    const meter = new EnergyMeter(scripted('counter', [800, 100, 900, 200], 1000), { clock, timer: null });
    meter.start();
    meter.sample();
    meter.sample();
    clock.t = 4000;
    expect(meter.stop()).toEqual({ sourceId: 'test', joules: (300 + 800 + 300) / 1e6, seconds: 4, averageWatts: 1400 / 1e6 / 4, samples: 4, wraps: 2 });
  });

  it('integrates power over uneven sample times with the trapezoid rule', () => {
    const clock = { t: 0, now() { return this.t; } };
    const meter = new EnergyMeter(scripted('power-sampled', [1e6, 3e6, 3e6]), { clock, timer: null });
    meter.start();
    clock.t = 500;
    meter.sample();
    clock.t = 2500;
    // (1 + 3)/2 W × 0.5 s + 3 W × 2 s
    expect(meter.stop().joules).toBeCloseTo(7, 12);
    expect(trapezoidUj(2e6, 4e6, 1000)).toBe(3e6);
  });

  it('samples at the source interval on its timer and stops the timer at stop()', () => {
    let scheduled: { ms: number; tick: () => void; stopped: boolean } | null = null;
    const timer: MeterTimer = {
      every(ms, tick) {
        const s = { ms, tick, stopped: false };
        scheduled = s;
        return () => (s.stopped = true);
      },
    };
    const clock = { t: 0, now() { return this.t; } };
    const meter = new EnergyMeter(scripted('counter', [0, 10, 20, 30], 1000), { clock, timer });
    meter.start();
    const s = scheduled!;
    expect(s.ms).toBe(250);
    clock.t = 250;
    s.tick();
    clock.t = 500;
    s.tick();
    expect(meter.stop()).toMatchObject({ joules: 30 / 1e6, samples: 4 });
    expect(s.stopped).toBe(true);
  });

  it('a reading that fails mid-measurement fails the measurement instead of dropping the interval', () => {
    let n = 0;
    const source: MeteredSource = {
      id: 'flaky', kind: 'counter', wrapRangeUj: 1000, sampleIntervalMs: 100,
      read: () => {
        if (++n === 2) throw new Error('EIO');
        return n;
      },
    };
    const meter = new EnergyMeter(source, { clock: { now: () => 0 }, timer: null });
    meter.start();
    meter.sample();
    expect(() => meter.stop()).toThrow('EIO');
    expect(() => meter.stop()).toThrow(/not running/);
  });
});
