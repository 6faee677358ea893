// Energy per inference on a device, and the energy-ratio rollout gate (issue 14), with a real agent
// reading an emulated RAPL counter (test/helpers/emulated-rapl.ts: the recorded Intel laptop tree,
// its package counter driven by the agent's own CPU time, since no counter exists on this VM). The
// agent measures the new model against the one before it in interleaved blocks with idle before and
// after; the console subtracts idle, takes the ratio's interval and judges the gate: a model that costs
// about four times the energy per inference halts the rollout and is rolled back, one within the limit
// completes. A plain agent (no counter) says plainly that energy is not available, and why.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, OptimizeTargets, RolloutDetail, TargetTiming, TimeOnDevicesResult } from '../../electron/core/api/types.js';
import { createCore, type Core } from '../../electron/core/core.js';
import { energyRatio } from '../../electron/core/rollouts/energy-stats.js';
import { repoRoot, sampleModel, startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { staticRecipe } from '../helpers/device-optimize.js';
import { emulatedRapl, type EmulatedRapl } from '../helpers/emulated-rapl.js';
import { register, unwrap } from '../helpers/recovery-fixture.js';

const home = mkdtempSync(path.join(tmpdir(), 'ef-energy-'));
let core: Core;
let rapl: EmulatedRapl;
let agent: AgentProcess;
let plain: AgentProcess;
const models: Record<string, { id: string; sha256: string }> = {};
// Energy-ratio with short measurements: 4 s of load in 6 pairs, idle 0.5 s before and after.
const energyGate = (max: number) => [{ kind: 'energy-ratio', max, minDevices: 1, seconds: 4 }];

function figure(line: string): void {
  console.log(`FIGURE ${line}`);
}

async function rollOut(modelId: string, gates: unknown[]) {
  const created = unwrap<RolloutDetail>(await core.call('rollouts.create', { modelId, selector: 'tag:energy', stages: [100], soakMs: 0, concurrency: 1, gates, policy: 'rollback' }));
  const final = await core.rollouts.waitFor(created.id, { drive: true });
  return { final, detail: core.rollouts.detail(created.id) };
}

async function onDevice<T>(id: string, fn: (link: ReturnType<Core['devices']['link']>) => Promise<T>): Promise<T> {
  const link = core.devices.link(id, 60_000);
  try {
    return await fn(link);
  } finally {
    await link.close();
  }
}

beforeAll(async () => {
  rapl = emulatedRapl({ idleW: 3, activeW: 12 });
  [agent, plain] = await Promise.all([startAgent({ name: 'rapl-board', env: { EDGEFLEET_AGENT_SYSFS_ROOT: rapl.root } }), startAgent({ name: 'no-counter' })]);
  rapl.attach(agent.proc.pid!);
  core = createCore({ home, mode: 'cli' });
  for (const a of [agent, plain]) unwrap(await core.call('devices.pair', { address: `127.0.0.1:${a.port}`, code: a.pairingCode! }));
  unwrap(await core.call('devices.update', { id: agent.deviceId, tags: ['energy'] }));
  models.base = register(core, 'digits', sampleModel);
  models.heavy = register(core, 'tiny-transformer', new Uint8Array(readFileSync(path.join(repoRoot, 'resources/models/tiny-transformer/model.onnx'))));
  models.medium = register(core, 'resnet-small', new Uint8Array(readFileSync(path.join(repoRoot, 'resources/models/resnet-small/model.onnx'))));
  const first = await rollOut(models.base.id, [{ kind: 'deploy-failure-rate', max: 0, minDevices: 1 }]);
  expect(first.final.status).toBe('completed');
}, 180_000);

afterAll(async () => {
  await core?.close();
  await Promise.all([agent?.stop(), plain?.stop()]);
  rapl?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('energy per inference on the device', () => {
  it('the agent names its source; a board without one says why, never 0 W', async () => {
    const info = await onDevice(agent.deviceId, (l) => l.call('info'));
    expect(info.capabilities).toContain('energy-compare1');
    expect(info.energy).toMatchObject({ available: true, driver: 'powercap', scope: 'package', kind: 'counter', unit: 'µJ' });
    const none = await onDevice(plain.deviceId, (l) => l.call('info'));
    expect(none.energy).toMatchObject({ available: false, reason: expect.stringContaining('/sys/class/powercap') });
    await expect(onDevice(plain.deviceId, (l) => l.call('energy', { candidate: 'active', seconds: 2, idleSec: 0.5 }))).rejects.toMatchObject({ code: 'ENERGY_UNAVAILABLE', message: expect.stringContaining('/sys/class/powercap') });
  });

  it('with no previous model there is nothing to compare against: refused, saying what to do', async () => {
    await expect(onDevice(agent.deviceId, (l) => l.call('energy', { candidate: 'active', seconds: 2, idleSec: 0.5 }))).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      message: expect.stringContaining('no previous model'),
    });
  });

  it('a model costing about four times the energy per inference fails the gate: the rollout is rolled back', async () => {
    const { final, detail } = await rollOut(models.heavy.id, energyGate(1.1));
    const gate = detail.stages[0].gateResults?.find((g) => g.kind === 'energy-ratio');
    figure(`heavy candidate (tiny-transformer vs digits): ${gate?.explanation}`);
    expect(gate, JSON.stringify(detail.stages[0].gateResults)).toMatchObject({ status: 'fail', devices: 1 });
    expect(gate!.value!).toBeGreaterThan(1.5);
    expect(gate!.explanation).toMatch(/^Energy per inference: rapl-board uses [0-9.]+× the parent's \([0-9.]+ % interval [0-9.]+–[0-9.]+\), above the limit of 1\.1×/);
    expect(final.status).toBe('rolled-back');
    const status = await onDevice(agent.deviceId, (l) => l.call('status'));
    expect(status.active?.manifest.sha256).toBe(models.base.sha256);
  }, 180_000);

  it('a model within the limit completes; the measurement carries only totals', async () => {
    const { final, detail } = await rollOut(models.medium.id, energyGate(4));
    const gate = detail.stages[0].gateResults?.find((g) => g.kind === 'energy-ratio');
    figure(`medium candidate (resnet-small vs digits): ${gate?.explanation}`);
    expect(gate, JSON.stringify(detail.stages[0].gateResults)).toMatchObject({ status: 'pass', devices: 1 });
    expect(final.status).toBe('completed');
    // Measured again by hand: the same shape the gate judged, joules per block and nothing else.
    const m = await onDevice(agent.deviceId, (l) => l.call('energy', { candidate: 'active', seconds: 3, pairs: 4, idleSec: 0.5, expectCandidateSha256: models.medium.sha256 }));
    expect(m).toMatchObject({ candidateSha256: models.medium.sha256, baselineSha256: models.base.sha256, source: { driver: 'powercap', name: expect.stringContaining('package') } });
    expect(Object.keys(m.pairs[0].candidate).sort()).toEqual(['durationS', 'energyJ', 'inferences']);
    expect(m.pairs).toHaveLength(4);
    expect(m.idlePowerW).toBeGreaterThan(2.5);
    expect(m.idlePowerW).toBeLessThan(6);
    const r = energyRatio(m.pairs, { idlePowerW: m.idlePowerW });
    figure(`resnet-small vs digits by hand: ${r.candidateJ.toExponential(3)} J vs ${r.parentJ.toExponential(3)} J per inference, ratio ${r.ratio.toFixed(2)} (${r.low?.toFixed(2)}–${r.high?.toFixed(2)}), idle ${m.idlePowerW.toFixed(2)} W`);
    expect(r.ratio).toBeGreaterThan(1);
  }, 180_000);

  it('Compare on devices with energy: each model’s energy per inference on the board with a counter, its ratio to float, and why not on the other', async () => {
    const made = await core.call('optimize.run', { modelId: models.base.id, recipe: staticRecipe });
    const job = await core.jobs.wait(unwrap<Job>(made).id);
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded');
    const variantId = (job.result as { variantId: string }).variantId;
    const timed = unwrap<Job>(await core.call('optimize.timeOnDevices', { modelId: models.base.id, deviceIds: [agent.deviceId, plain.deviceId], energySec: 3 }));
    const done = await core.jobs.wait(timed.id);
    expect((done.result as TimeOnDevicesResult).failures).toEqual([]);
    const t = unwrap<OptimizeTargets>(await core.call('optimize.targets', { modelId: models.base.id }));
    const cell = (modelId: string, deviceId: string) => t.variants.find((v) => v.modelId === modelId)!.devices.find((d) => d.deviceId === deviceId)!;
    const floatHere = cell(models.base.id, agent.deviceId);
    const int8Here = cell(variantId, agent.deviceId);
    expect(floatHere.energy).toMatchObject({ available: true, source: { driver: 'powercap' }, blocks: 4 });
    expect(int8Here.energy).toMatchObject({ available: true });
    expect(floatHere.energyRatio).toBeCloseTo(1, 10);
    expect(int8Here.energyRatio).toBeGreaterThan(0);
    const e = (x: TargetTiming) => (x.energy?.available ? x.energy.joulesPerInference : NaN);
    expect(int8Here.energyRatio!).toBeCloseTo(e(int8Here) / e(floatHere), 10);
    figure(`Compare on devices, rapl-board: float ${(e(floatHere) * 1000).toFixed(3)} mJ, static INT8 ${(e(int8Here) * 1000).toFixed(3)} mJ per inference (${int8Here.energyRatio!.toFixed(2)}× float; latency ${int8Here.ratio?.toFixed(2)}×)`);
    // The stored profile carries it too (the Profiling page shows it).
    expect(core.registry.getProfile(floatHere.profileId)?.energy).toMatchObject({ available: true });
    expect(cell(models.base.id, plain.deviceId).energy).toMatchObject({ available: false, reason: expect.stringContaining('/sys/class/powercap') });
    expect(cell(variantId, plain.deviceId).energyRatio).toBeNull();
  }, 240_000);
});
