// Target-aware optimization against a real agent: optimize.run with deviceId times the parent and the
// candidate on the device through its profiler (staged uploads, never activated). The variant's
// metrics say where the timing came from; the agent keeps serving its model with the candidate staged.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceDetail, ModelSummary, VariantMetrics } from '../../electron/core/api/types.js';
import type { Core } from '../../electron/core/core.js';
import { nextRelease } from '../../electron/core/devices/release-counter.js';
import { agentBuildArtifactName, describeArtifact, signManifest } from '../../resources/device-protocol/messages.js';
import { infer, sampleModelPath, type AgentProcess } from '../helpers/agent-process.js';
import { pairedWithSampleModel, staticRecipe as recipe, type DeviceOptimizeFixture } from '../helpers/device-optimize.js';
import { edgefleet } from '../helpers/edgefleet-cli.js';

let fx: DeviceOptimizeFixture;
let agent: AgentProcess;
let core: Core;
let floatModel: ModelSummary;
const call = <R>(channel: string, input: unknown) => fx.call<R>(channel, input);
const runJob = (channel: string, input: unknown) => fx.runJob(channel, input);

beforeAll(async () => {
  fx = await pairedWithSampleModel({ name: 'opt-device', deploy: true });
  ({ agent, core, floatModel } = fx);
}, 120_000);

afterAll(async () => {
  await fx?.close();
});

describe('optimize.run with a target device', () => {
  it('times parent and candidate on the device; the candidate stays staged, the device keeps serving its model', async () => {
    const done = await runJob('optimize.run', { modelId: floatModel.id, recipe, deviceId: agent.deviceId });
    const { variantId, metrics } = done.result as { variantId: string; metrics: VariantMetrics };
    const variant = core.registry.getModel(variantId)!;
    const board = (await call<DeviceDetail>('devices.get', { id: agent.deviceId })).board!;

    expect(metrics.timing).toEqual({
      kind: 'device',
      deviceId: agent.deviceId,
      deviceName: 'opt-device',
      cpu: board.cpu,
      cpuFeatures: board.cpuFeatures,
      runtime: expect.stringMatching(/^onnxruntime-node \d/),
      board: board.model,
    });
    expect(metrics.deviceLatency!.p50Ms).toBeGreaterThan(0);
    expect(metrics.deviceLatency!.p95Ms).toBeGreaterThanOrEqual(metrics.deviceLatency!.p50Ms);
    expect(metrics.latencyP50Ms).toBe(metrics.deviceLatency!.p50Ms);
    expect(metrics.latencyRatio).toBeGreaterThan(0);
    const slower = metrics.flags.find((f) => f.code === 'SLOWER_THAN_PARENT');
    if (slower) expect(slower.message).toContain('on device opt-device (');
    // The lineage (stored metrics) keeps where the timing came from.
    expect((variant.metrics as VariantMetrics).timing).toMatchObject({ kind: 'device', deviceId: agent.deviceId });

    const link = core.devices.link(agent.deviceId);
    try {
      const status = await link.call('status');
      expect(status.upload).toMatchObject({ complete: true, manifest: { sha256: variant.sha256, name: `${floatModel.name}-candidate` } });
      expect(status.active!.manifest.sha256).toBe(floatModel.sha256);
      expect(status.state).toBe('running');
      const served = await infer(agent.servePort);
      expect(served.status).toBe(200);
      expect(served.body.model?.version).toBe(String(floatModel.version));

      // The staged candidate profiles with its own sha; another sha is refused and nothing changes.
      const profile = await link.call('profile', { runs: 3, warmup: 1, staged: true, expectStagedSha256: variant.sha256 });
      expect(profile.modelSha256).toBe(variant.sha256);
      await expect(link.call('profile', { runs: 3, staged: true, expectStagedSha256: 'f'.repeat(64) })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
      const after = await link.call('status');
      expect(after.upload?.manifest.sha256).toBe(variant.sha256);
      expect(after.active!.manifest.sha256).toBe(floatModel.sha256);
    } finally {
      await link.close();
    }
  }, 120_000);

  it('tune for the device: every step timed there, the per-layer check run on real profile rows, the result staged', async () => {
    const done = await runJob('optimize.run', { modelId: floatModel.id, recipe: { ...recipe, mode: 'tune', maxDrop: 1 }, deviceId: agent.deviceId });
    const { variantId, metrics } = done.result as { variantId: string; metrics: VariantMetrics };
    const variant = core.registry.getModel(variantId)!;
    expect(metrics.timing).toMatchObject({ kind: 'device', deviceId: agent.deviceId });
    // The check ran (an empty list: no quantized layer was slower in INT8 on this device).
    expect(Array.isArray(metrics.tuning!.deviceLayers)).toBe(true);
    for (const l of metrics.tuning!.deviceLayers!) expect(l.reason).toMatch(/INT8 slower on opt-device \(\d+\.\d{3} ms vs \d+\.\d{3} ms\)/);
    const link = core.devices.link(agent.deviceId);
    try {
      const status = await link.call('status');
      expect(status.upload?.manifest.sha256).toBe(variant.sha256);
      expect(status.active!.manifest.sha256).toBe(floatModel.sha256);
    } finally {
      await link.close();
    }
  }, 120_000);

  it('an unknown device is refused before any work: no job, nothing registered', async () => {
    const models = core.registry.listModels().length;
    const jobs = core.jobs.list().length;
    const env = await core.call('optimize.run', { modelId: floatModel.id, recipe, deviceId: 'no-such-device' });
    expect(env).toMatchObject({ ok: false, error: { code: 'DEVICE_NOT_FOUND', detail: expect.stringContaining('no-such-device') } });
    expect(core.registry.listModels()).toHaveLength(models);
    expect(core.jobs.list()).toHaveLength(jobs);
  });

  it('a device the console knows to be offline is refused before any work', async () => {
    core.devices.store.upsert(agent.deviceId, { state: 'offline' });
    try {
      const jobs = core.jobs.list().length;
      const env = await core.call('optimize.run', { modelId: floatModel.id, recipe, deviceId: agent.deviceId });
      expect(env).toMatchObject({ ok: false, error: { code: 'DEVICE_OFFLINE', title: 'opt-device is offline' } });
      expect(core.jobs.list()).toHaveLength(jobs);
    } finally {
      core.devices.store.upsert(agent.deviceId, { state: 'online' });
    }
  });

  it('profile staged refuses an agent build: it is not a model, and it stays staged untouched', async () => {
    const bytes = new Uint8Array(4096).fill(7);
    const manifest = { ...describeArtifact(bytes, agentBuildArtifactName, '9.9.9'), release: nextRelease(core.registry.db) };
    const key = await core.devices.consoleKey();
    const link = core.devices.link(agent.deviceId);
    try {
      await link.upload(bytes, { manifest, signature: signManifest(key.privateKey, manifest) });
      await expect(link.call('profile', { runs: 2, staged: true })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', message: expect.stringContaining('agent build') });
      const status = await link.call('status');
      expect(status.upload).toMatchObject({ complete: true, manifest: { name: agentBuildArtifactName } });
      expect(status.active!.manifest.sha256).toBe(floatModel.sha256);
    } finally {
      await link.close();
    }
  });

  it('edgefleet quantize --device with an unknown device: exit 2, a clear message, no file, nothing imported', async () => {
    const cliHome = mkdtempSync(path.join(tmpdir(), 'ef-opt-cli-'));
    try {
      const out = path.join(cliHome, 'out.onnx');
      const r = await edgefleet('quantize', sampleModelPath, '-o', out, '--mode', 'dynamic', '--device', 'ef-nope', '--home', cliHome);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('Device not found');
      expect(r.stderr).toContain('ef-nope');
      expect(existsSync(out)).toBe(false);
      const list = await edgefleet('models', 'list', '--json', '--home', cliHome);
      expect(JSON.parse(list.stdout)).toEqual([]);
    } finally {
      rmSync(cliHome, { recursive: true, force: true });
    }
  }, 60_000);
});
