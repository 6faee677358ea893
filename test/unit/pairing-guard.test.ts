// The pairing guard on its own, with a clock the test moves: per-source doubling waits, the bounded
// table, the global budget, and how addresses map to sources.
import { describe, expect, it } from 'vitest';
import { defaultGuardLimits, PairingGuard, sourceKey, type GuardLimits } from '../../resources/agent/src/pairing-guard.js';
import { fingerprintMatches, isFingerprintInput, shortFingerprint } from '../../resources/device-protocol/fingerprint.js';

function guard(limits: Partial<GuardLimits> = {}) {
  const clock = { t: 1_000_000 };
  const g = new PairingGuard({ ...defaultGuardLimits, ...limits }, () => clock.t);
  return { g, clock };
}

function refusal(fn: () => void): { code: string; retryAfterMs: number; detail: string } | null {
  try {
    fn();
    return null;
  } catch (err) {
    const e = err as { code: string; retryAfterMs: number; detail: string; toData(): { retryAfterMs: number } };
    expect(e.toData().retryAfterMs).toBe(e.retryAfterMs);
    return e;
  }
}

describe('pairing guard', () => {
  it('gives a source a few free tries, then waits that double up to the cap', () => {
    const { g, clock } = guard({ freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 8000 });
    for (let i = 0; i < 3; i++) {
      g.admit('10.0.0.9');
      g.failed('10.0.0.9');
    }
    g.admit('10.0.0.9');
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      g.failed('10.0.0.9');
      const r = refusal(() => g.admit('10.0.0.9'));
      expect(r).toMatchObject({ code: 'PAIRING_RATE_LIMITED' });
      expect(r!.detail).toContain(`${4 + i} wrong codes came from 10.0.0.9`);
      waits.push(r!.retryAfterMs);
      // Refusals while waiting do not lengthen the wait.
      clock.t += r!.retryAfterMs - 1;
      expect(refusal(() => g.admit('10.0.0.9'))?.retryAfterMs).toBe(1);
      clock.t += 1;
      g.admit('10.0.0.9');
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(g.failuresOf('10.0.0.9')).toBe(9);
    // Another source is not slowed by this one.
    g.failed('10.0.0.9');
    expect(refusal(() => g.admit('10.0.0.9'))).not.toBeNull();
    expect(refusal(() => g.admit('10.0.0.10'))).toBeNull();
  });

  it('forgets a source that paired, or that stayed quiet long enough', () => {
    const { g, clock } = guard({ freeFailures: 1, forgetAfterMs: 60_000 });
    g.failed('a');
    g.failed('a');
    g.succeeded('a');
    expect(g.failuresOf('a')).toBe(0);
    g.failed('b');
    g.failed('b');
    clock.t += 60_001;
    expect(g.failuresOf('b')).toBe(0);
    expect(refusal(() => g.admit('b'))).toBeNull();
  });

  it('keeps at most maxSources, forgetting the one that failed longest ago', () => {
    const { g, clock } = guard({ maxSources: 100, globalBurst: 1e9 });
    for (let i = 0; i < 10_000; i++) {
      clock.t += 1;
      g.failed(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
    }
    expect(g.trackedSources).toBe(100);
    expect(g.failuresOf('10.0.0.0')).toBe(0);
    expect(g.failuresOf(`10.0.${(9999 >> 8) & 255}.${9999 & 255}`)).toBe(1);
  });

  it('caps wrong codes from all sources together', () => {
    const { g, clock } = guard({ globalBurst: 60, globalRefillMs: 1000 });
    let admitted = 0;
    for (let i = 0; i < 200; i++) {
      const source = `192.168.1.${i}`;
      if (refusal(() => g.admit(source))) continue;
      admitted++;
      g.failed(source);
    }
    expect(admitted).toBe(60);
    const r = refusal(() => g.admit('172.16.0.1'));
    expect(r).toMatchObject({ code: 'PAIRING_RATE_LIMITED', retryAfterMs: 1000 });
    expect(r!.detail).toContain('many sources');
    clock.t += 1000;
    expect(refusal(() => g.admit('172.16.0.1'))).toBeNull();
  });

  it('counts an IPv6 /64 as one source and an IPv4-mapped address as its IPv4 address', () => {
    expect(sourceKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:db8::5')).toBe('2001:db8:0:0::/64');
    expect(sourceKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(sourceKey('::ffff:127.0.0.2')).toBe('127.0.0.2');
    expect(sourceKey('127.0.0.2')).toBe('127.0.0.2');
    expect(sourceKey('serial')).toBe('serial');
    expect(sourceKey(undefined)).toBe('unknown');
    const { g } = guard({ freeFailures: 0 });
    g.failed('2001:db8:1:2::10');
    expect(refusal(() => g.admit('2001:db8:1:2::99'))).not.toBeNull();
    expect(refusal(() => g.admit('2001:db8:1:3::10'))).toBeNull();
  });
});

describe('fingerprint short form', () => {
  const full = '3f2a9c1b77e04d18' + 'ab'.repeat(24);

  it('is the first 16 hex digits in groups of 4, and matches in either form', () => {
    expect(shortFingerprint(full)).toBe('3F2A 9C1B 77E0 4D18');
    for (const given of ['3F2A 9C1B 77E0 4D18', '3f2a9c1b77e04d18', ' 3f2a 9C1B 77e0 4d18 ', full.toUpperCase(), full.match(/../g)!.join(':')]) {
      expect(isFingerprintInput(given), given).toBe(true);
      expect(fingerprintMatches(given, full), given).toBe(true);
    }
    expect(fingerprintMatches('3F2A 9C1B 77E0 4D19', full)).toBe(false);
    expect(fingerprintMatches('3F2A 9C1B', full)).toBe(false);
    expect(fingerprintMatches(`${full.slice(0, 63)}0`, full)).toBe(false);
    expect(isFingerprintInput('3F2A 9C1B 77E0 4D1G')).toBe(false);
    expect(isFingerprintInput('')).toBe(false);
  });
});
