// The MQTT binding end to end on a real Mosquitto: agents that connect out to the broker (no port of
// theirs is used by the console), paired by device id and code, deployed to with trial and confirm,
// a bad model reverting by itself, rollback and on-device profiling through the job workers; signed
// requests only, replays answered from the journal (also after a restart), and a broker restart in
// the middle of a deploy.
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceSummary, Job, RolloutDetail } from '../../electron/core/api/types.js';
import { createCore, type Core } from '../../electron/core/core.js';
import { consoleKeyPath } from '../../electron/core/devices/console-key.js';
import type { DeployTaskResult } from '../../electron/core/devices/deploy-task.js';
import { DeviceContext } from '../../electron/core/devices/device-context.js';
import { MqttEventIngest } from '../../electron/core/devices/mqtt/mqtt-event-ingest.js';
import { MqttLink } from '../../electron/core/devices/mqtt/mqtt-link.js';
import { DeviceStore } from '../../electron/core/registry/device-store.js';
import { envelopeVersion, signRequest, type RequestEnvelope, type ResponseEnvelope } from '../../resources/device-protocol/mqtt/envelope.js';
import { deviceTopics } from '../../resources/device-protocol/mqtt/topics.js';
import { infer, postMetrics, startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { registerBrokenModel } from '../helpers/broken-model.js';
import { startBroker, type Broker } from '../helpers/mosquitto.js';
import { register, unwrap, until, variant } from '../helpers/recovery-fixture.js';

const home = mkdtempSync(join(tmpdir(), 'ef-mqtt-'));
let broker: Broker;
let core: Core;
const agents: AgentProcess[] = [];

function mqttArgs(): string[] {
  return ['--mqtt', broker.url, '--telemetry-interval', '1'];
}

async function deploy(modelId: string, deviceIds: string[], extra: Record<string, unknown> = {}): Promise<DeployTaskResult> {
  const job = unwrap<Job>(await core.call('devices.deploy', { modelId, deviceIds, activate: true, confirm: true, maxLatencyMs: 10_000, ...extra }));
  const done = await core.jobs.wait(job.id);
  expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
  return done.result as DeployTaskResult;
}

/** A raw MQTT 5 client: sees what travels on the topics and sends requests a console would not. */
async function rawClient(): Promise<MqttClient> {
  const c = mqtt.connect(broker.url, { protocolVersion: 5, clientId: `test-${Math.random().toString(16).slice(2, 10)}`, reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => {
    c.once('connect', () => resolve());
    c.once('error', reject);
  });
  return c;
}

/** Sends one envelope on a device's request topic and waits for its final answer. */
async function sendRaw(c: MqttClient, deviceId: string, env: RequestEnvelope | Record<string, unknown>): Promise<ResponseEnvelope> {
  const id = String(env.id);
  const answer = new Promise<ResponseEnvelope>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${id}`)), 20_000);
    const onMessage = (_topic: string, payload: Buffer) => {
      const frame = JSON.parse(payload.toString()) as ResponseEnvelope;
      if (frame.id !== id || 'progress' in frame) return;
      clearTimeout(timer);
      c.off('message', onMessage);
      resolve(frame);
    };
    c.on('message', onMessage);
  });
  await c.publishAsync(deviceTopics(deviceId).req, JSON.stringify(env), { qos: 1 });
  return answer;
}

beforeAll(async () => {
  broker = await startBroker();
  for (let i = 0; i < 3; i++) agents.push(await startAgent({ name: `mqtt-${i}`, args: mqttArgs() }));
  core = createCore({ home, mode: 'cli' });
}, 120_000);

afterAll(async () => {
  await core?.close();
  await Promise.all(agents.map((a) => a.stop()));
  await broker?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('devices over MQTT', () => {
  it('pairs each agent by device id and code through the broker; a wrong code is refused', async () => {
    const wrong = await core.call('mqtt.add', { broker: broker.url, deviceId: agents[0].deviceId, code: 'WRONG234' });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.error.title).toMatch(/Pairing refused/);
    for (const a of agents) {
      const d = unwrap<DeviceSummary>(await core.call('mqtt.add', { broker: broker.url, deviceId: a.deviceId, code: a.pairingCode! }));
      expect(d).toMatchObject({ id: a.deviceId, transport: 'mqtt', address: `${broker.url}/${a.deviceId}`, paired: true, name: expect.stringMatching(/^mqtt-/) });
    }
  }, 60_000);

  it('deploys with trial and confirm to every device through the job worker; the model serves', async () => {
    const v1 = register(core, 'digits-mqtt-1', variant('mqtt-1'));
    const result = await deploy(v1.id, agents.map((a) => a.deviceId));
    expect(result.devices.map((d) => [d.deviceId, d.phase, d.error])).toEqual(agents.map((a) => [a.deviceId, 'confirmed', null]));
    for (const a of agents) {
      const r = await infer(a.servePort);
      expect(r.status).toBe(200);
      expect(r.body.model).toMatchObject({ sha256: v1.sha256 });
    }
  }, 120_000);

  it('a model that does not load reverts by itself on the device; the previous one keeps serving', async () => {
    const before = (await infer(agents[0].servePort)).body.model;
    const broken = registerBrokenModel(home, 'broken-mqtt');
    const job = unwrap<Job>(await core.call('devices.deploy', { modelId: broken, deviceIds: [agents[0].deviceId], activate: true, confirm: true }));
    const done = await core.jobs.wait(job.id);
    const row = (done.result as DeployTaskResult | null)?.devices[0];
    expect(row?.phase, JSON.stringify(done)).toBe('reverted');
    expect((await infer(agents[0].servePort)).body.model).toEqual(before);
  }, 60_000);

  it('rolls back and profiles on the device over the binding', async () => {
    const a = agents[1];
    const v2 = register(core, 'digits-mqtt-2', variant('mqtt-2'));
    await deploy(v2.id, [a.deviceId]);
    expect((await infer(a.servePort)).body.model).toMatchObject({ sha256: v2.sha256 });
    const rolled = unwrap<DeviceSummary>(await core.call('devices.rollback', { id: a.deviceId }));
    expect(rolled.activeModel?.name).toBe('digits-mqtt-1');
    expect((await infer(a.servePort)).body.model).toMatchObject({ name: 'digits-mqtt-1' });

    const job = unwrap<Job>(await core.call('devices.profile', { id: a.deviceId, runs: 5 }));
    const done = await core.jobs.wait(job.id);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    const profile = core.registry.getProfile((done.result as { profileId: string }).profileId)!;
    expect(profile.device.id).toBe(a.deviceId);
    expect(profile.modelName).toMatch(/^digits-mqtt-1 v/);
    expect(profile.rows.length).toBeGreaterThan(0);
  }, 120_000);

  it("the console's own activate and confirm name the model they expect", async () => {
    const a = agents[1];
    const c = await rawClient();
    try {
      const seen: RequestEnvelope[] = [];
      await c.subscribeAsync(deviceTopics(a.deviceId).req, { qos: 1 });
      c.on('message', (topic, payload) => {
        if (topic === deviceTopics(a.deviceId).req) seen.push(JSON.parse(payload.toString()) as RequestEnvelope);
      });
      const v6 = register(core, 'digits-mqtt-6', variant('mqtt-6'));
      await deploy(v6.id, [a.deviceId]);
      await until('the requests captured', () => seen.map((e) => e.op), (ops) => ops.includes('activate') && ops.includes('confirm'));
      const req = (op: string) => seen.filter((e) => e.op === op).map((e) => e.req);
      expect(req('activate')).toContainEqual(expect.objectContaining({ expectStagedSha256: v6.sha256 }));
      expect(req('confirm')).toContainEqual({ expectTrialSha256: v6.sha256 });
      expect((await infer(a.servePort)).body.model).toMatchObject({ sha256: v6.sha256 });
    } finally {
      await c.endAsync();
    }
  }, 60_000);

  it('refuses unsigned, foreign-signed, expired, altered and stale requests even though the broker delivers them', async () => {
    const a = agents[2];
    const c = await rawClient();
    try {
      const reply = deviceTopics(a.deviceId).res('test-attacker');
      await c.subscribeAsync(reply, { qos: 1 });
      const base = { v: envelopeVersion, op: 'rollback', dev: a.deviceId, reply, deadline: Date.now() + 60_000, req: {} } as const;
      const unsigned = await sendRaw(c, a.deviceId, { ...base, id: 'unsigned-request-0001' });
      expect(unsigned).toMatchObject({ ok: false, error: { code: 'REQUEST_UNSIGNED' } });
      const stranger = generateKeyPairSync('ed25519').privateKey;
      const foreign = await sendRaw(c, a.deviceId, signRequest(stranger, { ...base, id: 'foreign-request-0001' }));
      expect(foreign).toMatchObject({ ok: false, error: { code: 'REQUEST_SIGNATURE_INVALID' } });
      const key = createPrivateKey(readFileSync(consoleKeyPath(home), 'utf8'));
      const expired = await sendRaw(c, a.deviceId, signRequest(key, { ...base, id: 'expired-request-0001', deadline: Date.now() - 10 * 60_000 }));
      expect(expired).toMatchObject({ ok: false, error: { code: 'REQUEST_EXPIRED' } });
      const good = signRequest(key, { ...base, op: 'status', id: 'altered-request-0001' });
      const altered = await sendRaw(c, a.deviceId, { ...good, op: 'rollback' });
      expect(altered).toMatchObject({ ok: false, error: { code: 'REQUEST_SIGNATURE_INVALID' } });
      const status = await sendRaw(c, a.deviceId, good);
      expect(status).toMatchObject({ ok: true, res: { deviceId: a.deviceId } });
      // Signed and in time, but naming an active model the device does not run: nothing changes.
      const stale = await sendRaw(c, a.deviceId, signRequest(key, { ...base, id: 'stale-rollback-0001', req: { ifActiveSha256: 'ab'.repeat(32) } }));
      expect(stale).toMatchObject({ ok: false, error: { code: 'PRECONDITION_FAILED', detail: expect.stringContaining('digits-mqtt-1') } });
      // The device's model never changed.
      expect((await infer(a.servePort)).body.model).toMatchObject({ name: 'digits-mqtt-1' });
    } finally {
      await c.endAsync();
    }
  }, 60_000);

  it('a captured rollback replayed, before and after the agent restarts, is answered from the journal and runs once', async () => {
    const idx = 2;
    const a = agents[idx];
    const v3 = register(core, 'digits-mqtt-3', variant('mqtt-3'));
    await deploy(v3.id, [a.deviceId]);
    const c = await rawClient();
    try {
      const captured: Buffer[] = [];
      await c.subscribeAsync(deviceTopics(a.deviceId).req, { qos: 1 });
      c.on('message', (topic, payload) => {
        if (topic === deviceTopics(a.deviceId).req && (JSON.parse(payload.toString()) as RequestEnvelope).op === 'rollback') captured.push(payload);
      });
      const rolled = unwrap<DeviceSummary>(await core.call('devices.rollback', { id: a.deviceId }));
      expect(rolled.activeModel?.name).toBe('digits-mqtt-1');
      await until('the rollback request captured', () => captured.length, (n) => n > 0);
      const env = JSON.parse(captured[0].toString()) as RequestEnvelope;

      // A second run would roll back again, to digits-mqtt-3: the replay gets the first answer instead.
      const replayReply = await until('the replayed answer', async () => {
        const sub = await rawClient();
        try {
          await sub.subscribeAsync(env.reply, { qos: 1 });
          return await sendRaw(sub, a.deviceId, env);
        } finally {
          await sub.endAsync();
        }
      }, () => true);
      expect(replayReply).toMatchObject({ ok: true, res: { active: { manifest: { name: 'digits-mqtt-1' } } } });
      expect((await infer(a.servePort)).body.model).toMatchObject({ name: 'digits-mqtt-1' });

      await a.stop();
      agents[idx] = await startAgent({ dataDir: a.dataDir, name: 'mqtt-2', args: mqttArgs() });
      const sub = await rawClient();
      try {
        await sub.subscribeAsync(env.reply, { qos: 1 });
        const afterRestart = await until('an answer after the restart', () => sendRaw(sub, a.deviceId, env), () => true);
        expect(afterRestart).toMatchObject({ ok: true, res: { active: { manifest: { name: 'digits-mqtt-1' } } } });
      } finally {
        await sub.endAsync();
      }
      expect((await infer(agents[idx].servePort)).body.model).toMatchObject({ name: 'digits-mqtt-1' });
    } finally {
      await c.endAsync();
    }
  }, 120_000);

  it('a broker killed and restarted in the middle of a deploy: every device still ends confirmed, deployed once', async () => {
    const v4 = register(core, 'digits-mqtt-4', variant('mqtt-4'));
    const job = unwrap<Job>(await core.call('devices.deploy', { modelId: v4.id, deviceIds: agents.map((a) => a.deviceId), activate: true, confirm: true, maxLatencyMs: 10_000 }));
    await until('upload under way', () => core.jobs.get(job.id), (j) => JSON.stringify(j?.progress ?? '').includes('"upload"'), 60_000, 20);
    await broker.kill9();
    await new Promise((r) => setTimeout(r, 1500));
    await broker.restart();
    const done = await core.jobs.wait(job.id);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    expect((done.result as DeployTaskResult).devices.map((d) => [d.phase, d.error])).toEqual(agents.map(() => ['confirmed', null]));
    for (const a of agents) expect((await infer(a.servePort)).body.model).toMatchObject({ sha256: v4.sha256 });
  }, 180_000);

  it('a staged rollout with health gates completes over the broker, and one with a model that fails halts and rolls back', async () => {
    for (const x of agents) unwrap(await core.call('devices.update', { id: x.deviceId, tags: ['mqtt-fleet'] }));
    const gates = [
      { kind: 'deploy-failure-rate', max: 0, minDevices: 1 },
      { kind: 'restarts', max: 0, minDevices: 1 },
    ];
    const v5 = register(core, 'digits-mqtt-5', variant('mqtt-5'));
    const good = unwrap<RolloutDetail>(await core.call('rollouts.create', { modelId: v5.id, selector: 'tag:mqtt-fleet', stages: [34, 100], soakMs: 1500, concurrency: 2, gates }));
    const final = await core.rollouts.waitFor(good.id, { drive: true });
    expect(final.status).toBe('completed');
    expect(core.rollouts.detail(good.id).counts.confirmed).toBe(agents.length);
    for (const x of agents) expect((await infer(x.servePort)).body.model).toMatchObject({ sha256: v5.sha256 });

    const broken = registerBrokenModel(home, 'broken-mqtt-rollout');
    const bad = unwrap<RolloutDetail>(await core.call('rollouts.create', { modelId: broken, selector: 'tag:mqtt-fleet', stages: [34, 100], soakMs: 500, concurrency: 2, gates, policy: 'rollback' }));
    const halted = await core.rollouts.waitFor(bad.id, { drive: true });
    expect(halted.status).toBe('rolled-back');
    const view = core.rollouts.detail(bad.id);
    // The second stage never started: its devices were not touched.
    expect(view.devices.filter((d) => d.stage === 1).map((d) => d.phase)).toEqual(view.stages[1].deviceIds.map(() => 'pending'));
    for (const x of agents) expect((await infer(x.servePort)).body.model).toMatchObject({ sha256: v5.sha256 });
  }, 180_000);

  it('the console ingests telemetry, status and presence over one connection; a late offline of an old session changes nothing', async () => {
    const ctx = new DeviceContext(core.home, core.registry, core.bus);
    const ingest = new MqttEventIngest(ctx, () => undefined);
    const store = new DeviceStore(core.registry.db);
    try {
      const a = agents[0];
      const firstSeen = store.get(a.deviceId)?.telemetry?.at ?? '';
      await until('telemetry from every device', () => agents.map((x) => store.get(x.deviceId)?.telemetry?.at ?? ''), (ats) => ats.every((at) => at > firstSeen));
      expect(store.get(a.deviceId)).toMatchObject({ transport: 'mqtt', state: 'online' });
      // The application's own metrics ride on the telemetry events, as over HTTPS.
      expect((await postMetrics(a.servePort, [{ name: 'false_alarm', count: 3 }])).status).toBe(200);
      expect((await infer(a.servePort)).status).toBe(200);
      const reported = await until('the application metric over MQTT', () => ctx.appMetrics.byModel(a.deviceId, 0)[0]?.metrics.false_alarm, (m) => m !== undefined);
      expect(reported).toMatchObject({ kind: 'count', n: 3, devices: 1 });

      const idx = 1;
      await agents[idx].stop();
      await until('the stopped device offline', () => store.get(agents[idx].deviceId)?.state, (st) => st === 'offline');
      agents[idx] = await startAgent({ dataDir: agents[idx].dataDir, name: 'mqtt-1', args: mqttArgs() });
      await until('the device online again', () => store.get(agents[idx].deviceId)?.state, (st) => st === 'online');

      const c = await rawClient();
      try {
        const stale = { online: false, session: 'an-older-session', at: new Date().toISOString() };
        const topic = deviceTopics(agents[idx].deviceId).presence;
        await c.subscribeAsync(topic, { qos: 1, rh: 2 });
        const echoed = new Promise<void>((resolve) => c.on('message', (t, m) => t === topic && m.toString().includes('an-older-session') && resolve()));
        await c.publishAsync(topic, JSON.stringify(stale), { qos: 1 });
        await echoed;
        await new Promise((r) => setTimeout(r, 100)); // the ingest's own delivery of the same message
        // Presence is applied after a batch's telemetry, so this reads what the stale will did.
        ingest.flush();
        expect(store.get(agents[idx].deviceId)?.state).toBe('online');
      } finally {
        await c.endAsync();
      }
    } finally {
      ingest.close();
    }
  }, 90_000);

  it('a link with no broker says which broker it cannot reach', async () => {
    const dead = new MqttLink({ brokerUrl: 'mqtt://127.0.0.1:9', deviceId: agents[0].deviceId, signer: null, timeoutMs: 2000 });
    await expect(dead.call('status')).rejects.toMatchObject({ code: 'BROKER_UNREACHABLE', detail: expect.stringContaining('mqtt://127.0.0.1:9') });
    dead.close();
  }, 20_000);
});
