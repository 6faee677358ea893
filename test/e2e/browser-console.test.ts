// End to end: the real CLI serves the real UI; Debian's Chromium drives it like a user.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerBrokenModel } from '../helpers/broken-model.js';
import { startE2eConsole, type E2eConsole } from '../helpers/e2e-console.js';

let c: E2eConsole;
let home: string;
let url: string;
let page: Page;
let pageErrors: string[];
const shot = (name: string) => c.shot(name);
const pickOption = (testId: string, label: RegExp, nth?: number) => c.pickOption(testId, label, nth);

beforeAll(async () => {
  c = await startE2eConsole();
  ({ home, url, page, pageErrors } = c);
});

afterAll(async () => {
  await c?.close();
});

describe('browser mode, driven in Chromium', () => {
  it('refuses the UI without the token', async () => {
    const res = await fetch(url.replace(/\?token=.*/, ''));
    expect(res.status).toBe(401);
    const api = await fetch(new URL('/api/app.info', url), { method: 'POST', body: '{}' });
    expect(api.status).toBe(401);
  });

  it('opens the shell and navigates every page', async () => {
    await page.goto(url);
    await page.getByTestId('nav-fleet').waitFor();
    expect(page.url()).not.toContain('token=');
    for (const name of ['fleet', 'models', 'profiling', 'optimize', 'rollouts', 'jobs']) {
      await page.getByTestId(`nav-${name}`).click();
      await expect.poll(() => page.getByTestId(`page-${name}`).isVisible()).toBe(true);
      await shot(`page-${name}`);
    }
  });

  it('shows an error card for a file that is not a model, and keeps running', async () => {
    const junk = join(home, 'not-a-model.onnx');
    writeFileSync(junk, 'this is plain text, not a protobuf');
    await page.getByTestId('nav-models').click();
    await page.getByTestId('import-model').click();
    await page.getByTestId('import-path').fill(junk);
    await page.getByTestId('import-submit').click();
    const card = page.getByTestId('error-card').first();
    await card.waitFor({ timeout: 30_000 });
    expect(await card.textContent()).toMatch(/model/i);
    await page.getByTestId('import-dialog').waitFor({ state: 'hidden' });
    await shot('import-error');
  });

  it('imports the sample model and shows its detail and graph', async () => {
    await page.getByTestId('nav-models').click();
    await page.getByTestId('import-sample').click();
    const row = page.getByText('mobilenetv2-digits').first();
    await row.waitFor({ timeout: 60_000 });
    await shot('models-list');
    await row.click();
    await page.getByTestId('page-model').waitFor();
    await page.locator('[data-testid="graph-view"][data-ready="true"]').waitFor({ timeout: 30_000 });
    expect(Number(await page.getByTestId('graph-view').getAttribute('data-nodes'))).toBeGreaterThan(50);
    await expect.poll(() => page.getByTestId('page-model').textContent(), { timeout: 30_000 }).toContain('logits');
    await shot('model-detail');
  });

  it('runs a profile as a job with visible progress and shows the per-layer chart', async () => {
    await page.getByTestId('nav-profiling').click();
    await pickOption('profile-model', /mobilenetv2-digits/);
    await page.getByTestId('profile-runs').fill('300');
    await page.getByTestId('run-profile').click();
    await page.getByTestId('job-progress').first().waitFor({ timeout: 30_000 });
    await shot('profiling-progress');
    await page.getByTestId('layer-chart').waitFor({ timeout: 120_000 });
    await page.getByTestId('layer-chart').locator('svg').first().waitFor();
    await shot('profiling-layers');
  });

  it('compares two stored profiles layer by layer', async () => {
    await page.getByTestId('profile-runs').fill('50');
    await page.getByTestId('run-profile').click();
    await expect.poll(async () => (await page.getByTestId('profile-row').count()) >= 2, { timeout: 120_000 }).toBe(true);
    await pickOption('compare-a', /mobilenetv2/, 0);
    await pickOption('compare-b', /mobilenetv2/, 1);
    await page.getByTestId('compare-run').click();
    const view = page.getByTestId('compare-view');
    await view.getByTestId('compare-speedup').waitFor({ timeout: 30_000 });
    expect(await view.getByTestId('compare-speedup').textContent()).toMatch(/^\d+\.\d+\s*(×|x)$/);
    await view.scrollIntoViewIfNeeded();
    await shot('profiling-compare');
  });

  it('runs a static INT8 recipe from the Optimize page and shows the comparison table', async () => {
    await page.getByTestId('nav-optimize').click();
    await pickOption('optimize-model', /mobilenetv2/);
    await page.getByTestId('mode-static').click();
    await expect.poll(() => page.getByTestId('calibration-npy').inputValue(), { timeout: 30_000 }).toMatch(/calibration\.npy$/);
    await expect.poll(() => page.getByTestId('eval-labels-npy').inputValue()).toMatch(/eval_labels\.npy$/);
    await page.getByTestId('optimize-run').click();
    await page.getByTestId('optimize-result').waitFor({ timeout: 240_000 });
    const row = page.locator('[data-testid="variant-row"][data-mode="static"]');
    await row.first().waitFor({ timeout: 30_000 });
    const table = () => page.getByTestId('variants-table').textContent();
    await expect.poll(table, { timeout: 30_000 }).toMatch(/static/i);
    await expect.poll(table).toMatch(/100\s*%/); // integer-kernel coverage of the static variant
    await page.getByTestId('variants-section').scrollIntoViewIfNeeded();
    await shot('optimize-comparison');
  });

  it('starts the demo fleet of real agents and shows the Fleet and device pages', async () => {
    await page.getByTestId('nav-fleet').click();
    await page.getByTestId('start-demo').click();
    // Four real agent processes on loopback: paired, the sample deployed, signed and confirmed.
    await expect
      .poll(async () => Number((await page.getByTestId('fleet-online').textContent())?.match(/\d+/)?.[0] ?? 0), { timeout: 150_000 })
      .toBe(4);
    await page.locator('[data-testid="device-state"][data-state="online"]').first().waitFor();
    await shot('fleet');
    await page.getByTestId('device-row').first().click();
    await page.getByTestId('page-device').waitFor();
    await expect.poll(() => page.getByTestId('device-fingerprint').textContent(), { timeout: 30_000 }).toMatch(/[0-9a-f:]{32,}/i);
    await page.locator('[data-testid="slot-a"], [data-testid="slot-b"]').first().waitFor();
    // Telemetry from the load generator arrives over the agents' event sockets.
    await expect
      .poll(async () => Number((await page.getByTestId('telemetry-chart').getAttribute('data-samples')) ?? 0), { timeout: 60_000 })
      .toBeGreaterThanOrEqual(3);
    await shot('device');
  });

  it('deploys a model that does not load from the device page: the device reverts by itself', async () => {
    registerBrokenModel(home);
    const activeBefore = await page.locator('[data-role="active"]').first().textContent();
    await page.getByTestId('slot-deploy').click();
    await pickOption('deploy-model', /broken-digits/);
    await page.getByTestId('deploy-submit').click();
    const error = page.getByTestId('deploy-error').first();
    await error.waitFor({ timeout: 60_000 });
    expect(await error.textContent()).toMatch(/health check/i);
    await expect.poll(() => page.getByTestId('deploy-progress').textContent(), { timeout: 30_000 }).toMatch(/reverted/i);
    await shot('deploy-reverted');
    await page.getByTestId('deploy-close').click();
    // The slots still show the model it ran before as the active one.
    await expect
      .poll(async () => page.locator('[data-role="active"]').first().textContent(), { timeout: 30_000 })
      .toBe(activeBefore);
    // The device page says it reverted by itself; that is the safety net working, not a fault.
    await page.getByTestId('device-last-change').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('device-last-change').textContent()).toMatch(/Reverted by itself/);
    await shot('device-after-revert');
    await page.getByTestId('nav-fleet').click();
    // On the Fleet page the revert is its Last change, and the device is not counted unhealthy for it.
    await expect.poll(() => page.locator('[data-testid="device-change"][data-reverted="true"]').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
    const reverted = page.locator('[data-testid="device-row"]', { has: page.locator('[data-testid="device-change"][data-reverted="true"]') }).first();
    expect(await reverted.getByTestId('device-health').getAttribute('data-health')).not.toBe('error');
    await shot('fleet-after-revert');
  });

  it('lists the jobs with their outcome', async () => {
    await page.getByTestId('nav-jobs').click();
    await expect.poll(() => page.getByTestId('job-row').count()).toBeGreaterThanOrEqual(3);
    await shot('jobs');
    expect(pageErrors).toEqual([]);
  });
});
