// tune --device on a device that really runs INT8 differently (issue 14): a real agent started with
// --graph-optimization disabled serves and profiles with onnxruntime's graph optimizations off, so no
// QDQ pair is fused into an integer kernel and every quantized layer runs as its float kernel with its
// DequantizeLinear/QuantizeLinear around it: slower than float, as on a board without INT8 fast paths.
// The same tune on the workstation (optimizations on, fused kernels) keeps no layer float for speed;
// timed on the device it keeps float the layers the device's own profile shows slower in INT8, says
// so per layer, and records that runtime in the timing source. Compared with a second, ordinary agent,
// the per-layer view shows INT8 paying off on one target and not on the other.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, OptimizeTargets, ProfileResult, TimeOnDevicesResult, VariantMetrics } from '../../electron/core/api/types.js';
import { readGraphNodes } from '../../electron/core/profiling/graph-nodes.js';
import { artifactPath } from '../../electron/core/registry/artifact-store.js';
import { startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { pairedWithSampleModel, staticRecipe, type DeviceOptimizeFixture } from '../helpers/device-optimize.js';

const recipe = { ...staticRecipe, mode: 'tune' as const, maxDrop: 1 };
let fx: DeviceOptimizeFixture;
let ordinary: AgentProcess;

function figure(line: string): void {
  console.log(`FIGURE ${line}`);
}

beforeAll(async () => {
  fx = await pairedWithSampleModel({ name: 'no-int8-fast-path', agentArgs: ['--graph-optimization', 'disabled'], deploy: true });
  ordinary = await startAgent({ name: 'ordinary' });
  await fx.call('devices.pair', { address: `127.0.0.1:${ordinary.port}`, code: ordinary.pairingCode });
}, 120_000);

afterAll(async () => {
  await fx?.close();
  await ordinary?.stop();
});

/** The layers whose weights no DequantizeLinear gives in the written model: the float ones. */
function floatConvs(sha256: string): string[] {
  const nodes = readGraphNodes(readFileSync(artifactPath(fx.home, sha256))).nodes;
  const dq = new Set(nodes.filter((n) => n.opType === 'DequantizeLinear').flatMap((n) => n.outputs));
  return nodes.filter((n) => n.opType === 'Conv' && !dq.has(n.inputs[1])).map((n) => n.name);
}

describe('tune for a device without INT8 fast paths', () => {
  it('the agent profiles at its own level, and says so', async () => {
    const link = fx.core.devices.link(fx.agent.deviceId);
    try {
      const p: ProfileResult = await link.call('profile', { runs: 5, warmup: 1 });
      expect(p.options.graphOptimization).toBe('disabled');
      // Nothing fused: every row covers one node of the float model.
      expect(p.rows.every((r) => r.nodes.length <= 1)).toBe(true);
    } finally {
      await link.close();
    }
  }, 60_000);

  it('keeps float the layers the device runs slower in INT8, where the workstation keeps none', async () => {
    const ws = await fx.runJob('optimize.run', { modelId: fx.floatModel.id, recipe });
    const wsMetrics = (ws.result as { metrics: VariantMetrics }).metrics;
    const wsVariant = fx.core.registry.getModel((ws.result as { variantId: string }).variantId)!;
    expect(wsMetrics.timing?.kind ?? 'workstation').toBe('workstation');
    expect(wsMetrics.tuning!.deviceLayers).toBeUndefined();
    const wsFloat = floatConvs(wsVariant.sha256);

    const versions = fx.core.registry.listModels().length;
    const started = await fx.call<Job>('optimize.run', { modelId: fx.floatModel.id, recipe, deviceId: fx.agent.deviceId });
    const dev = await fx.core.jobs.wait(started.id);
    if (dev.state === 'failed') {
      // Where every quantized layer measured slower in INT8 there (a layer near the 5 µs floor may or may
      // not be), no tuned model is faster on the device: said plainly, with the figures, nothing registered.
      expect(dev.error).toMatchObject({ code: 'TUNE_NO_GAIN_ON_DEVICE', title: 'INT8 does not pay off on no-int8-fast-path' });
      expect(dev.error!.detail).toMatch(/^Every one of the \d+ quantized layers ran slower in INT8 than in float on no-int8-fast-path \(onnxruntime-node \S+, graph optimization disabled; the worst, .+: \d+\.\d{3} ms vs \d+\.\d{3} ms\)/);
      expect(fx.core.registry.listModels()).toHaveLength(versions);
      figure(`workstation tune keeps ${wsFloat.length} Conv float; device tune: ${dev.error!.detail}`);
      return;
    }
    expect(dev.state, JSON.stringify(dev.error)).toBe('succeeded');
    const { metrics, variantId } = dev.result as { metrics: VariantMetrics; variantId: string };
    const variant = fx.core.registry.getModel(variantId)!;
    expect(metrics.timing).toMatchObject({ kind: 'device', deviceId: fx.agent.deviceId, runtime: expect.stringMatching(/^onnxruntime-node \S+, graph optimization disabled$/) });
    // What the device side cost: the float parent and each tuning step were sent and profiled once.
    const cost = metrics.deviceCost!;
    figure(`device tune: ${cost.uploads} uploads, ${(cost.bytesSent / 2 ** 20).toFixed(1)} MiB, ${cost.profiles} profiles, ${(cost.deviceMs / 1000).toFixed(1)} s on the device`);
    expect(cost.profiles).toBe(metrics.tuning!.steps.length + 1);
    expect(cost.uploads).toBeGreaterThanOrEqual(cost.profiles);
    expect(cost.bytesSent).toBeGreaterThan(fx.floatModel.sizeBytes);
    expect(wsMetrics.deviceCost).toBeUndefined();
    const layers = metrics.tuning!.deviceLayers!;
    figure(`workstation tune keeps ${wsFloat.length} Conv float; device tune (graph optimization disabled) finds ${layers.length} quantized layers slower in INT8, keeps ${layers.filter((l) => l.keptFloat).length} float`);
    for (const l of layers.slice(0, 5)) figure(`  ${l.node}: ${l.reason}`);
    expect(layers.length).toBeGreaterThan(0);
    for (const l of layers) {
      expect(l.int8Ms).toBeGreaterThan(l.floatMs);
      expect(l.reason).toMatch(/INT8 slower on no-int8-fast-path \(\d+\.\d{3} ms vs \d+\.\d{3} ms\)/);
    }
    const kept = layers.filter((l) => l.keptFloat).map((l) => l.node);
    expect(kept.length).toBeGreaterThan(0);
    // The written model keeps those layers float, and the layer set differs from the workstation's.
    const devFloat = floatConvs(variant.sha256);
    for (const n of kept.filter((k) => devFloat.includes(k) || wsFloat.includes(k))) expect(devFloat).toContain(n);
    expect(new Set(devFloat)).not.toEqual(new Set(wsFloat));
    expect(devFloat.length).toBeGreaterThan(wsFloat.length);
    // Each kept layer's reason is in the variant's float-node list (what the Optimize page shows).
    const reasons = new Map((metrics.floatNodes ?? []).map((n) => [n.name, n.reason]));
    for (const n of kept) expect(reasons.get(n)).toMatch(/^kept float: INT8 slower on no-int8-fast-path/);
  }, 600_000);

  it('Compare on devices: INT8 costs more against float on the agent without fast paths than on the ordinary one, layer by layer', async () => {
    const made = await fx.runJob('optimize.run', { modelId: fx.floatModel.id, recipe: staticRecipe });
    const variantId = (made.result as { variantId: string }).variantId;
    const timed = await fx.runJob('optimize.timeOnDevices', { modelId: fx.floatModel.id, deviceIds: [fx.agent.deviceId, ordinary.deviceId] });
    expect((timed.result as TimeOnDevicesResult).failures).toEqual([]);
    const t = await fx.call<OptimizeTargets>('optimize.targets', { modelId: fx.floatModel.id, variantId });
    const verdict = (id: string) => t.layers!.verdicts.find((v) => v.deviceId === id)!;
    const slow = verdict(fx.agent.deviceId);
    const fast = verdict(ordinary.deviceId);
    figure(`static INT8 layers, INT8 vs float: ordinary ${(fast.int8Ms / fast.floatMs).toFixed(2)}× (${fast.paysOff ? 'pays off' : 'does not pay off'}), no fast path ${(slow.int8Ms / slow.floatMs).toFixed(2)}× (${slow.paysOff ? 'pays off' : 'does not pay off'})`);
    expect(slow.paysOff).toBe(false);
    expect(slow.int8Ms).toBeGreaterThan(slow.floatMs);
    expect(slow.int8Ms / slow.floatMs).toBeGreaterThan(fast.int8Ms / fast.floatMs);
    // Row by row: most layers cost more in INT8 on the device without fast paths than on the ordinary one, relative to float.
    const worse = t.layers!.rows.filter((r) => {
      const a = r.perDevice.find((p) => p.deviceId === fx.agent.deviceId);
      const b = r.perDevice.find((p) => p.deviceId === ordinary.deviceId);
      return a && b && a.int8Ms / a.floatMs > b.int8Ms / b.floatMs;
    });
    expect(worse.length).toBeGreaterThan(t.layers!.rows.length / 2);
  }, 600_000);
});
