// The application's own metrics in the console, in Chromium against a real `edgefleet serve`: two real
// agents in an A/B assignment take false-alarm counts on their local endpoints; the A/B view shows each
// variant's rate and the ratio's significance, the device page the device's own numbers and its drift chart, and the
// rollout wizard adds a gate on the metric by name. Screenshots go to test-output/e2e.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AbAssignment, Job, ModelSummary } from '../../electron/core/api/types.js';
import { infer, postMetrics, sampleModelPath, startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { startE2eConsole, type E2eConsole } from '../helpers/e2e-console.js';

let c: E2eConsole;
let work: string;
const agents: AgentProcess[] = [];
let assignment: AbAssignment;

async function importModel(path: string, name: string): Promise<ModelSummary> {
  await c.finished((await c.api<Job>('models.import', { path, name })).id);
  return (await c.api<ModelSummary[]>('models.list')).find((m) => m.name === name)!;
}

/** The application on the device: a false alarm once in `every` inferences. */
async function traffic(agent: AgentProcess, inferences: number, every: number): Promise<void> {
  const ok = async (r: Promise<{ status: number }>) => {
    const { status } = await r;
    if (status !== 200) throw new Error(`the agent answered ${status}`);
  };
  await ok(postMetrics(agent.servePort, [{ name: 'false_alarm', count: 0 }]));
  for (let i = 1; i <= inferences; i++) {
    await ok(infer(agent.servePort, i));
    if (i % every === 0) await ok(postMetrics(agent.servePort, [{ name: 'false_alarm', count: 1 }]));
  }
}

async function tallShot(name: string): Promise<void> {
  await c.page.setViewportSize({ width: 1440, height: 1400 });
  await c.page.waitForTimeout(300);
  await c.shot(name);
  await c.page.setViewportSize({ width: 1440, height: 900 });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ef-e2e-metrics-'));
  agents.push(...(await Promise.all([0, 1].map((i) => startAgent({ name: `kiosk-${i + 1}`, args: ['--telemetry-interval', '1'], env: { EDGEFLEET_AGENT_DRIFT_WINDOW_SEC: '1' } })))));
  c = await startE2eConsole();
  for (const a of agents) {
    const d = await c.api<{ id: string }>('devices.pair', { address: `127.0.0.1:${a.port}`, code: a.pairingCode! });
    await c.api('devices.update', { id: d.id, tags: ['kiosk'] });
  }
  const text = Buffer.from('variant B');
  const copy = join(work, 'detector-b.onnx');
  writeFileSync(copy, Buffer.concat([readFileSync(sampleModelPath), Buffer.from([0x32, text.length]), text]));
  const a = await importModel(sampleModelPath, 'detector-a');
  const b = await importModel(copy, 'detector-b');
  const started = await c.api<AbAssignment>('ab.start', { selector: 'tag:kiosk', variants: [{ modelId: a.id, percent: 50 }, { modelId: b.id, percent: 50 }], control: true, seed: 'e2e-metrics' });
  for (const id of started.deployJobIds) await c.finished(id);
  assignment = (await c.api<AbAssignment[]>('ab.list')).find((x) => x.id === started.id)!;
  const agentOf = (i: number) => agents.find((x) => x.deviceId === assignment.variants[i].deviceIds[0])!;
  await new Promise((r) => setTimeout(r, 1500));
  await Promise.all([traffic(agentOf(0), 300, 20), traffic(agentOf(1), 300, 5)]);
  await new Promise((r) => setTimeout(r, 2500));
}, 300_000);

afterAll(async () => {
  await c?.close();
  await Promise.all(agents.map((a) => a.stop()));
  rmSync(work, { recursive: true, force: true });
});

describe('application metrics in the console', () => {
  it('the A/B view shows each variant’s false-alarm rate and calls B’s four-fold rate significant', async () => {
    const { page } = c;
    await page.goto(c.url.replace(/#.*$/, '') + `#/rollouts/ab/${assignment.id}`);
    await page.getByTestId('page-ab').waitFor();
    const row = page.locator('[data-testid="ab-metric"][data-metric="false_alarm"]');
    await expect.poll(() => row.count(), { timeout: 60_000 }).toBe(1);
    const cells = await row.locator('td').allTextContents();
    // Metric, A, B, B / A.
    expect(cells[1]).toMatch(/^[0-9.]+ per 1,000 inferences \(15 in 3\d\d\)$/);
    expect(cells[2]).toMatch(/^[0-9.]+ per 1,000 inferences \(60 in 3\d\d\)$/);
    expect(cells[3]).toMatch(/^[0-9.]+× \[[0-9.]+, [0-9.]+\] · p [<=] [0-9.]+Significant$/);
    expect(await page.getByTestId('ab-verdict').textContent()).toMatch(/false_alarm [0-9.]+×/);
    await tallShot('ab-app-metrics');
    expect(c.pageErrors).toEqual([]);
  });

  it('the device page shows the device’s own numbers under the model it serves', async () => {
    const { page } = c;
    // Variant A's device: its model came from the sample's folder, whose evaluation data makes the drift reference.
    const id = assignment.variants[0].deviceIds[0];
    await page.goto(c.url.replace(/#.*$/, '') + `#/devices/${id}`);
    const card = page.getByTestId('device-app-metrics');
    await card.waitFor();
    const row = card.locator('[data-testid="device-app-metric"][data-metric="false_alarm"]');
    await expect.poll(() => row.count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
    expect(await row.first().textContent()).toMatch(/detector-a v1false_alarm[0-9.]+ per 1,000 inferences \(15 in 3\d\d\)/);
    // The drift card: the seeded random inputs look nothing like the sample's evaluation images.
    const chart = page.getByTestId('drift-chart');
    await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
    expect(await page.locator('[data-testid="drift-row"][data-key="input.mean"]').getAttribute('data-level')).toBe('act');
    await page.setViewportSize({ width: 1440, height: 2200 });
    await card.scrollIntoViewIfNeeded();
    await c.shot('device-app-metrics');
    await page.setViewportSize({ width: 1440, height: 900 });
    // The Fleet grid has the same level in its Drift column, and sorts by it.
    await page.goto(c.url.replace(/#.*$/, '') + '#/fleet');
    const cell = page.locator(`[data-testid="device-row"][data-id="${id}"] [data-testid="device-drift"]`);
    await expect.poll(() => cell.getAttribute('data-level'), { timeout: 60_000 }).toBe('act');
    await c.shot('fleet-drift-column');
    expect(c.pageErrors).toEqual([]);
  });

  it('the rollout wizard adds a gate on a metric by name and refuses a bad name, and the energy gate only when asked', async () => {
    const { page } = c;
    await page.goto(c.url.replace(/#.*$/, '') + '#/rollouts');
    await page.getByTestId('rollout-new').click();
    await c.pickOption('wizard-model', /^detector-b v/);
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-selector').fill('tag:kiosk');
    await expect.poll(() => page.getByTestId('wizard-preview-count').textContent(), { timeout: 30_000 }).toBe('2');
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-next').click();
    const before = await page.getByTestId('wizard-gate').count();
    await page.getByTestId('wizard-metric-name').fill('False Alarm');
    expect(await page.getByTestId('wizard-metric-add').isDisabled()).toBe(true);
    await page.getByTestId('wizard-metric-name').fill('false_alarm');
    await page.getByTestId('wizard-metric-add').click();
    await expect.poll(() => page.getByTestId('wizard-gate').count()).toBe(before + 1);
    expect(await page.locator('[data-testid="wizard-gate"][data-kind="metric"]').textContent()).toMatch(/Metric false_alarm/);
    await tallShot('wizard-metric-gate');
    await page.getByTestId('wizard-metric-remove').click();
    await expect.poll(() => page.getByTestId('wizard-gate').count()).toBe(before);
    // Energy is not a default gate (a minute of load per device): a checkbox adds it and takes it away.
    expect(await page.locator('[data-testid="wizard-gate"][data-kind="energy-ratio"]').count()).toBe(0);
    await page.getByTestId('wizard-optin-energy-ratio').check();
    await expect.poll(() => page.locator('[data-testid="wizard-gate"][data-kind="energy-ratio"]').count()).toBe(1);
    await tallShot('wizard-energy-gate');
    await page.getByTestId('wizard-optin-energy-ratio').uncheck();
    await expect.poll(() => page.getByTestId('wizard-gate').count()).toBe(before);
    expect(c.pageErrors).toEqual([]);
  });
});
