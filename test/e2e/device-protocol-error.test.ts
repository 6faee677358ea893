// The device page of a device whose status the console cannot read (a real agent on serial behind a proxy
// that sends health.runs as "five"): an error card with the title and the field, expected and received
// values, and the last exchanges of its protocol log; never "Something went wrong".
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceSummary } from '../../electron/core/api/types.js';
import { startE2eConsole, type E2eConsole } from '../helpers/e2e-console.js';
import { startFaultyDevice, type FaultyDevice } from '../helpers/faulty-serial-device.js';

let c: E2eConsole;
let page: Page;
let bench: FaultyDevice;
let broken = false;

const health = { ok: true, loaded: true, finite: true, runs: 5, latencyMs: 2, maxLatencyMs: 1000, reason: null, checkedAt: '2025-01-15T09:31:02.000Z' };

async function api<R>(channel: string, input: unknown = {}): Promise<R> {
  const token = new URL(c.url).searchParams.get('token');
  const res = await fetch(new URL(`/api/${channel}`, c.url), { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(input) });
  const env = (await res.json()) as { ok: true; result: R } | { ok: false; error: { title: string; detail: string } };
  if (!env.ok) throw new Error(`${channel}: ${env.error.title}: ${env.error.detail}`);
  return env.result;
}

beforeAll(async () => {
  bench = await startFaultyDevice({
    answer: (op, kind, json) => (broken && op === 'status' && kind === 'response' ? { kind, json: { ...(json as object), lastHealth: { ...health, runs: 'five' } } } : { kind, json }),
  });
  c = await startE2eConsole({ env: { EDGEFLEET_SERIAL_PORTS: bench.path } });
  page = c.page;
}, 120_000);

afterAll(async () => {
  await c?.close();
  await bench?.stop();
});

describe('a device that answers outside the protocol', () => {
  it('its page shows the protocol error with the field, expected and received values, and the last exchanges', async () => {
    const device = await api<DeviceSummary>('serial.add', { path: bench.path, baud: 115200, code: bench.code });
    broken = true;
    await page.goto(`${c.url.split('#')[0]}#/devices/${encodeURIComponent(device.id)}`);
    await page.getByTestId('page-device').waitFor();
    const card = page.getByTestId('device-error');
    await card.waitFor({ timeout: 30_000 });
    expect(await card.getByTestId('error-title').textContent()).toBe('The device sent a reply the console cannot read');
    const detail = (await card.getByTestId('error-detail').textContent()) ?? '';
    expect(detail).toContain('`status.lastHealth.runs`: expected an integer, received "five"');
    expect(detail).toContain('MESSAGES.md#status');
    await expect.poll(() => page.getByTestId('device-exchange').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('device-exchanges').textContent()).toMatch(/status failed: The device sent a reply the console cannot read/);
    expect(await page.getByTestId('page-device').textContent()).not.toContain('Something went wrong');
    await c.shot('device-protocol-error');
    expect(c.pageErrors).toEqual([]);
  });
});
