// The Federated page in Chromium against a real `edgefleet serve`, which drives the rounds: three real
// agents, each with its own slice of the NAB machine-temperature series, serve the sensor autoencoder;
// a round started from the New round dialog and a second one register new versions, the page lists them with the loss curve, a round's view
// shows every device with its losses and the timeline, and Promote starts a staged rollout.
// Screenshots go to test-output/e2e.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlRound, Job, ModelSummary, RolloutDetail } from '../../electron/core/api/types.js';
import { startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { startE2eConsole, type E2eConsole } from '../helpers/e2e-console.js';
import { sensorModelPath, writeDeviceSlices } from '../helpers/fl-fleet.js';

let c: E2eConsole;
const agents: AgentProcess[] = [];
const rounds: FlRound[] = [];
const roundInput = { selector: 'tag:sensors', minClients: 3, selectCount: 3, deadlineSec: 120, epochs: 2, batchSize: 32, learningRate: 0.003, timeBudgetSec: 60 };

async function settled(id: string): Promise<FlRound> {
  for (let i = 0; i < 600; i++) {
    const r = await c.api<FlRound>('fl.get', { id });
    if (['registered', 'rejected', 'failed', 'aborted'].includes(r.phase)) return r;
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error(`round ${id} did not settle`);
}

async function rolledOut(id: string): Promise<RolloutDetail> {
  for (let i = 0; i < 600; i++) {
    const r = await c.api<RolloutDetail>('rollouts.get', { id });
    if (!['planned', 'running', 'rolling-back'].includes(r.status)) return r;
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error(`rollout ${id} did not settle`);
}

async function tallShot(name: string): Promise<void> {
  await c.page.setViewportSize({ width: 1440, height: 1500 });
  await c.page.waitForTimeout(300);
  await c.shot(name);
  await c.page.setViewportSize({ width: 1440, height: 900 });
}

beforeAll(async () => {
  const files = writeDeviceSlices(3);
  agents.push(...(await Promise.all(files.map((f, i) => startAgent({ name: `sensor-${i + 1}`, args: ['--fl-data', f] })))));
  c = await startE2eConsole();
  for (const a of agents) {
    const d = await c.api<{ id: string }>('devices.pair', { address: `127.0.0.1:${a.port}`, code: a.pairingCode! });
    await c.api('devices.update', { id: d.id, tags: ['sensors'] });
  }
  await c.finished((await c.api<Job>('models.import', { path: sensorModelPath, name: 'sensor-autoencoder' })).id);
  const model = (await c.api<ModelSummary[]>('models.list')).find((m) => m.name === 'sensor-autoencoder')!;
  const deploy = await c.api<RolloutDetail>('rollouts.create', { modelId: model.id, selector: 'tag:sensors', stages: [100], soakMs: 0, concurrency: 3, start: true });
  expect((await rolledOut(deploy.id)).status).toBe('completed');
}, 300_000);

afterAll(async () => {
  await c?.close();
  await Promise.all(agents.map((a) => a.stop()));
});

describe('the Federated page', () => {
  it('starts a round from the New round dialog and follows it to a registered version', async () => {
    const { page } = c;
    await page.goto(c.url);
    await page.getByTestId('nav-federated').click();
    await page.getByTestId('fl-empty').waitFor();
    await page.getByTestId('fl-new').click();
    await c.pickOption('fl-model', /^sensor-autoencoder v1/);
    await page.getByTestId('fl-selector').fill('tag:sensors');
    await expect.poll(() => page.getByTestId('fl-preview').textContent(), { timeout: 30_000 }).toMatch(/^3 devices match/);
    await page.getByTestId('fl-minClients').fill('3');
    await page.getByTestId('fl-selectCount').fill('3');
    await c.page.waitForTimeout(300);
    await c.shot('federated-new-round');
    await page.getByTestId('fl-start').click();
    await page.getByTestId('page-fl-round').waitFor();
    await expect.poll(() => page.getByTestId('fl-phase').first().getAttribute('data-phase'), { timeout: 120_000 }).toBe('registered');
    const id = decodeURIComponent(new URL(page.url()).hash.split('/')[2]);
    rounds.push(await settled(id));
    // A second round from the version the first registered, once the devices serve it.
    const next = await c.api<RolloutDetail>('rollouts.create', { modelId: rounds[0].candidateModelId!, selector: 'tag:sensors', stages: [100], soakMs: 0, concurrency: 3, start: true });
    expect((await rolledOut(next.id)).status).toBe('completed');
    const second = await settled((await c.api<FlRound>('fl.start', { ...roundInput, modelId: rounds[0].candidateModelId! })).id);
    expect(second.phase, second.reason ?? '').toBe('registered');
    rounds.push(second);
    expect(c.pageErrors).toEqual([]);
  });

  it('lists the rounds with their losses and draws the curve', async () => {
    const { page } = c;
    await page.getByTestId('nav-federated').click();
    await page.getByTestId('page-federated').waitFor();
    await expect.poll(() => page.locator('.fl-round-row').count(), { timeout: 30_000 }).toBe(2);
    expect(await page.getByTestId('fl-loss-curve').getAttribute('data-points')).toBe('2');
    expect(await page.locator('[data-testid="fl-phase"][data-phase="registered"]').count()).toBe(2);
    // The second round starts where the first ended: its incumbent is the first's candidate.
    expect(rounds[1].lossBefore!).toBeLessThan(rounds[0].lossBefore!);
    await tallShot('federated-rounds');
    expect(c.pageErrors).toEqual([]);
  });

  it('a round shows every device with its losses and the timeline, and Promote starts a staged rollout', async () => {
    const { page } = c;
    await page.locator('.fl-round-row').first().click();
    await page.getByTestId('page-fl-round').waitFor();
    await expect.poll(() => page.getByTestId('fl-device').count(), { timeout: 30_000 }).toBe(3);
    expect(await page.locator('[data-testid="fl-device"][data-status="evaluated"]').count()).toBe(3);
    expect(await page.getByTestId('fl-event').count()).toBeGreaterThan(6);
    await tallShot('federated-round');
    await page.getByTestId('fl-promote').click();
    await page.getByTestId('page-rollout').waitFor({ timeout: 30_000 });
    expect(c.pageErrors).toEqual([]);
  });

  it('a round with differential privacy from the dialog shows ε spent and the budget; a secure round shows its SecAgg+ stages', async () => {
    const { page } = c;
    // Promote's staged rollout soaks between stages: stop it and roll the version out at once, so every
    // device serves it before a round trains it.
    const promoted = await c.api<FlRound>('fl.get', { id: rounds[1].id });
    const staged = await c.api<RolloutDetail>('rollouts.get', { id: promoted.rollouts[promoted.rollouts.length - 1].id });
    if (['planned', 'running'].includes(staged.status)) await c.api('rollouts.abort', { id: staged.id });
    await rolledOut(staged.id);
    const now = await c.api<RolloutDetail>('rollouts.create', { modelId: rounds[1].candidateModelId!, selector: 'tag:sensors', stages: [100], soakMs: 0, concurrency: 3, start: true });
    expect((await rolledOut(now.id)).status).toBe('completed');
    await page.getByTestId('nav-federated').click();
    await page.getByTestId('fl-new').click();
    await c.pickOption('fl-model', /^sensor-autoencoder v3/);
    await page.getByTestId('fl-selector').fill('tag:sensors');
    await page.getByTestId('fl-minClients').fill('3');
    await page.getByTestId('fl-selectCount').fill('3');
    // DP together with SecAgg+: each device clips its own update.
    await page.getByTestId('fl-secure').check();
    await page.getByTestId('fl-dp').check();
    await page.getByTestId('fl-dp-noiseMultiplier').fill('1');
    await page.getByTestId('fl-dp-clipNorm').fill('1');
    await page.getByTestId('fl-dp-delta').fill('0.00001');
    await page.getByTestId('fl-dp-maxEpsilon').fill('10');
    await c.shot('federated-new-round-dp');
    await page.getByTestId('fl-start').click();
    await page.getByTestId('page-fl-round').waitFor();
    await expect.poll(() => page.getByTestId('fl-phase').first().getAttribute('data-phase'), { timeout: 120_000 }).toMatch(/^(registered|rejected)$/);
    // One round at z = 1, δ = 1e-5: ε = 0.5 + sqrt(2·ln 1e5) = 5.30, of a budget of 10.
    await expect.poll(() => page.getByTestId('fl-privacy').textContent(), { timeout: 10_000 }).toMatch(/ε 5\.30 \(total 5\.30 of 10\).*the console saw only the sum.*differential privacy at δ 0\.00001.*% of updates clipped to 1/);
    const hash = new URL(page.url()).hash;
    const dpId = decodeURIComponent(hash.split('/')[2]);
    const dpRound = await c.api<FlRound>('fl.get', { id: dpId });
    expect(dpRound).toMatchObject({ secure: true, privacy: { noised: true } });
    expect(dpRound.devices.filter((d) => d.status === 'evaluated').every((d) => typeof d.updateClipped === 'boolean')).toBe(true);
    // The round list says what each round spent.
    await page.getByTestId('nav-federated').click();
    await expect.poll(() => page.locator('.fl-round-row').count(), { timeout: 30_000 }).toBe(3);
    const dpRow = page.locator(`.fl-round-row[data-id="${dpId}"]`);
    await expect.poll(() => dpRow.textContent(), { timeout: 10_000 }).toMatch(/ε 5\.30 \(lineage 5\.30\)/);
    expect(await dpRow.getByTestId('fl-round-counts').textContent()).toBe('3 · 3 · 0');
    await tallShot('federated-rounds-privacy');
    await page.goto(`${c.url}${hash}`);
    const secure = await settled((await c.api<FlRound>('fl.start', { ...roundInput, modelId: rounds[1].candidateModelId!, minClients: 2, secure: true })).id);
    expect(secure.phase, secure.reason ?? '').toMatch(/^(registered|rejected)$/);
    await page.goto(`${c.url}${hash.replace(/[^/]+$/, encodeURIComponent(secure.id))}`);
    await expect.poll(() => page.getByTestId('fl-secagg-stage').count(), { timeout: 30_000 }).toBe(4);
    expect(await page.locator('[data-testid="fl-secagg-stage"][data-stage="unmask"]').textContent()).toMatch(/^unmask3300\d$/);
    await tallShot('federated-round-secure');
    expect(c.pageErrors).toEqual([]);
  }, 300_000);
});
