// Fleet operations end to end, in Chromium against a real `edgefleet serve` with real demo agents: the
// virtualized Fleet grid, a rollout of a model that fails its health check halting in the live view, an A/B
// comparison of two versions, and the audit log with its CSV export. Screenshots go to test-output/e2e.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceSummary, Job } from '../../electron/core/api/types.js';
import { auditCsvColumns } from '../../electron/core/audit/csv.js';
import { defaultGates } from '../../electron/core/rollouts/gates.js';
import { decodeModel } from '../../electron/core/onnx/codec.js';
import { registerBrokenModel } from '../helpers/broken-model.js';
import { startE2eConsole, type E2eConsole } from '../helpers/e2e-console.js';
import { SAMPLE_MODEL, encode, writeTemp } from '../fixtures/onnx-models.js';

let c: E2eConsole;
let page: Page;

/** A screenshot of the whole view: the shell scrolls inside the window, so the window is made taller for it. */
async function tallShot(name: string): Promise<void> {
  await page.setViewportSize({ width: 1440, height: 1800 });
  await page.waitForTimeout(300);
  await c.shot(name);
  await page.setViewportSize({ width: 1440, height: 900 });
}

/** A request to the console's HTTP API with the session token, as the CLI or a script would make it. */
async function api<R>(channel: string, input: unknown = {}): Promise<R> {
  const token = new URL(c.url).searchParams.get('token');
  const res = await fetch(new URL(`/api/${channel}`, c.url), {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  const env = (await res.json()) as { ok: true; result: R } | { ok: false; error: { title: string; detail: string } };
  if (!env.ok) throw new Error(`${channel}: ${env.error.title}: ${env.error.detail}`);
  return env.result;
}

beforeAll(async () => {
  c = await startE2eConsole();
  page = c.page;
  await page.goto(c.url);
});

afterAll(async () => {
  await c?.close();
});

describe('fleet operations in the browser', () => {
  it('shows the demo fleet in the virtualized grid, sorted and filtered', async () => {
    await page.getByTestId('nav-fleet').click();
    await page.getByTestId('start-demo').click();
    await expect
      .poll(async () => Number((await page.getByTestId('fleet-online').textContent())?.match(/\d+/)?.[0] ?? 0), { timeout: 150_000 })
      .toBe(4);
    const rows = page.getByTestId('device-row');
    await expect.poll(() => rows.count()).toBe(4);
    const names = () => rows.evaluateAll((els) => [...els].sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top).map((e) => e.children[1].textContent));
    expect(await names()).toEqual(['demo-1', 'demo-2', 'demo-3', 'demo-4']);
    await page.getByTestId('sort-name').click();
    await expect.poll(names).toEqual(['demo-4', 'demo-3', 'demo-2', 'demo-1']);
    await page.getByTestId('sort-name').click();
    // A filter that matches nothing, then back to everything.
    await page.getByTestId('fleet-state-filter').selectOption('offline');
    await expect.poll(() => rows.count()).toBe(0);
    await page.getByTestId('fleet-state-filter').selectOption('online');
    await expect.poll(() => rows.count()).toBe(4);
    // Every row carries status, model version, slot state and health.
    await expect.poll(() => page.locator('[data-testid="device-row"] [data-testid="device-model"]').first().textContent(), { timeout: 60_000 }).toMatch(/mobilenetv2-digits/);
    expect(await page.locator('[data-testid="device-row"] [data-testid="device-slot"]').first().textContent()).toMatch(/Confirmed|Trial/);
    // Telemetry changes reach the grid as incremental summaries of the changed devices, never the whole list again.
    const calls = { list: 0, summaries: 0 };
    const count = (r: { url(): string }) => {
      if (r.url().includes('/api/devices.list')) calls.list++;
      if (r.url().includes('/api/devices.summaries')) calls.summaries++;
    };
    page.on('request', count);
    await expect.poll(() => calls.summaries, { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    page.off('request', count);
    expect(calls.list).toBe(0);
    await c.shot('fleet-grid');
  });

  it('halts a rollout of a model that fails its health check and shows it in the live view', async () => {
    registerBrokenModel(c.home);
    await page.getByTestId('nav-rollouts').click();
    await page.getByTestId('rollout-new').click();
    await c.pickOption('wizard-model', /broken-digits/);
    await page.getByTestId('wizard-next').click();
    await expect.poll(() => page.getByTestId('wizard-preview-count').textContent(), { timeout: 30_000 }).toBe('4');
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-percents').fill('50, 100');
    await expect.poll(() => page.getByTestId('wizard-stage-preview').textContent()).toMatch(/2 devices/);
    await page.getByTestId('wizard-next').click();
    // The wizard starts with the default gates: energy-ratio is opt-in (a checkbox below them).
    await expect.poll(() => page.getByTestId('wizard-gate').count()).toBe(defaultGates().length);
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-soak').fill('1');
    await page.getByTestId('wizard-start').click();

    await page.getByTestId('page-rollout').waitFor();
    const status = () => page.getByTestId('rollout-status').getAttribute('data-status');
    await expect.poll(status, { timeout: 150_000 }).toMatch(/^(halted|rolled-back)$/);
    // The deploy-failure gate failed at the first stage; the second stage never started.
    await expect.poll(() => page.locator('[data-testid="gate-row"][data-kind="deploy-failure-rate"]').getAttribute('data-status'), { timeout: 30_000 }).toBe('fail');
    expect(await page.locator('[data-testid="stage"]').first().getAttribute('data-outcome')).toBe('failed');
    expect(await page.locator('[data-testid="stage"]').nth(1).getAttribute('data-outcome')).toBe('');
    await expect.poll(() => page.locator('[data-testid="rollout-device-phase"][data-phase="confirmed"]').count()).toBe(0);
    expect(await page.getByTestId('rollout-reason').textContent()).toMatch(/\S/);
    // No device was left without its working model.
    await expect
      .poll(async () => (await api<DeviceSummary[]>('devices.list')).map((d) => d.activeModel?.name), { timeout: 60_000 })
      .toEqual(['mobilenetv2-digits', 'mobilenetv2-digits', 'mobilenetv2-digits', 'mobilenetv2-digits']);
    await tallShot('rollout-halted');
  });

  it('compares two versions side by side in an A/B view', async () => {
    // Variant B: the sample's graph under another description, so it is a distinct version with the same behaviour.
    const restamped = decodeModel(readFileSync(SAMPLE_MODEL));
    restamped.doc_string = 'variant B for the A/B e2e test';
    const started = await api<Job>('models.import', { path: writeTemp('digits-b.onnx', encode(restamped)), name: 'digits-restamped' });
    await expect.poll(async () => (await api<Job>('jobs.get', { id: started.id })).state, { timeout: 60_000 }).toBe('succeeded');

    await page.getByTestId('nav-rollouts').click();
    await page.getByTestId('ab-new').click();
    await c.pickOption('ab-model-0', /^mobilenetv2-digits v/);
    await c.pickOption('ab-model-1', /^digits-restamped v/);
    await expect.poll(() => page.getByTestId('ab-preview').textContent(), { timeout: 30_000 }).toMatch(/4 devices/);
    await page.getByTestId('ab-start').click();
    await page.getByTestId('page-ab').waitFor();
    await expect.poll(() => page.getByTestId('ab-variant').count(), { timeout: 30_000 }).toBe(2);
    await expect.poll(() => page.getByTestId('ab-state').getAttribute('data-state'), { timeout: 150_000 }).toBe('running');
    // Telemetry from the load generator fills both latency charts, with their intervals.
    for (const chart of ['ab-chart-p50', 'ab-chart-p95']) {
      await expect.poll(async () => Number(await page.getByTestId(chart).getAttribute('data-points')), { timeout: 120_000 }).toBeGreaterThanOrEqual(6);
    }
    const requests = () => page.locator('[data-testid="ab-variant"] [data-testid="ab-requests"]').allTextContents();
    await expect.poll(async () => Math.min(...(await requests()).map((t) => Number(t.replace(/\D/g, '')))), { timeout: 120_000 }).toBeGreaterThanOrEqual(20);
    await expect.poll(() => page.getByTestId('ab-comparison').count()).toBe(1);
    expect(await page.getByTestId('ab-verdict').textContent()).toMatch(/\S/);
    await tallShot('ab-compare');
  });

  it('filters the audit log and exports it as CSV', async () => {
    await page.getByTestId('nav-audit').click();
    await page.getByTestId('page-audit').waitFor();
    await expect.poll(() => page.locator('.audit-row').count(), { timeout: 30_000 }).toBeGreaterThan(3);
    await c.pickOption('audit-action', /^rollout\.create$/);
    const shownActions = () => page.locator('.audit-row [data-field="action"]').allTextContents();
    await expect.poll(async () => [...new Set(await shownActions())]).toEqual(['rollout.create']);
    const actions = await shownActions();
    const download = page.waitForEvent('download');
    await page.getByTestId('audit-export-csv').click();
    const csv = readFileSync((await (await download).path())!, 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe(auditCsvColumns.join(','));
    expect(lines.length).toBe(actions.length + 1);
    expect(lines.slice(1).every((l) => l.includes(',rollout.create,'))).toBe(true);
    await page.getByTestId('audit-clear').click();
    await expect.poll(() => page.locator('.audit-row').count()).toBeGreaterThan(actions.length);
    await c.shot('audit');
    expect(c.pageErrors).toEqual([]);
  });
});
