// Drift end to end: a real agent serves the sample model; inputs from its evaluation set pass the
// input-drift gate, the same images made brighter fail it and halt the rollout. The console keeps only
// the device's sketch windows (t-digests, class counts), and no raw input ever reaches it.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceDrift, RolloutDetail } from '../../electron/core/api/types.js';
import { createCore, type Core } from '../../electron/core/core.js';
import { AgentClient } from '../../electron/core/devices/https/agent-client.js';
import { referencePath } from '../../electron/core/drift/reference-store.js';
import { artifactPath } from '../../electron/core/registry/artifact-store.js';
import { DeviceStore } from '../../electron/core/registry/device-store.js';
import { readNpy } from '../../electron/core/util/npy.js';
import { inferRaw, repoRoot, sampleModel, sampleModelPath, startAgent, type AgentProcess } from '../helpers/agent-process.js';

const home = mkdtempSync(join(tmpdir(), 'ef-drift-gate-'));
let agent: AgentProcess;
let core: Core;
let evalImages: Float32Array[] = [];
const gates = [{ kind: 'input-drift' as const, max: 0.25, minDevices: 1 }];

function unwrap<T>(env: Awaited<ReturnType<Core['call']>>): T {
  if (!env.ok) throw new Error(`${env.error.code}: ${env.error.title}: ${env.error.detail}`);
  return env.result as T;
}

/** A loadable copy of the sample with its own bytes (an extra doc_string), registered beside the sample's data. */
function register(tag: string): { id: string; sha256: string } {
  const text = Buffer.from(`drift test ${tag}`);
  const bytes = Buffer.concat([sampleModel, Buffer.from([0x32, text.length]), text]);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const file = artifactPath(home, sha256);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(join(home, `${tag}.onnx`), bytes);
  copyFileSync(join(home, `${tag}.onnx`), file);
  // The source file names the sample's folder, where eval_inputs.npy lies: the reference comes from it.
  const { model } = core.registry.addModel({ name: `digits-${tag}`, sha256, sizeBytes: bytes.byteLength, sourceFile: sampleModelPath, inspect: null });
  return { id: model.id, sha256 };
}

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every evaluation image through the device's local endpoint, optionally brighter (+0.1 of full scale, in the model's normalized units). */
async function feed(shift: number): Promise<void> {
  for (const img of evalImages) {
    const data = shift ? img.map((v) => v + shift) : img;
    const r = await inferRaw(agent.servePort, { inputs: { input: { dims: [1, 3, 32, 32], data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64') } } });
    expect(r.status).toBe(200);
  }
}

/** Starts a rollout of one model with the drift gate, feeds the device once it serves the model on trial, and waits for the verdict. */
async function rollOut(model: { id: string; sha256: string }, shift: number) {
  const created = unwrap<RolloutDetail>(await core.call('rollouts.create', { modelId: model.id, selector: 'tag:drift', stages: [100], soakMs: 20_000, concurrency: 1, gates, policy: 'halt' }));
  core.rollouts.drive(created.id);
  await until('the device on trial', () => core.rollouts.detail(created.id).stages[0].phase === 'soaking');
  await feed(shift);
  const final = await core.rollouts.waitFor(created.id, { drive: true });
  return { final, detail: core.rollouts.detail(created.id) };
}

beforeAll(async () => {
  const npy = await readNpy(join(repoRoot, 'resources/models/mobilenetv2-digits/eval_inputs.npy'));
  const per = 3 * 32 * 32;
  const all = Float32Array.from(npy.data as Float32Array);
  evalImages = Array.from({ length: all.length / per }, (_, i) => all.slice(i * per, (i + 1) * per));
  agent = await startAgent({ name: 'drift-device', args: ['--telemetry-interval', '1'], env: { EDGEFLEET_AGENT_DRIFT_WINDOW_SEC: '2' } });
  core = createCore({ home, mode: 'cli' });
  unwrap(await core.call('devices.pair', { address: `127.0.0.1:${agent.port}`, code: agent.pairingCode! }));
  unwrap(await core.call('devices.update', { id: agent.deviceId, tags: ['drift'] }));
}, 60_000);

afterAll(async () => {
  await core?.close();
  await agent?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('input-drift gate against a real agent', () => {
  it('passes on inputs like the evaluation data and halts the rollout on brighter inputs; the console holds only sketches', async () => {
    expect(evalImages.length).toBeGreaterThanOrEqual(300);
    const good = register('a');
    const pass = await rollOut(good, 0);
    const passGate = pass.detail.stages[0].gateResults?.find((g) => g.kind === 'input-drift');
    expect(passGate, JSON.stringify(pass.detail.stages[0].gateResults)).toMatchObject({ status: 'pass', devices: 1 });
    expect(passGate!.value!).toBeLessThan(0.1);
    expect(pass.final.status).toBe('completed');
    // The reference was made from the sample's evaluation data and kept next to the model.
    expect(existsSync(referencePath(home, good.sha256))).toBe(true);

    const next = register('b');
    const fail = await rollOut(next, 0.1 / 0.25);
    const failGate = fail.detail.stages[0].gateResults?.find((g) => g.kind === 'input-drift');
    expect(failGate, JSON.stringify(fail.detail.stages[0].gateResults)).toMatchObject({ status: 'fail', devices: 1 });
    expect(failGate!.value!).toBeGreaterThan(0.25);
    expect(fail.final.status).toBe('halted');
    expect(fail.detail.reason).toMatch(/Input drift: PSI [0-9.]+ over 1 device, above the limit of PSI 0.25/);

    // The device page's view: the model it serves now, window by window and merged, at the act level.
    const view = unwrap<DeviceDrift>(await core.call('devices.drift', { id: agent.deviceId, hours: 1 }));
    expect(view.model?.sha256).toBe(next.sha256);
    expect(view.points.length).toBeGreaterThan(0);
    expect(Math.max(...view.points.map((p) => p.inputPsi ?? 0))).toBeGreaterThan(0.25);
    expect(view.merged?.enough).toBe(true);
    expect(view.merged?.features.find((f) => f.key === 'input.mean')).toMatchObject({ level: 'act' });
    expect(await core.call('devices.drift', { id: agent.deviceId, hours: 0 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    // The Fleet grid's column: judged off the ingest path, the same level, in the device's summary.
    const store = new DeviceStore(core.registry.db);
    await until('the drift column', () => store.get(agent.deviceId)?.drift?.model === next.sha256);
    expect(store.get(agent.deviceId)?.drift).toMatchObject({ level: 'act', model: next.sha256 });
    expect(store.get(agent.deviceId)!.drift!.psi).toBeGreaterThan(0.25);
    // A model serving data unlike its validation data is a warning: it answers, but its accuracy is unknown.
    expect(store.get(agent.deviceId)?.health).toBe('warning');

    // What the console received: sketch windows only, small, with per-sample statistics, no tensors.
    const windows = core.devices.drift.windows(agent.deviceId);
    expect(windows.map((w) => w.model)).toEqual(expect.arrayContaining([good.sha256, next.sha256]));
    expect(windows.reduce((s, w) => s + w.samples, 0)).toBe(2 * evalImages.length);
    for (const w of windows) {
      const sketch = w.sketch as { stats: Record<string, Record<string, unknown>> };
      expect(Object.keys(sketch.stats).sort()).toEqual(['input.mean', 'input.std', 'logits.class', 'logits.top1']);
      for (const s of Object.values(sketch.stats)) expect(Object.keys(s).every((k) => ['group', 'kind', 'digest', 'hist', 'counts'].includes(k))).toBe(true);
      expect(JSON.stringify(w.sketch).length).toBeLessThan(20_000);
    }
    // And the device's own telemetry answer (what any console reads) carries nothing longer than a sketch.
    const creds = new DeviceStore(core.registry.db).credentials(agent.deviceId)!;
    const client = new AgentClient({ host: '127.0.0.1', port: agent.port, fingerprint: creds.fingerprint, token: creds.token });
    try {
      const t = await client.call('telemetry', { limit: 10_000 });
      const text = JSON.stringify(t);
      const longest = Math.max(0, ...[...text.matchAll(/\[[^[\]]*\]/g)].map((m) => m[0].split(',').length));
      expect(longest).toBeLessThan(3 * 32 * 32);
    } finally {
      client.close();
    }
  }, 180_000);
});
