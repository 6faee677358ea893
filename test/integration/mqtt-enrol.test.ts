// Enrolment with a one-time token on the site broker `edgefleet broker init` writes, run unchanged on
// Debian's Mosquitto 2.0.11, with real agents: a device given only a token gets its certificate from
// the console, joins the inventory with transport mqtt and takes a deploy; it restarts on its stored
// files; the used token, an expired one and a forged answer get nothing; token logins reach nothing
// but their own enrolment topics (checked by delivery, never by SUBACK) and no other listener takes a
// password.
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceSummary, Job } from '../../electron/core/api/types.js';
import { createCore, type Core } from '../../electron/core/core.js';
import type { DeployTaskResult } from '../../electron/core/devices/deploy-task.js';
import { BrokerCa } from '../../electron/core/mqtt-broker/broker-ca.js';
import { decodeEnrolToken, enrolRequestSchema, enrolTopics, enrolVersion, signEnrolAnswer, type EnrolToken } from '../../resources/device-protocol/mqtt/enrol.js';
import { deviceTopics } from '../../resources/device-protocol/mqtt/topics.js';
import { infer, newDataDir, startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { edgefleet } from '../helpers/edgefleet-cli.js';
import { startBroker, type Broker } from '../helpers/mosquitto.js';
import { register, unwrap, until, variant } from '../helpers/recovery-fixture.js';
import { requireRoot } from '../helpers/require-root.js';
import { freePort } from '../helpers/sshd.js';

const scratch = mkdtempSync(join(tmpdir(), 'ef-mqtt-enrol-'));
chmodSync(scratch, 0o755); // Mosquitto, dropped to its own user, reads the broker folder
const home = join(scratch, 'home');
const brokerDir = join(scratch, 'broker');
const dataA = newDataDir('ef-enrol-a-');
const dataB = newDataDir('ef-enrol-b-');
const dataC = newDataDir('ef-enrol-c-');
let init: { deviceUrl: string; consoleUrl: string; enrolUrl: string; port: number; consolePort: number; enrolPort: number; conf: string };
let broker: Broker;
let core: Core | null = null;
let agentA: AgentProcess;
const agents: AgentProcess[] = [];
const clients: MqttClient[] = [];
const tokens: Record<'a' | 'expired' | 'c', string> = { a: '', expired: '', c: '' };

async function cli(...args: string[]): Promise<Record<string, unknown>> {
  const r = await edgefleet(...args, '--home', home, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

const homeFile = (name: string) => readFileSync(join(home, 'mqtt', name));

function connect(url: string, opts: IClientOptions): Promise<MqttClient> {
  const c = mqtt.connect(url, { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 10_000, ...opts });
  clients.push(c);
  return new Promise((resolve, reject) => {
    c.once('connect', () => resolve(c));
    c.once('error', reject);
    c.once('close', () => reject(new Error('closed before CONNACK')));
  });
}

const asConsole = (clientId: string) => connect(init.consoleUrl, { clientId, ca: homeFile('ca.pem'), cert: homeFile('console-cert.pem'), key: homeFile('console-key.pem') });
const asToken = (t: EnrolToken, url = t.url) => connect(url, { clientId: t.id, username: t.id, password: t.pw, ca: homeFile('ca.pem') });

function inbox(c: MqttClient): { topics: string[]; payloads: string[] } {
  const box = { topics: [] as string[], payloads: [] as string[] };
  c.on('message', (topic, payload) => {
    box.topics.push(topic);
    box.payloads.push(payload.toString());
  });
  return box;
}

async function reloadBroker(): Promise<void> {
  const count = () => broker.output().split('Reloading config.').length - 1;
  const before = count();
  broker.proc.kill('SIGHUP');
  await until('the broker to reload', count, (n) => n > before, 10_000, 20);
}

const connectedLine = (id: string) => `MQTT: connected to ${init.deviceUrl} as ${id}`;

beforeAll(async () => {
  requireRoot('The enrolment test (Mosquitto drops from root to its own user, as on a site)');
  const [port, consolePort, enrolPort] = [await freePort(), await freePort(), await freePort()];
  init = (await cli('broker', 'init', '--dir', brokerDir, '--host', '127.0.0.1', '--port', String(port), '--console-port', String(consolePort), '--enrol-port', String(enrolPort), '--bind', '127.0.0.1')) as typeof init;
  expect(init.enrolUrl).toBe(`mqtts://127.0.0.1:${enrolPort}`);
  broker = await startBroker({ config: readFileSync(init.conf, 'utf8') });
  tokens.a = String((await cli('broker', 'enrol-token', '--name', 'kiosk a')).token);
  const out = join(scratch, 'expired.token');
  const expired = await cli('broker', 'enrol-token', '--ttl', '1s', '--out', out);
  expect(expired.token).toBeUndefined();
  expect(statSync(out).mode & 0o777).toBe(0o600);
  tokens.expired = readFileSync(out, 'utf8').trim();
  tokens.c = String((await cli('broker', 'enrol-token')).token);
  // As the command says: the broker reads new logins on SIGHUP.
  await reloadBroker();
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.end(true);
  for (const a of agents) await a.stop();
  await core?.close();
  await broker?.stop();
  for (const d of [scratch, dataA, dataB, dataC]) rmSync(d, { recursive: true, force: true });
});

describe('enrolment with a one-time token', () => {
  it('a device ignores forged answers on its enrolment topic, signed by another key', async () => {
    const watcher = await asConsole('efc-test-forger');
    const seen = inbox(watcher);
    await watcher.subscribeAsync('ef/v1/enrol/+/req', { qos: 1 });
    // Provisioning writes the token into the data folder; no console answers yet.
    writeFileSync(join(dataA, 'enrol-token'), `${tokens.a}\n`, { mode: 0o600 });
    agentA = await startAgent({ dataDir: dataA, name: 'kiosk-a' });
    agents.push(agentA);
    const t = decodeEnrolToken(tokens.a);
    await until('the enrolment request', () => seen.topics, (ts) => ts.includes(enrolTopics(t.id).req), 30_000, 50);
    const req = enrolRequestSchema.parse(JSON.parse(seen.payloads[seen.topics.indexOf(enrolTopics(t.id).req)]));
    expect(req.deviceId).toBe(agentA.deviceId);
    // Everything in order (a real certificate for its own key, from a copy of the real CA) but the signature.
    const forgerHome = join(scratch, 'forger');
    mkdirSync(forgerHome);
    cpSync(join(home, 'mqtt-ca'), join(forgerHome, 'mqtt-ca'), { recursive: true });
    const ca = await BrokerCa.open(forgerHome);
    const cert = (await ca.issueDevice(req.deviceId, req.csr)).certPem;
    const other = generateKeyPairSync('ed25519');
    const realKey = readFileSync(join(home, 'keys', 'console-ed25519.pem'), 'utf8');
    const realPublic = (await import('node:crypto')).createPublicKey(realKey).export({ type: 'spki', format: 'pem' }).toString();
    const body = { v: enrolVersion, id: req.id, token: t.id, ok: true as const, deviceId: req.deviceId, cert, ca: ca.certPem, url: init.deviceUrl, consoleName: 'forger' };
    const ignored = () => agentA.output().split('ignored an answer not signed by the console key').length - 1;
    // Its own key named in the answer, and the real console's key named but not used to sign.
    for (const named of [other.publicKey.export({ type: 'spki', format: 'pem' }).toString(), realPublic]) {
      await watcher.publishAsync(enrolTopics(t.id).res, JSON.stringify(signEnrolAnswer(other.privateKey, { ...body, consolePublicKey: named })), { qos: 1 });
    }
    await until('both forgeries ignored', ignored, (n) => n >= 2, 20_000, 50);
    expect(existsSync(join(dataA, 'mqtt', 'broker.json'))).toBe(false);
    expect(existsSync(join(dataA, 'pairing.json'))).toBe(false);
    expect(agentA.output()).not.toContain('MQTT: connected');
  }, 90_000);

  it('enrols once the console runs: the device joins the inventory with transport mqtt and takes a deploy', async () => {
    core = createCore({ home, mode: 'browser', discovery: false });
    await until('the agent on the device listener', () => agentA.output(), (o) => o.includes(connectedLine(agentA.deviceId)), 60_000, 50);
    const row = unwrap<DeviceSummary[]>(await core.call('devices.list', {})).find((d) => d.id === agentA.deviceId);
    expect(row).toMatchObject({ id: agentA.deviceId, transport: 'mqtt', address: `${init.consoleUrl}/${agentA.deviceId}`, paired: true, name: 'kiosk-a' });
    expect(existsSync(join(dataA, 'enrol-token'))).toBe(false);
    expect(statSync(join(dataA, 'mqtt', 'key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataA, 'mqtt')).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(dataA, 'mqtt', 'ca.pem'), 'utf8')).toBe(readFileSync(join(brokerDir, 'ca.crt'), 'utf8'));

    const v1 = register(core, 'digits-enrol-1', variant('enrol-1'));
    const job = unwrap<Job>(await core.call('devices.deploy', { modelId: v1.id, deviceIds: [agentA.deviceId], activate: true, confirm: true, maxLatencyMs: 10_000 }));
    const done = await core.jobs.wait(job.id);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    expect((done.result as DeployTaskResult).devices.map((d) => [d.deviceId, d.phase, d.error])).toEqual([[agentA.deviceId, 'confirmed', null]]);
    expect((await infer(agentA.servePort)).body.model).toMatchObject({ sha256: v1.sha256 });
  }, 240_000);

  it('restarted without a token, the device connects with its stored certificate', async () => {
    await agentA.stop();
    agentA = await startAgent({ dataDir: dataA, name: 'kiosk-a' });
    agents.push(agentA);
    await until('the agent back on the device listener', () => agentA.output(), (o) => o.includes(connectedLine(agentA.deviceId)), 60_000, 50);
    expect(agentA.output()).not.toContain('enrolment:');
    const [after] = unwrap<DeviceSummary[]>(await core!.call('devices.refresh', { ids: [agentA.deviceId] }));
    expect(after).toMatchObject({ transport: 'mqtt', state: expect.not.stringMatching(/offline/) });
  }, 120_000);

  it('the used token enrols no second device, and an expired token none', async () => {
    const b = await startAgent({ dataDir: dataB, name: 'kiosk-b', args: ['--enrol', tokens.a] });
    agents.push(b);
    await until('the refusal', () => b.output(), (o) => o.includes('enrolment failed'), 60_000, 50);
    expect(b.output()).toContain('Enrolment token already used');
    const tokenFile = join(scratch, 'expired.token');
    const c = await startAgent({ dataDir: dataC, name: 'kiosk-c', args: ['--enrol', `@${tokenFile}`] });
    agents.push(c);
    await until('the refusal', () => c.output(), (o) => o.includes('enrolment failed'), 60_000, 50);
    expect(c.output()).toContain('Enrolment token expired');
    for (const [dir, agent] of [[dataB, b], [dataC, c]] as const) {
      expect(existsSync(join(dir, 'mqtt'))).toBe(false);
      expect(existsSync(join(dir, 'pairing.json'))).toBe(false);
      expect(agent.output()).not.toContain('MQTT: connected');
    }
    const ids = unwrap<DeviceSummary[]>(await core!.call('devices.list', {})).map((d) => d.id);
    expect(ids).toEqual([agentA.deviceId]);
    // The CA issued one device certificate in all.
    expect((await (await BrokerCa.open(home)).readIndex()).issued.filter((r) => r.kind === 'device').map((r) => r.cn)).toEqual([agentA.deviceId]);
  }, 120_000);

  it("a token login reaches neither the device tree, broadcasts nor another token's enrolment topics", async () => {
    const tc = decodeEnrolToken(tokens.c);
    const ta = decodeEnrolToken(tokens.a);
    const con = await asConsole('efc-test-acl');
    const conBox = inbox(con);
    await con.subscribeAsync(['ef/v1/#'], { qos: 1 });
    const user = await asToken(tc);
    const box = inbox(user);
    // Granted by SUBACK all the same: only delivery tells.
    await user.subscribeAsync(['ef/v1/#', 'ef/v1/d/#', `ef/v1/d/${tc.id}/req`, 'ef/v1/bcast/#', enrolTopics(ta.id).res, 'ef/v1/enrol/+/req', `$share/g/ef/v1/d/+/req`], { qos: 1 });
    await user.subscribeAsync(enrolTopics(tc.id).res, { qos: 1 });
    const tA = deviceTopics(agentA.deviceId);
    for (const [topic, text] of [[tA.req, 'req-for-a'], [`ef/v1/d/${tc.id}/req`, 'req-for-token'], [tA.desired, 'desired'], ['ef/v1/bcast/notice', 'notice'], [enrolTopics(ta.id).res, 'answer-for-a']]) {
      await con.publishAsync(topic, text, { qos: 1 });
    }
    await con.publishAsync(enrolTopics(tc.id).res, 'sentinel', { qos: 1 });
    await until('the sentinel', () => box.payloads, (p) => p.includes('sentinel'), 10_000, 20);
    // Its own answer topic arrives once per matching subscription; nothing else arrives at all.
    expect([...new Set(box.topics)]).toEqual([enrolTopics(tc.id).res]);
    expect(box.payloads.filter((p) => p !== 'sentinel')).toEqual([]);

    for (const topic of [tA.telemetry, tA.status, tA.presence, tA.reported, tA.res('efc-test-acl'), `ef/v1/d/${tc.id}/evt/telemetry`, `ef/v1/d/${tc.id}/presence`, enrolTopics(ta.id).req, enrolTopics(tc.id).res, 'ef/v1/bcast/notice']) {
      user.publish(topic, 'forged', { qos: 0 });
      await expect(user.publishAsync(topic, 'forged', { qos: 1 })).rejects.toThrow(/Not authorized/);
    }
    await user.publishAsync(enrolTopics(tc.id).req, 'sentinel-from-token', { qos: 1 });
    await until('the token sentinel', () => conBox.payloads, (p) => p.includes('sentinel-from-token'), 10_000, 20);
    expect(conBox.payloads.filter((p) => p === 'forged')).toEqual([]);
  }, 60_000);

  it('the device and console listeners take no password login', async () => {
    const tc = decodeEnrolToken(tokens.c);
    for (const url of [init.deviceUrl, init.consoleUrl]) {
      await expect(asToken(tc, url)).rejects.toThrow(/certificate required|alert|closed/i);
    }
    // The same login is good where tokens log in.
    (await asToken(tc)).end(true);
  }, 30_000);
});
