// Desired state over a real Mosquitto: the console's record in its database, published retained and
// signed; real agents that read it at every connect, pull the model over HTTP from the console's
// artifact server and confirm it themselves; each version applied once, also across restarts; a
// forged document changes nothing; a rollout leaves its outcome as each device's desired state.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesiredStateView, DeviceSummary, RolloutDetail } from '../../electron/core/api/types.js';
import { startArtifactServer, type ArtifactRequestLog, type ArtifactServer } from '../../electron/core/artifacts/artifact-server.js';
import { createCore, type Core } from '../../electron/core/core.js';
import { DeviceContext } from '../../electron/core/devices/device-context.js';
import { writeArtifactBaseUrl } from '../../electron/core/devices/mqtt/artifacts-url.js';
import { MqttEventIngest } from '../../electron/core/devices/mqtt/mqtt-event-ingest.js';
import { DeviceStore } from '../../electron/core/registry/device-store.js';
import { signManifest } from '../../resources/device-protocol/messages.js';
import { desiredVersion, signDesiredState } from '../../resources/device-protocol/mqtt/desired-state.js';
import { deviceTopics } from '../../resources/device-protocol/mqtt/topics.js';
import { infer, startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { registerBrokenModel } from '../helpers/broken-model.js';
import { startBroker, type Broker } from '../helpers/mosquitto.js';
import { register, unwrap, until, variant } from '../helpers/recovery-fixture.js';

const home = mkdtempSync(join(tmpdir(), 'ef-desired-'));
let broker: Broker;
let core: Core;
let server: ArtifactServer;
let ingest: MqttEventIngest;
const fetched: ArtifactRequestLog[] = [];
const agents: AgentProcess[] = [];

const mqttArgs = () => ['--mqtt', broker.url, '--telemetry-interval', '1'];

async function view(id: string): Promise<DesiredStateView> {
  return unwrap<DesiredStateView>(await core.call('mqtt.desired', { id }));
}

/** Stops agent i and starts it again on its data folder. */
async function restart(i: number): Promise<AgentProcess> {
  await agents[i].stop();
  agents[i] = await startAgent({ dataDir: agents[i].dataDir, name: `desired-${i}`, args: mqttArgs() });
  return agents[i];
}

beforeAll(async () => {
  broker = await startBroker();
  for (let i = 0; i < 2; i++) agents.push(await startAgent({ name: `desired-${i}`, args: mqttArgs() }));
  core = createCore({ home, mode: 'cli' });
  for (const a of agents) unwrap<DeviceSummary>(await core.call('mqtt.add', { broker: broker.url, deviceId: a.deviceId, code: a.pairingCode! }));
  server = await startArtifactServer({ home, onRequest: (r) => fetched.push(r) });
  await writeArtifactBaseUrl(home, server.url);
  ingest = new MqttEventIngest(new DeviceContext(core.home, core.registry, core.bus), () => undefined);
}, 120_000);

afterAll(async () => {
  if (process.env.EF_DEBUG) for (const a of agents) console.log(a.output(), JSON.stringify(fetched));
  ingest?.close();
  await core?.close();
  await Promise.all(agents.map((a) => a.stop()));
  await server?.close();
  await broker?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('desired state over MQTT', () => {
  it('a device that was offline when its desired model was set pulls it when it connects, and confirms it itself', async () => {
    const a = agents[0];
    await a.stop();
    const v1 = register(core, 'desired-1', variant('desired-1'));
    const set = unwrap<DesiredStateView>(await core.call('mqtt.setDesired', { id: a.deviceId, modelId: v1.id, healthyWindowSec: 2 }));
    expect(set).toMatchObject({ version: 1, published: true, model: { sha256: v1.sha256 }, url: `${server.url}/sha256/${v1.sha256}`, converged: false });

    agents[0] = await startAgent({ dataDir: a.dataDir, name: 'desired-0', args: mqttArgs() });
    await until('the model serving', async () => (await infer(agents[0].servePort)).body.model, (m) => (m as { sha256?: string } | undefined)?.sha256 === v1.sha256, 60_000, 250);
    const v = await until('the device reporting it', () => view(a.deviceId), (x) => x.converged, 30_000, 200);
    expect(v.reported).toMatchObject({ version: 1, outcome: 'trial' });
    // The bytes came from the artifact server, not over the broker.
    expect(fetched.some((r) => r.method === 'GET' && r.path === `/sha256/${v1.sha256}` && r.status < 300)).toBe(true);
    // Confirmed by the device itself after its healthy window.
    await until('the trial confirmed', () => new DeviceStore(core.registry.db).get(a.deviceId)?.slotState, (s) => s === 'confirmed', 30_000, 250);
  }, 120_000);

  it('a version is applied once: a model that reverted is not tried again after a restart', async () => {
    const a = agents[0];
    const before = (await infer(a.servePort)).body.model;
    const broken = registerBrokenModel(home, 'desired-broken');
    const set = unwrap<DesiredStateView>(await core.call('mqtt.setDesired', { id: a.deviceId, modelId: broken, healthyWindowSec: 2 }));
    expect(set.version).toBe(2);
    const v = await until('the device reporting the revert', () => view(a.deviceId), (x) => x.reported?.version === 2, 60_000, 200);
    expect(v.reported?.outcome).toBe('reverted');
    expect((await infer(a.servePort)).body.model).toEqual(before);

    const again = await restart(0);
    await until('the restarted device online with its report', () => view(a.deviceId), (x) => x.reported?.version === 2, 30_000, 200);
    // Give the retained document time to arrive and be looked at.
    await until('the desired state read after the restart', () => again.output(), (o) => /MQTT: connected/.test(o), 20_000, 100);
    await new Promise((r) => setTimeout(r, 1000));
    expect(again.output()).not.toMatch(/Desired state v2: pulling/);
    expect((await infer(again.servePort)).body.model).toEqual(before);
  }, 120_000);

  it('a desired document not signed by the paired console is refused and does not raise the version the device accepts', async () => {
    const b = agents[1];
    const v3 = register(core, 'desired-3', variant('desired-3'));
    const forger = generateKeyPairSync('ed25519');
    const model = core.registry.findBySha256(v3.sha256)!;
    const manifest = { name: model.name, version: '1', sha256: model.sha256, size: model.sizeBytes, created: new Date().toISOString(), release: 10_000 };
    const forged = signDesiredState(forger.privateKey, {
      v: desiredVersion,
      dev: b.deviceId,
      version: 99,
      at: new Date().toISOString(),
      model: { signed: { manifest, signature: signManifest(forger.privateKey, manifest) }, url: `${server.url}/sha256/${v3.sha256}`, activate: { healthyWindowSec: 1 } },
      source: 'forger',
    });
    const c = mqtt.connect(broker.url, { protocolVersion: 5, clientId: `forger-${process.pid}`, reconnectPeriod: 0 });
    try {
      await new Promise<void>((resolve, reject) => (c.once('connect', () => resolve()), c.once('error', reject)));
      const served = fetched.length;
      await c.publishAsync(deviceTopics(b.deviceId).desired, JSON.stringify(forged), { qos: 1, retain: true });
      await until('the agent refusing it', () => b.output(), (o) => /Desired state v99 refused/.test(o), 20_000, 100);
      expect(fetched.length).toBe(served);
    } finally {
      await c.endAsync();
    }
    // The console's own version 1 still applies: the forgery's 99 counted for nothing.
    unwrap(await core.call('mqtt.setDesired', { id: b.deviceId, modelId: v3.id, healthyWindowSec: 2 }));
    await until('the model serving', async () => (await infer(b.servePort)).body.model, (m) => (m as { sha256?: string } | undefined)?.sha256 === v3.sha256, 60_000, 250);
    const v = await until('the device reporting it', () => view(b.deviceId), (x) => x.converged, 30_000, 200);
    expect(v.reported).toMatchObject({ version: 1, outcome: 'trial' });
    await until('the trial confirmed', () => new DeviceStore(core.registry.db).get(b.deviceId)?.slotState, (st) => st === 'confirmed', 30_000, 250);
  }, 120_000);

  it('a rollout leaves the model each device confirmed as its desired state, already in sync', async () => {
    for (const x of agents) unwrap(await core.call('devices.update', { id: x.deviceId, tags: ['desired-fleet'] }));
    const v4 = register(core, 'desired-4', variant('desired-4'));
    const r = unwrap<RolloutDetail>(await core.call('rollouts.create', { modelId: v4.id, selector: 'tag:desired-fleet', stages: [100], soakMs: 200, concurrency: 2, gates: [] }));
    expect((await core.rollouts.waitFor(r.id, { drive: true })).status).toBe('completed');
    expect(core.rollouts.detail(r.id).counts.confirmed).toBe(agents.length);
    for (const x of agents) {
      const v = await until('the device in sync with the rollout', () => view(x.deviceId), (d) => d.model?.sha256 === v4.sha256 && d.converged, 60_000, 200);
      expect(v).toMatchObject({ published: true, source: `rollout ${r.id}`, reported: { outcome: 'in-sync' } });
    }
  }, 120_000);

  it('a device away for a whole rollout fails with a reason; back later it runs none of what was sent meanwhile, and its desired state brings it up to date', async () => {
    const [a, b] = agents;
    await b.stop();
    const v5 = register(core, 'desired-5', variant('desired-5'));
    const r = unwrap<RolloutDetail>(await core.call('rollouts.create', { modelId: v5.id, selector: 'tag:desired-fleet', stages: [100], soakMs: 200, concurrency: 2, gates: [] }));
    expect((await core.rollouts.waitFor(r.id, { drive: true })).status).toBe('completed');
    const rows = core.rollouts.detail(r.id).devices;
    expect(rows.find((d) => d.id === a.deviceId)?.phase).toBe('confirmed');
    const away = rows.find((d) => d.id === b.deviceId);
    expect(away?.phase).toBe('failed');
    expect(away?.error).toMatch(/did not answer|offline/);

    agents[1] = await startAgent({ dataDir: b.dataDir, name: 'desired-1', args: mqttArgs() });
    await until('the device back', () => agents[1].output(), (o) => /MQTT: connected/.test(o), 20_000, 100);
    await new Promise((res) => setTimeout(res, 1500));
    // The expired requests of the rollout ran nowhere: the device still runs what it had.
    expect((await infer(agents[1].servePort)).body.model).not.toMatchObject({ sha256: v5.sha256 });
    unwrap(await core.call('mqtt.setDesired', { id: b.deviceId, modelId: v5.id, healthyWindowSec: 1 }));
    await until('the model serving', async () => (await infer(agents[1].servePort)).body.model, (m) => (m as { sha256?: string } | undefined)?.sha256 === v5.sha256, 60_000, 250);
  }, 180_000);

  it('desired state is refused for a device that is not behind a broker, and for an unknown one', async () => {
    const unknown = await core.call('mqtt.setDesired', { id: 'ef-no-such-device', modelId: null });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error.code).toBe('DEVICE_NOT_FOUND');
  });
});
