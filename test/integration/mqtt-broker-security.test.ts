// The site broker that `edgefleet broker init` writes, run unchanged on Debian's Mosquitto 2.0.11:
// a device listener that takes certificates from the device CA only (identity and client id =
// certificate CN), a console listener that takes certificates from the console CA only (identity =
// CN, client ids free), and an ACL that keeps each device inside its own topics. Every "cannot" is checked by delivery, never by SUBACK
// (Mosquitto grants a forbidden subscription and then delivers nothing): a sentinel on an allowed
// topic, sent after the forbidden one on the same path, marks when the forbidden one would have come.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerCa } from '../../electron/core/mqtt-broker/broker-ca.js';
import { deviceTopics } from '../../resources/device-protocol/mqtt/topics.js';
import { edgefleet } from '../helpers/edgefleet-cli.js';
import { startBroker, type Broker } from '../helpers/mosquitto.js';
import { until } from '../helpers/recovery-fixture.js';
import { requireRoot } from '../helpers/require-root.js';
import { freePort } from '../helpers/sshd.js';

const scratch = mkdtempSync(join(tmpdir(), 'ef-broker-sec-'));
// Mosquitto drops to user mosquitto before it reads its files: it must be able to reach the folder.
chmodSync(scratch, 0o755);
const home = join(scratch, 'home');
const brokerDir = join(scratch, 'broker');
const devDir = join(scratch, 'devices');
const idA = 'ef-0a1b2c3d-0000-4000-8000-00000000000a';
const idB = 'ef-0a1b2c3d-0000-4000-8000-00000000000b';
const idC = 'ef-0a1b2c3d-0000-4000-8000-00000000000c';
let port: number;
let consolePort: number;
let broker: Broker;
let consoleId: string;
const open: MqttClient[] = [];

const run = (...args: string[]) => edgefleet(...args, '--home', home);

async function ok(...args: string[]): Promise<unknown> {
  const r = await run(...args, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

interface Identity {
  cert?: Buffer;
  key?: Buffer;
}

const files = (cert: string, key: string): Identity => ({ cert: readFileSync(cert), key: readFileSync(key) });
const device = (id: string): Identity => files(join(devDir, `${id}.crt`), join(devDir, `${id}.key`));
// Where `broker init` installs them for brokerTls() (devices/mqtt/open-mqtt-link.ts).
const consoleIdentity = (): Identity => files(join(home, 'mqtt', 'console-cert.pem'), join(home, 'mqtt', 'console-key.pem'));

function options(who: Identity, clientId: string): IClientOptions {
  return {
    protocolVersion: 5,
    clientId,
    ca: readFileSync(join(home, 'mqtt', 'ca.pem')),
    ...who,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
  };
}

/** Connects over TLS (to the device listener unless told), or rejects with why the broker or TLS refused. */
function connect(who: Identity, clientId: string, at = port): Promise<MqttClient> {
  const c = mqtt.connect(`mqtts://127.0.0.1:${at}`, options(who, clientId));
  open.push(c);
  return new Promise((resolve, reject) => {
    c.once('connect', () => resolve(c));
    c.once('error', (e) => reject(e));
    c.once('close', () => reject(new Error('closed before CONNACK')));
  });
}

async function refused(who: Identity, clientId: string, at = port): Promise<string> {
  try {
    const c = await connect(who, clientId, at);
    c.end(true);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${clientId} was let in`);
}

/** Every message a client receives, by topic. */
function inbox(c: MqttClient): { topics: string[]; payloads: Map<string, string[]> } {
  const box = { topics: [] as string[], payloads: new Map<string, string[]>() };
  c.on('message', (topic, payload) => {
    box.topics.push(topic);
    box.payloads.set(topic, [...(box.payloads.get(topic) ?? []), payload.toString()]);
  });
  return box;
}

async function arrived(box: { topics: string[] }, topic: string): Promise<void> {
  await until(`a message on ${topic}`, () => box.topics, (t) => t.includes(topic), 10_000, 20);
}

async function reloads(): Promise<number> {
  return broker.output().split('Reloading config.').length - 1;
}

beforeAll(async () => {
  requireRoot('The broker tests (Mosquitto drops from root to its own user, as on a site)');
  port = await freePort();
  consolePort = await freePort();
  const init = (await ok('broker', 'init', '--dir', brokerDir, '--host', 'localhost', '--host', '127.0.0.1', '--port', String(port), '--console-port', String(consolePort), '--enrol-port', String(await freePort()), '--bind', '127.0.0.1')) as { consoleId: string; consoleUrl: string; deviceUrl: string };
  consoleId = init.consoleId;
  expect(init).toMatchObject({ deviceUrl: `mqtts://localhost:${port}`, consoleUrl: `mqtts://localhost:${consolePort}` });
  await ok('broker', 'issue-device', idA, '-o', devDir);
  // B keeps its own key: a CSR made by openssl, as a device would.
  execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', join(devDir, `${idB}.key`)]);
  execFileSync('openssl', ['req', '-new', '-key', join(devDir, `${idB}.key`), '-subj', `/CN=${idB}`, '-out', join(scratch, 'b.csr')]);
  await ok('broker', 'issue-device', idB, '-o', devDir, '--csr', join(scratch, 'b.csr'));
  await ok('broker', 'issue-device', idC, '-o', devDir);
  // The generated configuration as written, byte for byte (its listener is already on our port).
  broker = await startBroker({ config: readFileSync(join(brokerDir, 'mosquitto.conf'), 'utf8') });
}, 120_000);

afterAll(async () => {
  for (const c of open) c.end(true);
  await broker?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('broker init output on a real Mosquitto 2.0', () => {
  it('a device publishes on its own topics and reads its own requests, desired state and broadcasts', async () => {
    const con = await connect(consoleIdentity(), consoleId, consolePort);
    const conBox = inbox(con);
    await con.subscribeAsync('ef/v1/#', { qos: 1 });
    const a = await connect(device(idA), idA);
    const aBox = inbox(a);
    const tA = deviceTopics(idA);
    await a.subscribeAsync([tA.req, tA.desired, 'ef/v1/bcast/#'], { qos: 1 });

    for (const t of [tA.res(consoleId), tA.telemetry, tA.status, tA.presence, tA.reported]) await a.publishAsync(t, `from-a ${t}`, { qos: 1 });
    for (const t of [tA.res(consoleId), tA.telemetry, tA.status, tA.presence, tA.reported]) await arrived(conBox, t);

    await con.publishAsync(tA.req, 'req-for-a', { qos: 1 });
    await con.publishAsync(tA.desired, 'desired-for-a', { qos: 1, retain: true });
    await con.publishAsync('ef/v1/bcast/notice', 'notice', { qos: 1 });
    for (const t of [tA.req, tA.desired, 'ef/v1/bcast/notice']) await arrived(aBox, t);
    expect(aBox.payloads.get(tA.req)).toEqual(['req-for-a']);
    con.end(true);
    a.end(true);
  });

  it("a device subscribed to another device's requests and desired state receives nothing", async () => {
    const con = await connect(consoleIdentity(), consoleId, consolePort);
    const a = await connect(device(idA), idA);
    const aBox = inbox(a);
    const tA = deviceTopics(idA);
    const tB = deviceTopics(idB);
    await con.publishAsync(tB.desired, 'desired-for-b', { qos: 1, retain: true });
    // Granted by SUBACK all the same: only delivery tells.
    await a.subscribeAsync([tB.req, tB.desired, 'ef/v1/d/+/req', 'ef/v1/#', `$share/g/${tB.req}`], { qos: 1 });
    await a.subscribeAsync(tA.req, { qos: 1 });
    await con.publishAsync(tB.req, 'req-for-b', { qos: 1 });
    await con.publishAsync(tA.req, 'sentinel', { qos: 1 });
    await arrived(aBox, tA.req);
    expect(aBox.topics.filter((t) => t.includes(idB))).toEqual([]);
    con.end(true);
    a.end(true);
  });

  it("a device's publishes on another device's answers, events and state never reach the console", async () => {
    const con = await connect(consoleIdentity(), consoleId, consolePort);
    const conBox = inbox(con);
    await con.subscribeAsync(['ef/v1/d/+/res/#', 'ef/v1/d/+/evt/#', 'ef/v1/d/+/presence', 'ef/v1/d/+/state/#', 'ef/v1/d/+/req'], { qos: 1 });
    const a = await connect(device(idA), idA);
    const tA = deviceTopics(idA);
    const tB = deviceTopics(idB);
    const forged = [tB.res(consoleId), tB.telemetry, tB.status, tB.presence, tB.reported, tB.desired, tB.req, tA.req, tA.desired];
    for (const t of forged) {
      a.publish(t, 'forged', { qos: 0 });
      // At QoS 1 Mosquitto 2.0.11 answers MQTT 5 with PUBACK 135 "Not authorized".
      await expect(a.publishAsync(t, 'forged', { qos: 1 })).rejects.toThrow(/Not authorized/);
    }
    await a.publishAsync(tA.status, 'sentinel', { qos: 1 });
    await arrived(conBox, tA.status);
    // Retained desired states from the tests above do arrive; nothing A sent may.
    expect([...conBox.payloads].filter(([, p]) => p.includes('forged'))).toEqual([]);
    con.end(true);
    a.end(true);
  });

  it('the client id is forced to the certificate name: a device cannot take over or kick another', async () => {
    const b = await connect(device(idB), idB);
    const bBox = inbox(b);
    let bClosed = 0;
    b.on('close', () => bClosed++);
    await b.subscribeAsync(deviceTopics(idB).req, { qos: 1 });
    // A asks for B's client id; the broker names it after A's certificate, so B stays on.
    const a1 = await connect(device(idA), idB);
    const a1Gone = new Promise<void>((r) => a1.once('close', () => r()));
    const con = await connect(consoleIdentity(), consoleId, consolePort);
    await con.publishAsync(deviceTopics(idB).req, 'still-b', { qos: 1 });
    await arrived(bBox, deviceTopics(idB).req);
    expect(bClosed).toBe(0);
    expect(b.connected).toBe(true);
    // A second connection with A's certificate, whatever id it asks for, replaces the first.
    await connect(device(idA), 'something-else');
    await a1Gone;
    expect(a1.connected).toBe(false);
    con.end(true);
    b.end(true);
  });

  it("init installs the console's files privately: the key 0600 in a 0700 folder", () => {
    expect(statSync(join(home, 'mqtt')).mode & 0o777).toBe(0o700);
    expect(statSync(join(home, 'mqtt', 'console-key.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(home, 'mqtt', 'ca.pem'), 'utf8')).toBe(readFileSync(join(brokerDir, 'ca.crt'), 'utf8'));
  });

  it('a device certificate cannot connect on the console listener, nor a console certificate on the device listener', async () => {
    // Both fail in the TLS handshake: neither certificate chains to the other listener's cafile.
    expect(await refused(device(idA), 'efc-chosen-by-a', consolePort)).toMatch(/unknown ca/i);
    expect(await refused(device(idA), idA, consolePort)).toMatch(/unknown ca/i);
    expect(await refused(consoleIdentity(), consoleId, port)).toMatch(/unknown ca/i);
    expect(await refused({}, 'efc-anonymous', consolePort)).toMatch(/certificate required|alert/i);
    // The same device certificate is let in where it belongs.
    (await connect(device(idA), idA)).end(true);
  });

  it('several connections of one console certificate keep their own client ids side by side', async () => {
    // As a console's worker threads do: one connection each, all under the console's certificate.
    const ids = ['efc-thread-main', 'efc-thread-w1', 'efc-thread-w2'];
    const tA = deviceTopics(idA);
    const cons: MqttClient[] = [];
    let dropped = (_id: string): void => {};
    // Forced client ids would have each new connection take the one before it off (a clean close, no error).
    const kicked = new Promise<never>((_, reject) => (dropped = (id) => reject(new Error(`console connection ${id} was disconnected`))));
    kicked.catch(() => {});
    for (const id of ids) {
      const c = await connect(consoleIdentity(), id, consolePort);
      c.on('close', () => dropped(id));
      cons.push(c);
    }
    const boxes = cons.map(inbox);
    await Promise.race([kicked, Promise.all(cons.map((c, i) => c.subscribeAsync(tA.res(ids[i]), { qos: 1 })))]);
    const a = await connect(device(idA), idA);
    // The device answers each on its own response topic: each arrives only where it was asked for.
    for (const id of ids) await a.publishAsync(tA.res(id), `to ${id}`, { qos: 1 });
    await Promise.race([kicked, Promise.all(boxes.map((box, i) => arrived(box, tA.res(ids[i]))))]);
    expect(boxes.map((b, i) => b.payloads.get(tA.res(ids[i])))).toEqual(ids.map((id) => [`to ${id}`]));
    expect(cons.map((c) => c.connected)).toEqual([true, true, true]);
    for (const c of cons) c.end(true);
    a.end(true);
  });

  it('no certificate, or a certificate from another CA, cannot connect', async () => {
    expect(await refused({}, idA)).toMatch(/certificate required|alert/i);
    const other = await BrokerCa.open(join(scratch, 'other-home'));
    const forged = await other.issueDevice(idA);
    expect(await refused({ cert: Buffer.from(forged.certPem), key: Buffer.from(forged.keyPem!) }, idA)).toMatch(/alert|unknown ca|certificate/i);
  });

  it('a revoked device cannot connect after SIGHUP, nor after a restart; the others can', async () => {
    const c0 = await connect(device(idC), idC);
    c0.end(true);
    const r = (await ok('broker', 'revoke', idC)) as { revoked: string[]; crlFiles: string[] };
    expect(r.revoked).toHaveLength(1);
    expect(r.crlFiles).toContain(join(brokerDir, 'crl.pem'));
    const before = await reloads();
    broker.proc.kill('SIGHUP');
    await until('the broker to reload', reloads, (n) => n > before, 10_000, 20);
    expect(await refused(device(idC), idC)).toMatch(/revoked/i);
    (await connect(device(idA), idA)).end(true);
    await broker.restart();
    expect(await refused(device(idC), idC)).toMatch(/revoked/i);
    (await connect(device(idB), idB)).end(true);
  });
});
