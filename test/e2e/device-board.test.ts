// The device page of a real agent on this x86 machine running a real FP16 variant: the Board card (CPU,
// instruction features with their words, OS, onnxruntime), the warning beside the active model, and the
// same warning in the deploy dialog once the model is chosen; and an older agent (a real one over serial,
// behind a proxy that leaves the board out of its info) whose page says so. Screenshots go to test-output/e2e.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceSummary, Job, ModelSummary } from '../../electron/core/api/types.js';
import { sampleModelPath, startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { shotsDir, startE2eConsole, type E2eConsole } from '../helpers/e2e-console.js';
import { startFaultyDevice, type FaultyDevice } from '../helpers/faulty-serial-device.js';

let c: E2eConsole;
let page: Page;
let agent: AgentProcess;
let older: FaultyDevice;

async function api<R>(channel: string, input: unknown = {}): Promise<R> {
  const token = new URL(c.url).searchParams.get('token');
  const res = await fetch(new URL(`/api/${channel}`, c.url), { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(input) });
  const env = (await res.json()) as { ok: true; result: R } | { ok: false; error: { title: string; detail: string } };
  if (!env.ok) throw new Error(`${channel}: ${env.error.title}: ${env.error.detail}`);
  return env.result;
}

async function finished(job: Job): Promise<Job> {
  for (;;) {
    const j = await api<Job>('jobs.get', { id: job.id });
    if (j.state === 'succeeded') return j;
    if (j.state === 'failed' || j.state === 'cancelled') throw new Error(`${j.title}: ${j.error?.title}: ${j.error?.detail}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The whole page: the shell scrolls inside the window, so the window is made taller for the shot. */
async function tallShot(name: string): Promise<void> {
  await page.setViewportSize({ width: 1440, height: 1500 });
  await page.waitForTimeout(300);
  await c.shot(name);
  await page.setViewportSize({ width: 1440, height: 900 });
}

let fp16: ModelSummary;

beforeAll(async () => {
  agent = await startAgent({ name: 'bench-x86' });
  // What an agent from before board info answers: the same info without `board`.
  older = await startFaultyDevice({
    answer: (op, kind, json) => (op === 'info' && kind === 'response' ? { kind, json: { ...(json as object), board: undefined } } : { kind, json }),
  });
  c = await startE2eConsole({ env: { EDGEFLEET_SERIAL_PORTS: older.path } });
  page = c.page;
  await api<DeviceSummary>('devices.pair', { address: `127.0.0.1:${agent.port}`, code: agent.pairingCode });
  const imported = await finished(await api<Job>('models.import', { path: sampleModelPath }));
  const { modelId } = imported.result as { modelId: string };
  const made = await finished(await api<Job>('optimize.run', { modelId, recipe: { mode: 'fp16' } }));
  fp16 = (await api<ModelSummary[]>('models.list')).find((m) => m.id === (made.result as { variantId: string }).variantId)!;
  await finished(await api<Job>('devices.deploy', { modelId: fp16.id, deviceIds: [agent.deviceId], confirm: true, maxLatencyMs: 5000 }));
}, 180_000);

afterAll(async () => {
  await c?.close();
  await agent?.stop();
  await older?.stop();
});

describe('the Board card and the fit warnings', () => {
  it('shows the board and warns beside the active FP16 model', async () => {
    await page.goto(`${c.url.split('#')[0]}#/devices/${encodeURIComponent(agent.deviceId)}`);
    const card = page.getByTestId('device-board');
    await card.waitFor();
    expect((await card.getByTestId('board-cpu').textContent())?.length).toBeGreaterThan(0);
    expect(await card.getByTestId('board-cores').textContent()).toMatch(/^\d+ cores? · [\d.]+ (GB|MB|GiB|MiB)/);
    expect(await card.getByTestId('board-runtime').textContent()).toContain('1.30.0');
    expect(await card.getByTestId('board-provider').allTextContents()).toContain('cpu');
    expect(await card.getByTestId('board-os').textContent()).toContain('Linux');
    // This machine's VNNI (or AVX2 where there is none) shows with its words.
    const features = await card.getByTestId('board-feature').evaluateAll((els) => els.map((e) => e.getAttribute('data-feature')));
    expect(features).toContain('avx2');
    if (features.includes('avx512_vnni')) expect(await card.locator('[data-feature="avx512_vnni"]').textContent()).toBe('avx512_vnni · VNNI int8');
    const fit = page.getByTestId('active-model-fit');
    await fit.waitFor();
    expect(await fit.textContent()).toContain(`${fp16.name} ${fp16.version} is FP16.`);
    expect(await fit.getByTestId('fit-warning').getAttribute('data-code')).toBe('FP16_EMULATED');
    expect(await fit.getByTestId('fit-warning-title').textContent()).toBe('FP16 runs slower than float32 on this board');
    await tallShot('device-board');
    expect(c.pageErrors).toEqual([]);
  });

  it('warns in the deploy dialog once the FP16 model is chosen, and not for the float model', async () => {
    await page.getByTestId('slot-deploy').click();
    const dialog = page.getByTestId('deploy-dialog');
    await dialog.waitFor();
    await c.pickOption('deploy-model', new RegExp(`^${fp16.name} v${fp16.version}`));
    const fit = dialog.getByTestId('deploy-fit');
    await fit.waitFor();
    expect(await fit.getByTestId('fit-warning').getAttribute('data-code')).toBe('FP16_EMULATED');
    expect(await fit.textContent()).toContain('bench-x86');
    // Past the dialog's fade-in.
    await page.waitForTimeout(500);
    await c.shot('deploy-dialog-fit');
    await c.pickOption('deploy-model', /^mobilenetv2-digits v1/);
    await expect.poll(() => dialog.getByTestId('deploy-fit').count()).toBe(0);
    expect(c.pageErrors).toEqual([]);
  });

  it('says so for a device that does not report its board, with the cores and memory it does report', async () => {
    const device = await api<DeviceSummary>('serial.add', { path: older.path, baud: 115200, code: older.code });
    await page.goto(`${c.url.split('#')[0]}#/devices/${encodeURIComponent(device.id)}`);
    const card = page.getByTestId('device-board');
    await card.waitFor();
    expect(await card.getByTestId('board-not-reported').textContent()).toBe('CPU features, OS and runtime: not reported by this device.');
    expect(await card.getByTestId('board-cores').textContent()).toMatch(/^\d+ cores? · /);
    expect(await card.getByTestId('board-cpu').count()).toBe(0);
    await card.screenshot({ path: join(shotsDir, 'device-board-not-reported.png') });
    expect(c.pageErrors).toEqual([]);
  });
});
