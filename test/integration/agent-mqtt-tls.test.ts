// The MQTT binding over the TLS site broker that `edgefleet broker init` writes, run unchanged on
// Debian's Mosquitto 2.0.11: a real agent with a device certificate from `broker issue-device` on the
// device listener (client id forced to its certificate name), the console on the console listener
// with the certificate `broker init` installed in its home. A deploy runs in a job worker thread, so
// the console holds several connections under its one certificate at once (the worker's, the main
// thread's and a watcher's here): none may kick another. A revoked device, cut off, cannot come back.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceDetail, DeviceSummary, Job, RolloutDetail } from '../../electron/core/api/types.js';
import { createCore, type Core } from '../../electron/core/core.js';
import type { DeployTaskResult } from '../../electron/core/devices/deploy-task.js';
import { deviceTopics } from '../../resources/device-protocol/mqtt/topics.js';
import { agentCommand, infer, newDataDir, repoRoot, startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { edgefleet } from '../helpers/edgefleet-cli.js';
import { startBroker, type Broker } from '../helpers/mosquitto.js';
import { register, unwrap, until, variant } from '../helpers/recovery-fixture.js';
import { requireRoot } from '../helpers/require-root.js';
import { freePort } from '../helpers/sshd.js';

const scratch = mkdtempSync(join(tmpdir(), 'ef-mqtt-tls-'));
// Mosquitto drops to user mosquitto before it reads the broker folder: it must be able to reach it.
chmodSync(scratch, 0o755);
const home = join(scratch, 'home');
const brokerDir = join(scratch, 'broker');
const certDir = join(scratch, 'device-certs');
const dataDir = newDataDir('ef-agent-tls-');
const dataDir2 = newDataDir('ef-agent-tls2-');
let init: { deviceUrl: string; consoleUrl: string; consolePort: number; consoleId: string; conf: string };
let broker: Broker;
let core: Core;
let agent: AgentProcess;
let agent2: AgentProcess;
let deviceId: string;
let deviceId2: string;
let initCode: string;
let initCode2: string;
const clients: MqttClient[] = [];

async function cli(...args: string[]): Promise<unknown> {
  const r = await edgefleet(...args, '--home', home, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** `agent --init`: the agent makes its identity and pairing code, prints the code and exits. */
async function agentInit(dir = dataDir): Promise<{ deviceId: string; code: string }> {
  const [cmd, ...args] = agentCommand(dir, ['--init']);
  const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  expect(code, out).toBe(0);
  const pairing = /^Pairing code: (\S+)$/m.exec(out);
  expect(pairing, out).not.toBeNull();
  // --init prints the code but not the id: the id is in the identity it wrote.
  const identity = JSON.parse(readFileSync(join(dir, 'identity.json'), 'utf8')) as { deviceId: string };
  return { deviceId: identity.deviceId, code: pairing![1] };
}

function agentArgs(id = deviceId): string[] {
  return ['--mqtt', init.deviceUrl, '--mqtt-ca', join(certDir, 'ca.crt'), '--mqtt-cert', join(certDir, `${id}.crt`), '--mqtt-key', join(certDir, `${id}.key`), '--telemetry-interval', '1'];
}

async function connectedAgent(dir = dataDir, id = deviceId, name = 'tls-0'): Promise<AgentProcess> {
  const a = await startAgent({ dataDir: dir, name, args: agentArgs(id) });
  await until('the agent on the device listener', () => a.output(), (o) => o.includes(`MQTT: connected to ${init.deviceUrl} as ${id}`), 30_000, 50);
  return a;
}

/** Another connection with the console's certificate and a client id of its own, as another thread's. */
async function consoleWatcher(clientId: string): Promise<MqttClient> {
  const file = (name: string) => readFileSync(join(home, 'mqtt', name));
  const c = mqtt.connect(init.consoleUrl, { protocolVersion: 5, clientId, ca: file('ca.pem'), cert: file('console-cert.pem'), key: file('console-key.pem'), reconnectPeriod: 0 });
  clients.push(c);
  await new Promise<void>((resolve, reject) => {
    c.once('connect', () => resolve());
    c.once('error', reject);
  });
  return c;
}

async function reloads(): Promise<number> {
  return broker.output().split('Reloading config.').length - 1;
}

beforeAll(async () => {
  requireRoot('The TLS broker end to end test (Mosquitto drops from root to its own user, as on a site)');
  const [port, consolePort] = [await freePort(), await freePort()];
  init = (await cli('broker', 'init', '--dir', brokerDir, '--host', '127.0.0.1', '--port', String(port), '--console-port', String(consolePort), '--enrol-port', String(await freePort()), '--bind', '127.0.0.1')) as typeof init;
  expect(init).toMatchObject({ deviceUrl: `mqtts://127.0.0.1:${port}`, consoleUrl: `mqtts://127.0.0.1:${consolePort}` });
  broker = await startBroker({ config: readFileSync(init.conf, 'utf8') });
  ({ deviceId, code: initCode } = await agentInit());
  await cli('broker', 'issue-device', deviceId, '-o', certDir);
  agent = await connectedAgent();
  ({ deviceId: deviceId2, code: initCode2 } = await agentInit(dataDir2));
  await cli('broker', 'issue-device', deviceId2, '-o', certDir);
  agent2 = await connectedAgent(dataDir2, deviceId2, 'tls-1');
  core = createCore({ home, mode: 'cli' });
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.end(true);
  await core?.close();
  await agent?.stop();
  await agent2?.stop();
  await broker?.stop();
  rmSync(scratch, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(dataDir2, { recursive: true, force: true });
});

describe('an agent over the TLS site broker', () => {
  it('pairs through the console listener with the code the agent made at --init', async () => {
    expect(agent.deviceId).toBe(deviceId);
    expect(agent.pairingCode).toBe(initCode);
    const d = unwrap<DeviceSummary>(await core.call('mqtt.add', { broker: init.consoleUrl, deviceId, code: initCode }));
    // The console keeps its own listener's URL in the address; the device dials the device listener.
    expect(d).toMatchObject({ id: deviceId, transport: 'mqtt', address: `${init.consoleUrl}/${deviceId}`, paired: true, name: 'tls-0' });
    unwrap<DeviceSummary>(await core.call('mqtt.add', { broker: init.consoleUrl, deviceId: deviceId2, code: initCode2 }));
  }, 60_000);

  it('deploys with trial and confirm from a job worker while other connections of the same certificate stay on', async () => {
    const watcher = await consoleWatcher('efc-test-watcher');
    let watcherClosed = 0;
    watcher.on('close', () => watcherClosed++);
    const events: string[] = [];
    watcher.on('message', (topic) => events.push(topic));
    await watcher.subscribeAsync(deviceTopics(deviceId).telemetry, { qos: 0 });

    const v1 = register(core, 'digits-tls-1', variant('tls-1'));
    const job = unwrap<Job>(await core.call('devices.deploy', { modelId: v1.id, deviceIds: [deviceId], activate: true, confirm: true, maxLatencyMs: 10_000 }));
    await until('the upload under way', () => core.jobs.get(job.id), (j) => JSON.stringify(j?.progress ?? '').includes('"upload"') || j?.state !== 'running', 60_000, 20);
    // The main thread's own connection, while the worker's is open.
    const refresh = core.call('devices.refresh', { ids: [deviceId] });
    const done = await core.jobs.wait(job.id);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    expect((done.result as DeployTaskResult).devices.map((d) => [d.deviceId, d.phase, d.error])).toEqual([[deviceId, 'confirmed', null]]);
    expect(watcherClosed, 'the watcher was disconnected').toBe(0);
    expect(unwrap<DeviceSummary[]>(await refresh)[0].state).not.toBe('offline');
    expect((await infer(agent.servePort)).body.model).toMatchObject({ sha256: v1.sha256 });

    const seen = events.length;
    await until('telemetry after the deploy', () => events.length, (n) => n > seen, 20_000, 50);
    expect(watcherClosed).toBe(0);
    expect(watcher.connected).toBe(true);
  }, 180_000);

  it('a staged rollout with health gates runs over the per-device certificates and ACLs and survives a broker restart in its middle', async () => {
    for (const id of [deviceId, deviceId2]) unwrap(await core.call('devices.update', { id, tags: ['tls-fleet'] }));
    const v1 = register(core, 'digits-tls-1', variant('tls-1'));
    // Both run v1 first, so "deployed once" can be read from what each keeps as its previous model.
    const first = unwrap<Job>(await core.call('devices.deploy', { modelId: v1.id, deviceIds: [deviceId2], activate: true, confirm: true, maxLatencyMs: 10_000 }));
    expect((await core.jobs.wait(first.id)).state).toBe('succeeded');
    const v2 = register(core, 'digits-tls-2', variant('tls-2'));
    const gates = [
      { kind: 'deploy-failure-rate', max: 0, minDevices: 1 },
      { kind: 'restarts', max: 0, minDevices: 1 },
    ];
    const r = unwrap<RolloutDetail>(await core.call('rollouts.create', { modelId: v2.id, selector: 'tag:tls-fleet', stages: [50, 100], soakMs: 1500, concurrency: 1, gates }));
    const driven = core.rollouts.waitFor(r.id, { drive: true });
    await until('the first stage under way', () => core.rollouts.detail(r.id).devices, (ds) => ds.some((d) => d.phase !== 'pending'), 60_000, 20);
    await broker.kill9();
    await new Promise((res) => setTimeout(res, 1500));
    await broker.restart();
    const final = await driven;
    expect(final.status, JSON.stringify(core.rollouts.detail(r.id).devices)).toBe('completed');
    expect(core.rollouts.detail(r.id).counts.confirmed).toBe(2);
    for (const a of [agent, agent2]) expect((await infer(a.servePort)).body.model).toMatchObject({ sha256: v2.sha256 });
    // Activated once each: a second activation of v2 would have made v2 its own previous model.
    for (const id of [deviceId, deviceId2]) {
      unwrap(await core.call('devices.refresh', { ids: [id] }));
      const d = unwrap<DeviceDetail>(await core.call('devices.get', { id }));
      expect(d.slots.find((s) => s.role === 'previous')?.sha256 ?? null, id).toBe(v1.sha256);
    }
  }, 240_000);

  it('a revoked device, once the broker reloaded its CRL, cannot connect again and the console cannot reach it', async () => {
    const r = (await cli('broker', 'revoke', deviceId)) as { revoked: string[]; crlFiles: string[] };
    expect(r.revoked).toHaveLength(1);
    expect(r.crlFiles).toContain(join(brokerDir, 'crl.pem'));
    const reloaded = await reloads();
    broker.proc.kill('SIGHUP');
    await until('the broker to reload', reloads, (n) => n > reloaded, 10_000, 20);
    // Mosquitto 2.0.11 keeps a connected client through the reload (seen: the device still answered).
    // A console connection that takes the device's client id cuts it off; its reconnect is refused.
    const connects = () => agent.output().split('MQTT: connected to').length - 1;
    const before = connects();
    const kicker = await consoleWatcher(deviceId);
    await until('the agent refused by the broker', () => agent.output(), (o) => /certificate revoked/i.test(o), 30_000, 50);
    kicker.end(true);
    expect(connects()).toBe(before);
    const [after] = unwrap<DeviceSummary[]>(await core.call('devices.refresh', { ids: [deviceId] }));
    expect(after.state).toBe('offline');
  }, 120_000);
});
