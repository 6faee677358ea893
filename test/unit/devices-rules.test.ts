import { describe, expect, it } from 'vitest';
import type { DeployDeviceProgress, DeviceTelemetry } from '../../electron/core/api/types.js';
import { formatAddress, parseAddress } from '../../electron/core/devices/address.js';
import { backoffMs } from '../../electron/core/devices/backoff.js';
import { deployFraction, formatDeviceLine, isFailed } from '../../electron/core/devices/deploy-progress.js';
import { readAdvert } from '../../electron/core/devices/discovery.js';
import { judgeHealth } from '../../electron/core/devices/health.js';
import { runPool } from '../../electron/core/devices/pool.js';
import { etaSeconds, RateMeter } from '../../electron/core/devices/rate-meter.js';
import { slotsOf, statusPatch } from '../../electron/core/devices/status-fields.js';
import type { DeviceStatus } from '../../resources/device-protocol/messages.js';

const t = (over: Partial<DeviceTelemetry> = {}): DeviceTelemetry => ({
  at: '2026-01-01T00:00:00.000Z',
  requests: 100,
  errors: 0,
  latencyMs: { p50: 2, p95: 4, p99: 6 },
  rssBytes: 1e8,
  cpuLoad: 10,
  temperatureC: null,
  confidenceMean: 0.9,
  ...over,
});

describe('health rules', () => {
  it('is ok for steady numbers', () => {
    expect(judgeHealth(t(), t({ requests: 120 }))).toBe('ok');
    expect(judgeHealth(null, t())).toBe('ok');
  });
  it('is an error when errors rise', () => {
    expect(judgeHealth(t(), t({ requests: 120, errors: 1 }))).toBe('error');
  });
  it('does not compare counters across an agent restart', () => {
    expect(judgeHealth(t({ requests: 500, errors: 3 }), t({ requests: 10, errors: 4 }))).toBe('ok');
  });
  it('warns on high latency', () => {
    expect(judgeHealth(t(), t({ latencyMs: { p50: 100, p95: 400, p99: 900 } }))).toBe('warning');
    // A model serving data unlike its validation data (PSI at the act level) is a warning, not an error.
    const drift = (level: 'ok' | 'watch' | 'act') => ({ psi: level === 'act' ? 0.4 : 0.05, inputPsi: null, outputPsi: null, level, model: 'f'.repeat(64), samples: 600, at: '2026-01-01T00:00:00.000Z' });
    expect(judgeHealth(t(), t({ requests: 120 }), undefined, drift('act'))).toBe('warning');
    expect(judgeHealth(t(), t({ requests: 120 }), undefined, drift('watch'))).toBe('ok');
    expect(judgeHealth(t(), t({ requests: 120, errors: 1 }), undefined, drift('act'))).toBe('error');
  });
});

describe('last change from the status', () => {
  const status = (kind: string | null) => ({ deviceId: 'd', state: 'running', active: null, previous: null, trial: null, upload: null, lastHealth: null, lastEvent: kind ? { at: '2026-01-01T00:04:00.000Z', kind, detail: `${kind} happened` } : null }) as DeviceStatus;
  it('a revert the device made by itself is a change marked reverted, and leaves health alone', () => {
    const p = statusPatch(status('trial-unhealthy'), 'r-1');
    expect(p.lastChange).toEqual({ kind: 'trial-unhealthy', at: '2026-01-01T00:04:00.000Z', detail: 'trial-unhealthy happened', reverted: true, rolloutId: 'r-1' });
    expect(p.health).toBeUndefined();
    for (const kind of ['reverted-at-start', 'active-unloadable']) expect(statusPatch(status(kind)).lastChange?.reverted).toBe(true);
  });
  it('a confirm is a change not marked reverted; no event leaves the last change as it was', () => {
    expect(statusPatch(status('confirmed')).lastChange).toMatchObject({ kind: 'confirmed', reverted: false });
    expect(statusPatch(status('confirmed')).lastChange).not.toHaveProperty('rolloutId');
    expect(statusPatch(status(null))).not.toHaveProperty('lastChange');
  });
});

describe('rate and ETA', () => {
  it('measures over the last second', () => {
    const m = new RateMeter(1000);
    expect(m.rate()).toBeNull();
    m.add(0, 0);
    m.add(500, 5_000_000);
    expect(m.rate()).toBe(10_000_000);
    m.add(1000, 10_000_000);
    m.add(2000, 11_000_000);
    // Only the last second counts: 1 MB in 1 s, not 11 MB in 2 s.
    expect(m.rate()).toBe(1_000_000);
  });
  it('gives seconds left, null when the rate is unknown', () => {
    expect(etaSeconds(10_000_000, 4_000_000)).toBe(3);
    expect(etaSeconds(0, null)).toBe(0);
    expect(etaSeconds(5, null)).toBeNull();
    expect(etaSeconds(5, 0)).toBeNull();
  });
});

describe('deploy progress', () => {
  const row = (over: Partial<DeployDeviceProgress>): DeployDeviceProgress => ({
    deviceId: 'd',
    name: 'edge-1',
    phase: 'upload',
    bytes: 0,
    totalBytes: 1000,
    rateBps: null,
    etaSec: null,
    error: null,
    ...over,
  });
  it('weighs bytes and counts finished devices in full', () => {
    expect(deployFraction([row({ bytes: 500 })])).toBeCloseTo(0.45);
    expect(deployFraction([row({ phase: 'failed' }), row({ bytes: 0, phase: 'queued' })])).toBeCloseTo(0.5);
    expect(deployFraction([row({ phase: 'confirmed', bytes: 1000 })])).toBe(1);
    expect(deployFraction([])).toBe(1);
  });
  it('names failures and formats a line per device', () => {
    expect(isFailed(row({ phase: 'reverted' }))).toBe(true);
    expect(isFailed(row({ phase: 'trial' }))).toBe(false);
    expect(formatDeviceLine(row({ bytes: 524288, totalBytes: 1048576, rateBps: 2_000_000, etaSec: 1 }))).toMatch(/edge-1\s+upload\s+0\.5 MiB of 1\.0 MiB {2}2\.0 MB\/s {2}ETA 1 s/);
  });
});

describe('concurrency pool', () => {
  it('never runs more than the limit at once and keeps order', async () => {
    let running = 0;
    let peak = 0;
    const out = await runPool([5, 1, 4, 2, 3, 0], 2, async (ms, i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, ms * 5));
      running--;
      return i;
    });
    expect(out).toEqual([0, 1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
  });
  it('lets other items finish when one fails inside its own handler', async () => {
    const out = await runPool([1, 2, 3], 3, async (n) => (n === 2 ? Promise.reject(new Error('x')).catch(() => -1) : n));
    expect(out).toEqual([1, -1, 3]);
  });
});

describe('addresses, backoff, adverts and slots', () => {
  it('parses host:port', () => {
    expect(parseAddress('192.168.1.20:7443')).toEqual({ host: '192.168.1.20', port: 7443 });
    expect(parseAddress('[fe80::1]:8443')).toEqual({ host: 'fe80::1', port: 8443 });
    expect(() => parseAddress('host:0')).toThrow(/Invalid address/);
    expect(formatAddress('fe80::1', 1)).toBe('[fe80::1]:1');
  });
  it('backs off exponentially with a cap', () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 10].map((n) => backoffMs(n, 1000, 30_000, mid))).toEqual([1000, 2000, 4000, 30_000]);
  });
  it('reads an agent advertisement', () => {
    const ad = readAdvert({ port: 8443, addresses: ['10.0.0.5'], referer: { address: '10.0.0.5', family: 'IPv4', port: 5353, size: 1 }, txt: { id: 'ef-1', name: 'cam', ver: '0.1.0', arch: 'arm64', model: 'm', mver: '3', state: 'trial' } });
    expect(ad).toMatchObject({ id: 'ef-1', name: 'cam', address: '10.0.0.5:8443', patch: { arch: 'arm64', activeModel: { name: 'm', version: '3' }, slotState: 'trial' } });
    expect(readAdvert({ port: 1, addresses: [], txt: {} } as never)).toBeNull();
    expect(readAdvert({ port: 1, addresses: ['10.0.0.9'], txt: { id: 'ef-2', model: '-', state: 'empty' } } as never)).toMatchObject({ address: '10.0.0.9:1', patch: { activeModel: null, slotState: 'empty' } });
  });
  it('turns a status into slot rows', () => {
    const manifest = (v: string) => ({ name: 'm', version: v, sha256: 'a'.repeat(64), size: 1, created: '2026-01-01T00:00:00.000Z' });
    const s = { active: { slot: 'b', manifest: manifest('2') }, previous: { slot: 'a', manifest: manifest('1') }, trial: { slot: 'b' } } as unknown as DeviceStatus;
    expect(slotsOf(s).map((x) => [x.slot, x.role, x.version])).toEqual([
      ['a', 'previous', '1'],
      ['b', 'trial', '2'],
    ]);
  });
});
