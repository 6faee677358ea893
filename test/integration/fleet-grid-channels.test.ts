// The channels behind the Fleet grid's incremental updates and the Audit page's export, on a real core and SQLite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, DeviceListRow, DeviceSummary } from '../../electron/core/api/types.js';
import { auditCsv } from '../../electron/core/audit/csv.js';
import { createCore, type Core } from '../../electron/core/core.js';
import { DeviceStore } from '../../electron/core/registry/device-store.js';
import { fromListRow } from '../../renderer/src/pages/fleet/device-list-item.js';

let home: string;
let core: Core;

async function call<R>(channel: string, input: unknown): Promise<R> {
  const env = await core.call(channel, input);
  if (!env.ok) throw Object.assign(new Error(env.error.title), env.error);
  return env.result as R;
}

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'ef-grid-channels-'));
  core = createCore({ home, mode: 'cli', discovery: false });
  const store = new DeviceStore(core.registry.db);
  for (let i = 0; i < 5; i++) store.upsert(`dev-${i}`, { name: `edge-${i}`, address: `10.0.0.${i}:7443`, state: 'online', tags: ['line-1'] });
});

afterAll(async () => {
  await core.close();
  rmSync(home, { recursive: true, force: true });
});

describe('devices.listRows', () => {
  it('lists every device as its summary shows it, in the order of devices.list, without what the grid does not show', async () => {
    const store = new DeviceStore(core.registry.db);
    store.upsert('paired-1', {
      name: 'Alpha',
      address: '10.0.1.1:7443',
      token: 'secret',
      fingerprint: 'ab'.repeat(32),
      arch: 'arm64',
      agentVersion: '1.2.3',
      state: 'trial',
      health: 'warning',
      activeModel: { name: 'digits', version: 'v2', sha256: 'f'.repeat(64) },
      slotState: 'trial',
      lastSeen: '2026-01-02T03:04:05.000Z',
      tags: ['cam', 'north'],
      groups: ['site-a'],
      lastChange: { kind: 'trial-unhealthy', at: '2026-01-02T03:00:00.000Z', detail: 'The trial failed its health check.', reverted: true, rolloutId: 'r-7' },
      telemetry: { at: '2026-01-02T03:04:05.000Z', requests: 9, errors: 0, latencyMs: null, rssBytes: null, cpuLoad: null, temperatureC: null, confidenceMean: null },
      drift: { psi: 0.31, inputPsi: 0.31, outputPsi: 0.02, level: 'act', model: 'f'.repeat(64), samples: 600, at: '2026-01-02T03:04:00.000Z' },
    });
    store.upsert('serial-1', { name: 'beta', transport: 'serial', address: '/dev/ttyUSB0', state: 'discovered' });
    const summaries = await call<DeviceSummary[]>('devices.list', {});
    const rows = await call<DeviceListRow[]>('devices.listRows', {});
    expect(rows.map((r) => r[0])).toEqual(summaries.map((d) => d.id));
    expect(rows.map(fromListRow)).toEqual(
      summaries.map(({ fingerprint: _f, agentVersion: _a, telemetry: _t, lastError: _e, activeModel, lastChange, ...rest }) => ({
        ...rest,
        activeModel: activeModel && { name: activeModel.name, version: activeModel.version },
        lastChange: lastChange && { kind: lastChange.kind, at: lastChange.at, reverted: lastChange.reverted, ...(lastChange.rolloutId ? { rolloutId: lastChange.rolloutId } : {}) },
      })),
    );
    expect(rows.find((r) => r[0] === 'paired-1')).toEqual([
      'paired-1', 'Alpha', 'lan', '10.0.1.1:7443', 'trial', true, 'arm64', 'digits', 'v2', 'trial', 'warning', '2026-01-02T03:04:05.000Z', ['cam', 'north'], ['site-a'],
      // The last change without its sentence (the device page has it).
      { kind: 'trial-unhealthy', at: '2026-01-02T03:00:00.000Z', reverted: true, rolloutId: 'r-7' },
      { psi: 0.31, inputPsi: 0.31, outputPsi: 0.02, level: 'act', model: 'f'.repeat(64), samples: 600, at: '2026-01-02T03:04:00.000Z' },
    ]);
    // Neither the token nor the pinned fingerprint goes out with the list.
    expect(JSON.stringify(rows)).not.toMatch(/secret|abab/);
    expect(fromListRow(rows.find((r) => r[0] === 'serial-1')!)).toMatchObject({ transport: 'serial', paired: false, activeModel: null, tags: [], groups: [] });
    store.remove('paired-1');
    store.remove('serial-1');
  });

  it('refuses input it does not take', async () => {
    await expect(call('devices.listRows', { ids: ['dev-1'] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('devices.list', () => {
  it('answers, by name, the summaries the store gives one by one', async () => {
    const store = new DeviceStore(core.registry.db);
    store.upsert('dev-0', { token: 't', fingerprint: 'cd'.repeat(32), activeModel: { name: 'm', version: 'v1', sha256: null }, groups: ['g'] });
    const list = await call<DeviceSummary[]>('devices.list', {});
    expect(list.map((d) => d.name)).toEqual(['edge-0', 'edge-1', 'edge-2', 'edge-3', 'edge-4']);
    expect(list).toEqual(list.map((d) => store.get(d.id)));
    expect(list[0]).toMatchObject({ paired: true, activeModel: { name: 'm', version: 'v1', sha256: null }, groups: ['g'], tags: ['line-1'] });
  });
});

describe('devices.summaries', () => {
  it('answers the current summaries of the ids asked, leaving out unknown ones', async () => {
    new DeviceStore(core.registry.db).upsert('dev-3', { state: 'error', health: 'error' });
    const got = await call<DeviceSummary[]>('devices.summaries', { ids: ['dev-3', 'gone', 'dev-1'] });
    expect(got.map((d) => [d.id, d.state, d.health])).toEqual([
      ['dev-3', 'error', 'error'],
      ['dev-1', 'online', 'unknown'],
    ]);
  });

  it('refuses an empty or oversized id list with a clear error', async () => {
    await expect(call('devices.summaries', { ids: [] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(call('devices.summaries', { ids: Array.from({ length: 10_001 }, (_, i) => `d${i}`) })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('audit.export and audit.list filters', () => {
  it('exports the entries a filter selects as CSV and JSON, oldest first', async () => {
    await call('devices.update', { id: 'dev-0', tags: ['a'] });
    await call('devices.update', { id: 'dev-1', tags: ['b'] });
    await call('devices.remove', { id: 'dev-4' });
    const csv = await call<{ format: string; text: string }>('audit.export', { format: 'csv', action: 'devices.update' });
    // The audit layout of csv.ts (tested in audit-csv.test.ts), oldest first.
    const listed = await call<AuditEntry[]>('audit.list', { action: 'devices.update' });
    expect(csv.text).toBe(auditCsv([...listed].reverse()));
    expect(listed.map((e) => e.target).reverse()).toEqual(['id:dev-0', 'id:dev-1']);
    const json = await call<{ text: string }>('audit.export', { format: 'json', target: 'id:dev-4' });
    expect((JSON.parse(json.text) as { action: string }[]).map((e) => e.action)).toEqual(['devices.remove']);
  });

  it('filters the list by actor', async () => {
    const all = await call<{ actor: string }[]>('audit.list', {});
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect(await call('audit.list', { actor: all[0].actor })).toHaveLength(all.length);
    expect(await call('audit.list', { actor: 'user:nobody@cli' })).toEqual([]);
  });
});
