// The channels behind the Fleet grid's incremental updates and the Audit page's export, on a real core and SQLite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceSummary } from '../../electron/core/api/types.js';
import { createCore, type Core } from '../../electron/core/core.js';
import { DeviceStore } from '../../electron/core/registry/device-store.js';

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
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('seq,at,actor,action,target,params,outcome,detail');
    expect(lines.slice(1).map((l) => l.split(',')[4])).toEqual(['id:dev-0', 'id:dev-1']);
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
