// The comparison on devices against a real agent: optimize.timeOnDevices times the float model and its
// static INT8 variant there (staged, never activated) and stores the profiles; optimize.targets shows
// them side by side with the ratio to float on that device and the per-layer float vs INT8 times;
// `edgefleet targets` does the same from the CLI.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelSummary, OptimizeTargets, TimeOnDevicesResult } from '../../electron/core/api/types.js';
import type { Core } from '../../electron/core/core.js';
import { repoRoot, type AgentProcess } from '../helpers/agent-process.js';
import { pairedWithSampleModel, staticRecipe as recipe, type DeviceOptimizeFixture } from '../helpers/device-optimize.js';

let fx: DeviceOptimizeFixture;
let agent: AgentProcess;
let core: Core;
let floatModel: ModelSummary;
let variantId: string;
const call = <R>(channel: string, input: unknown) => fx.call<R>(channel, input);
const runJob = (channel: string, input: unknown) => fx.runJob(channel, input);

beforeAll(async () => {
  fx = await pairedWithSampleModel({ name: 'cmp-device' });
  ({ agent, core, floatModel } = fx);
  // Quantized once, on this workstation.
  const made = await runJob('optimize.run', { modelId: floatModel.id, recipe });
  variantId = (made.result as { variantId: string }).variantId;
}, 180_000);

afterAll(async () => {
  await fx?.close();
});

describe('optimize.timeOnDevices and optimize.targets', () => {
  it('bad input is refused before any work: nothing started, nothing stored', async () => {
    const jobs = core.jobs.list().length;
    const unknown = await core.call('optimize.timeOnDevices', { modelId: floatModel.id, deviceIds: [agent.deviceId, 'no-such-device'] });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'DEVICE_NOT_FOUND', detail: expect.stringContaining('no-such-device') } });
    const many = await core.call('optimize.timeOnDevices', { modelId: floatModel.id, deviceIds: Array.from({ length: 9 }, (_, i) => `d${i}`) });
    expect(many).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', detail: expect.stringContaining('at most 8 devices') } });
    const none = await core.call('optimize.timeOnDevices', { modelId: floatModel.id, deviceIds: [] });
    expect(none).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(core.jobs.list()).toHaveLength(jobs);
    expect(core.registry.listProfiles()).toEqual([]);
    const empty = await call<OptimizeTargets>('optimize.targets', { modelId: floatModel.id });
    expect(empty.devices).toEqual([]);
    expect(empty.variants.map((v) => v.devices)).toEqual([[], []]);
    expect(empty.layers).toBeNull();
  });

  it('times parent and variant on the device, stores the profiles, and compares them there', async () => {
    const done = await runJob('optimize.timeOnDevices', { modelId: floatModel.id, deviceIds: [agent.deviceId] });
    const r = done.result as TimeOnDevicesResult;
    expect(r.failures).toEqual([]);
    expect(r.timed.map((t) => t.modelId).sort()).toEqual([floatModel.id, variantId].sort());
    // Stored as device profiles of each model, keyed by model and device.
    for (const id of [floatModel.id, variantId]) {
      const [p] = core.registry.listProfiles(id);
      expect(p).toMatchObject({ modelId: id, device: { id: agent.deviceId, name: 'cmp-device' } });
    }

    const t = await call<OptimizeTargets>('optimize.targets', { modelId: floatModel.id });
    expect(t.devices).toEqual([{ deviceId: agent.deviceId, deviceName: 'cmp-device', cpu: expect.any(String), cpuFeatures: expect.any(String) }]);
    const [parent, variant] = t.variants;
    expect(parent).toMatchObject({ modelId: floatModel.id, kind: 'float', agreement: null, sizeBytes: floatModel.sizeBytes });
    expect(variant).toMatchObject({ modelId: variantId, kind: 'int8-static' });
    expect(variant.agreement).toBeGreaterThan(0.5);
    expect(variant.sizeBytes).toBeLessThan(parent.sizeBytes);
    expect(parent.workstationP50Ms).toBeGreaterThan(0);
    expect(variant.workstationP50Ms).toBeGreaterThan(0);
    const pd = parent.devices[0];
    const vd = variant.devices[0];
    expect(pd).toMatchObject({ deviceId: agent.deviceId, ratio: 1 });
    expect(pd.p50Ms).toBeGreaterThan(0);
    expect(pd.p95Ms).toBeGreaterThanOrEqual(pd.p50Ms);
    expect(vd.p50Ms).toBeGreaterThan(0);
    // The ratio is to the float parent on the same device.
    expect(vd.ratio).toBeCloseTo(vd.p50Ms / pd.p50Ms, 10);

    // Per-layer: the quantized layers' float and INT8 times on the device, and whether INT8 pays off there.
    expect(t.layers?.variantId).toBe(variantId);
    expect(t.layers!.rows.length).toBeGreaterThan(5);
    for (const row of t.layers!.rows) {
      expect(row.perDevice).toHaveLength(1);
      expect(row.perDevice[0].floatMs).toBeGreaterThan(0);
      expect(row.perDevice[0].int8Ms).toBeGreaterThan(0);
    }
    const [verdict] = t.layers!.verdicts;
    expect(verdict).toMatchObject({ deviceId: agent.deviceId, layers: t.layers!.rows.length });
    expect(verdict.paysOff).toBe(verdict.int8Ms < verdict.floatMs * 0.95);

    // Nothing was activated: the device still runs no model.
    const link = core.devices.link(agent.deviceId);
    try {
      expect((await link.call('status')).active).toBeNull();
    } finally {
      await link.close();
    }
  }, 180_000);

  it('a variant of another family is refused for the per-layer view', async () => {
    const env = await core.call('optimize.targets', { modelId: floatModel.id, variantId: floatModel.id });
    expect(env).toMatchObject({ ok: false, error: { code: 'NOT_A_VARIANT' } });
  });

  it('`edgefleet targets MODEL --device ID` times the family there and prints it; bad input exits 2 before any work', async () => {
    const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(repoRoot, 'scripts/edgefleet.js'), 'targets', ...args, '--home', fx.home], { encoding: 'utf8', timeout: 240_000 });
    const before = core.registry.listProfiles(variantId).length;
    const r = cli(floatModel.id, '--device', agent.deviceId);
    expect(r.status, r.stderr).toBe(0);
    expect(core.registry.listProfiles(variantId).length).toBe(before + 1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^Devices: cmp-device \(.+; INT8 features: .+\)$/);
    const variant = core.registry.requireModel(variantId);
    const at = lines.findIndex((l) => l.startsWith(`${variant.name} v${variant.version}  int8-static`));
    expect(at, r.stdout).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(/^ {2}on cmp-device: p50 [\d.]+ ms \([\d.]+× float\)$/);
    expect(r.stdout).toMatch(/\n {2}cmp-device: INT8 (pays off|does not pay off): [\d.]+ ms against [\d.]+ ms float over \d+ layers\n/);

    const j = cli(floatModel.id, '--json');
    expect(j.status, j.stderr).toBe(0);
    const t = JSON.parse(j.stdout) as OptimizeTargets & { failures: unknown[] };
    expect(t).toMatchObject({ parentId: floatModel.id, failures: [], devices: [{ deviceId: agent.deviceId }] });

    const profiles = core.registry.listProfiles().length;
    for (const [args, why] of [
      [[floatModel.id, '--energy', '5'], /--energy needs --device/],
      [[floatModel.id, '--device', 'no-such-device'], /No device with id no-such-device/],
      [['no-such-model'], /no-such-model/],
    ] as [string[], RegExp][]) {
      const bad = cli(...args);
      expect(bad.status, bad.stderr).toBe(2);
      expect(bad.stderr).toMatch(why);
    }
    expect(core.registry.listProfiles().length).toBe(profiles);
  }, 300_000);
});
