// The Optimize page's "Compare on devices" against a real agent: the device is chosen, "Time on devices"
// runs the job, then the table (a latency column for the device, ratio to float there), the ratio chart
// and the per-layer float vs INT8 table with its verdict show. Screenshot in test-output/e2e.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../electron/core/api/types.js';
import { sampleModelPath, startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { startE2eConsole, type E2eConsole } from '../helpers/e2e-console.js';

let c: E2eConsole;
let page: Page;
let agent: AgentProcess;
let modelId: string;
let variantId: string;

beforeAll(async () => {
  agent = await startAgent({ name: 'bench-x86' });
  c = await startE2eConsole();
  page = c.page;
  await c.api('devices.pair', { address: `127.0.0.1:${agent.port}`, code: agent.pairingCode });
  const imported = await c.finished((await c.api<Job>('models.import', { path: sampleModelPath })).id);
  modelId = (imported.result as { modelId: string }).modelId;
  const dir = sampleModelPath.replace(/model\.onnx$/, '');
  const recipe = { mode: 'static', calibrationNpy: `${dir}calibration.npy`, evalInputsNpy: `${dir}eval_inputs.npy`, evalLabelsNpy: `${dir}eval_labels.npy` };
  const made = await c.finished((await c.api<Job>('optimize.run', { modelId, recipe })).id);
  variantId = (made.result as { variantId: string }).variantId;
}, 240_000);

afterAll(async () => {
  await c?.close();
  await agent?.stop();
});

describe('Compare on devices', () => {
  it('times the float model and its INT8 variant on the device and compares them there', async () => {
    await page.goto(`${c.url.split('#')[0]}#/optimize?model=${encodeURIComponent(modelId)}`);
    const section = page.getByTestId('compare-devices');
    await section.getByTestId('compare-devices-empty').waitFor();
    await section.getByTestId('compare-devices-input').click();
    await page.getByRole('listbox', { name: 'Devices (up to 8)' }).getByRole('option', { name: /bench-x86/ }).click();
    await page.keyboard.press('Escape');
    // Energy too: this agent's machine has no energy counter, so each cell says so instead of a figure.
    await section.getByTestId('compare-devices-energy').check();
    await section.getByTestId('compare-devices-run').click();
    await section.getByTestId('targets-table').waitFor({ timeout: 120_000 });
    await expect.poll(() => section.getByTestId('targets-energy-none').count()).toBe(2);
    expect(await section.getByTestId('targets-energy').count()).toBe(0);

    const cell = section.getByTestId(`targets-cell-${variantId}-${agent.deviceId}`);
    expect(await cell.textContent()).toMatch(/\d+(\.\d+)? ms[\d.]+× vs float/);
    expect(await section.getByTestId(`targets-cell-${modelId}-${agent.deviceId}`).textContent()).toContain('1.00× vs float');
    await section.getByTestId('targets-chart').waitFor();
    expect(await section.getByTestId(`targets-verdict-${agent.deviceId}`).textContent()).toMatch(/INT8 (pays off|does not pay off)/);
    expect(await section.getByTestId('targets-layers').locator('tbody tr').count()).toBeGreaterThan(5);

    await page.setViewportSize({ width: 1440, height: 2400 });
    await section.scrollIntoViewIfNeeded();
    await page.waitForTimeout(400);
    await section.screenshot({ path: `${process.cwd()}/test-output/e2e/optimize-compare-devices.png` });
    expect(c.pageErrors).toEqual([]);
  }, 180_000);
});
