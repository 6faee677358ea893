// What keeps the console's work per device message small at fleet scale: devices.changed batched in
// bursts, the telemetry feed reading the inventory once for a burst of changes (and only its paired LAN
// devices, in SQL), and events written to the inventory without a read or a history sort per message.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../electron/core/api/event-bus.js';
import type { DeviceTelemetry } from '../../electron/core/api/types.js';
import { applyDeviceEvent, foldDeviceEvents } from '../../electron/core/devices/apply-event.js';
import { ChangedEmitter } from '../../electron/core/devices/changed-emitter.js';
import { DeviceContext } from '../../electron/core/devices/device-context.js';
import { TelemetryFeed } from '../../electron/core/devices/telemetry-feed.js';
import { DeviceStore } from '../../electron/core/registry/device-store.js';
import { Registry } from '../../electron/core/registry/registry.js';
import { deviceEventSchema, type DeviceEvent } from '../../resources/device-protocol/messages.js';

const base = mkdtempSync(path.join(tmpdir(), 'ef-change-batching-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const freshHome = () => mkdtempSync(path.join(base, `home-${n++}-`));

const tel = (i: number): DeviceTelemetry => ({ at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), requests: i, errors: 0, latencyMs: null, rssBytes: null, cpuLoad: null, temperatureC: null, confidenceMean: null });
/** A telemetry event as an agent sends it (checked by the protocol's own schema). */
const telemetry = (i: number, errors = 0): DeviceEvent =>
  deviceEventSchema.parse({
    type: 'telemetry',
    payload: {
      seq: i, at: tel(i).at, windowSec: 1, requests: i, errors, windowRequests: 1, windowErrors: 0, latencyMs: null,
      histogram: { boundsMs: [], counts: [] }, confidence: null, rssBytes: 1, cpuPercent: 1, loadAvg1: 0, temperatureC: null, model: null, state: 'running',
    },
  });
const status = (kind: string | null): DeviceEvent =>
  deviceEventSchema.parse({
    type: 'status',
    payload: { deviceId: 'd', state: 'running', active: null, previous: null, trial: null, upload: null, lastHealth: null, lastEvent: kind ? { at: new Date().toISOString(), kind, detail: 'x' } : null },
  });

/** A fleet of paired MQTT devices, a few paired LAN ones on closed ports and unpaired LAN ones. */
function seed(store: DeviceStore, mqtt: number): void {
  for (let i = 0; i < mqtt; i++) {
    store.upsert(`mq-${i}`, { name: `mq-${i}`, transport: 'mqtt', address: `mqtt://127.0.0.1:1/mq-${i}`, fingerprint: 'ff', token: `t-${i}`, state: 'online' });
  }
  for (let i = 0; i < 3; i++) store.upsert(`lan-${i}`, { name: `lan-${i}`, address: `127.0.0.1:${9 + i}` });
}

describe('devices.changed in bursts', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends a lone action at once and a burst of them together', async () => {
    const bus = new EventBus();
    const sent: string[][] = [];
    bus.on((name, payload) => {
      if (name === 'devices.changed') sent.push((payload as { ids: string[] }).ids);
    });
    const changed = new ChangedEmitter(bus);
    changed.now('first');
    expect(sent).toEqual([['first']]);
    // 50 pairings finishing one after another, as 32 in parallel do.
    for (let i = 0; i < 50; i++) {
      changed.now(`d-${i}`);
      await vi.advanceTimersByTimeAsync(2);
    }
    await vi.advanceTimersByTimeAsync(250);
    expect(sent.length).toBe(2);
    expect(sent.slice(1).flat().sort()).toEqual(Array.from({ length: 50 }, (_, i) => `d-${i}`).sort());
    // Quiet again: the next action shows at once, and telemetry still waits for its interval.
    await vi.advanceTimersByTimeAsync(1000);
    const before = sent.length;
    changed.now('renamed');
    expect(sent.length).toBe(before + 1);
    changed.mark('telemetry');
    expect(sent.length).toBe(before + 1);
    await vi.advanceTimersByTimeAsync(500);
    expect(sent.at(-1)).toEqual(['telemetry']);
    changed.close();
  });

  it('has the telemetry feed read the inventory once for a burst of changes, never the whole list', async () => {
    const home = freshHome();
    const registry = Registry.open(home);
    const ctx = new DeviceContext(home, registry, new EventBus());
    seed(ctx.store, 200);
    const feed = new TelemetryFeed(ctx, () => undefined);
    try {
      const list = vi.spyOn(ctx.store, 'list');
      const lan = vi.spyOn(ctx.store, 'pairedCredentials');
      // 200 devices changing: half in one turn of the event loop, half spread over the next 800 ms.
      for (let i = 0; i < 100; i++) ctx.bus.emit('devices.changed', { ids: [`mq-${i}`] });
      for (let i = 100; i < 200; i++) {
        ctx.bus.emit('devices.changed', { ids: [`mq-${i}`] });
        await vi.advanceTimersByTimeAsync(8);
      }
      await vi.advanceTimersByTimeAsync(1500);
      expect(list).not.toHaveBeenCalled();
      expect(lan.mock.calls).toEqual([['lan']]);
    } finally {
      feed.close();
      registry.close();
    }
  });
});

describe('the inventory on the event path', () => {
  it('selects paired devices of one transport in SQL', () => {
    const home = freshHome();
    const registry = Registry.open(home);
    try {
      const store = new DeviceStore(registry.db);
      seed(store, 4);
      store.upsert('lan-p', { name: 'lan-p', address: '127.0.0.1:7443', fingerprint: 'ab', token: 'secret' });
      store.upsert('mq-2b', { name: 'mq-2b', transport: 'mqtt', address: 'mqtt://127.0.0.1:1/mq-2', fingerprint: 'ff', token: 'x' });
      expect(store.pairedCredentials('lan')).toEqual([{ id: 'lan-p', name: 'lan-p', transport: 'lan', address: '127.0.0.1:7443', fingerprint: 'ab', token: 'secret' }]);
      expect(store.pairedAddresses('mqtt').sort()).toEqual([0, 1, 2, 3].map((i) => `mqtt://127.0.0.1:1/mq-${i}`));
    } finally {
      registry.close();
    }
  });

  it('keeps a bounded history, trimmed in bulk rather than on every summary', () => {
    const home = freshHome();
    const registry = Registry.open(home);
    try {
      const store = new DeviceStore(registry.db, 20);
      store.upsert('d', { name: 'd', address: '127.0.0.1:1' });
      const rows = () => (registry.db.prepare('SELECT COUNT(*) AS n FROM device_telemetry WHERE device_id = ?').get('d') as { n: number }).n;
      const counts: number[] = [];
      for (let i = 0; i < 100; i++) {
        expect(store.recordEvents('d', { telemetry: tel(i), lastSeen: tel(i).at }, [tel(i)])).toBe(true);
        counts.push(rows());
      }
      expect(Math.max(...counts)).toBeLessThanOrEqual(20 + 2);
      expect(store.history('d').map((t) => t.requests)).toEqual(Array.from({ length: 20 }, (_, i) => 80 + i));
      expect(store.get('d')).toMatchObject({ telemetry: { requests: 99 }, lastSeen: tel(99).at });
      expect(store.recordEvents('missing', { telemetry: tel(1) }, [tel(1)])).toBe(false);
      expect(store.recordEvents('missing', {})).toBe(false);
      expect(rows()).toBeGreaterThan(0);
    } finally {
      registry.close();
    }
  });

  it('folds several events of a device into what applying them one by one leaves', () => {
    const events = [telemetry(1), status('trial-unhealthy'), telemetry(2)];
    const f = foldDeviceEvents(tel(0), events);
    expect(f.history.map((t) => t.requests)).toEqual([1, 2]);
    // A revert the status reported is the device's last change, not a fault: the later telemetry is judged alone.
    expect(f.patch).toMatchObject({ health: 'ok', state: 'online', slotState: 'confirmed', telemetry: { requests: 2 }, lastSeen: tel(2).at });
    expect(f.patch.lastChange).toMatchObject({ kind: 'trial-unhealthy', reverted: true });
    expect(foldDeviceEvents(tel(5), [telemetry(6, 3)]).patch.health).toBe('error');
    expect(foldDeviceEvents(null, [status(null)]).patch.health).toBeUndefined();

    // The same events, one row update per event (the HTTPS feed) and folded (the MQTT ingest): the same row.
    const registry = Registry.open(freshHome());
    try {
      const store = new DeviceStore(registry.db);
      for (const id of ['single', 'folded']) store.upsert(id, { name: 'd', address: '127.0.0.1:1', telemetry: tel(0), state: 'offline' });
      for (const e of events) applyDeviceEvent(store, 'single', e);
      store.recordEvents('folded', f.patch, f.history);
      expect({ ...store.get('folded'), id: 'single' }).toEqual(store.get('single'));
      expect(store.history('folded')).toEqual(store.history('single'));
      expect(store.get('single')?.lastChange).toMatchObject({ kind: 'trial-unhealthy', reverted: true });
    } finally {
      registry.close();
    }
  });
});
