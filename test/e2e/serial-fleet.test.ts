// A bench device on USB serial in the browser console: a real agent serving the link protocol behind a
// pty relay throttled to 921,600 baud with bit errors on the line; the Fleet page's Serial ports dialog
// probes and pairs it, and a deploy from its device page shows progress and ends confirmed.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matmulModelFile } from '../fixtures/onnx-models.js';
import { startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { startE2eConsole, type E2eConsole } from '../helpers/e2e-console.js';
import { SerialRelay } from '../helpers/serial-relay.js';

const baud = 921_600;
let c: E2eConsole;
let page: Page;
let relay: SerialRelay;
let agent: AgentProcess;

beforeAll(async () => {
  relay = await SerialRelay.start({ baud, seed: 'serial-e2e', ber: 1e-5 });
  agent = await startAgent({ name: 'bench-board', args: ['--serial', relay.agentPath, '--baud', String(baud)] });
  c = await startE2eConsole({ env: { EDGEFLEET_SERIAL_PORTS: relay.consolePath } });
  page = c.page;
  await page.goto(c.url);
}, 120_000);

afterAll(async () => {
  await c?.close();
  await agent?.stop();
  await relay?.stop();
});

describe('a serial device in the Fleet page', () => {
  it('probes and pairs the port, then deploys to it with progress shown', async () => {
    await page.getByTestId('nav-fleet').click();
    await page.getByTestId('serial-open').click();
    await page.getByTestId('serial-probe').click();
    const row = page.getByTestId('serial-port-row').filter({ hasText: relay.consolePath });
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toMatch(/agent/i);
    await row.getByTestId('serial-code').fill(agent.pairingCode!);
    await c.shot('serial-ports-dialog');
    await row.getByTestId('serial-pair').click();
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain(agent.deviceId);
    // The first device swaps the empty page for the grid: the dialog stays open through it.
    const device = page.getByTestId('device-row').filter({ hasText: 'bench-board' });
    await device.waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toContain(agent.deviceId);
    await page.keyboard.press('Escape');

    expect(await device.textContent()).toContain(`${relay.consolePath}@${baud}`);
    await c.shot('fleet-serial');

    const file = matmulModelFile('serial-e2e', 'serial-bench-board.onnx');
    const token = new URL(c.url).searchParams.get('token');
    const res = await fetch(new URL('/api/models.import', c.url), { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ path: file, name: 'bench-matmul' }) });
    expect(res.status).toBe(200);
    await device.click();
    await page.getByTestId('page-device').waitFor();
    await page.getByTestId('slot-deploy').click();
    await c.pickOption('deploy-model', /bench-matmul/);
    await page.getByTestId('deploy-confirm').check();
    await page.getByTestId('deploy-submit').click();
    await page.getByTestId('deploy-progress').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('deploy-progress').textContent(), { timeout: 120_000 }).toMatch(/confirmed/i);
    await c.shot('serial-deploy-confirmed');
    await page.getByTestId('deploy-close').click();
    await expect.poll(() => page.locator('[data-role="active"]').first().textContent(), { timeout: 30_000 }).toMatch(/bench-matmul/);
    await page.getByTestId('nav-fleet').click();
    await expect.poll(() => device.textContent(), { timeout: 30_000 }).toMatch(/bench-matmul/);
    await c.shot('fleet-serial-deployed');
    expect(c.pageErrors).toEqual([]);
  });
});
