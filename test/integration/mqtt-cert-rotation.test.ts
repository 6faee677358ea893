// Certificate rotation as an operation (`edgefleet mqtt rotate-cert`), on the TLS site broker `broker
// init` writes, run on Debian's Mosquitto 2.0.11 with a real agent: the device makes its new key and
// CSR, the console's CA issues it, the device connects with the new pair before it answers, and only
// then is the old serial revoked. After the broker's reload the old certificate cannot connect, and the
// device keeps working, also after a restart with its original --mqtt-cert flags. A certificate for
// another key or another device is refused, one the broker refuses puts the device back on its old
// pair, and an offline device gets a clear error with nothing issued or revoked.
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceSummary } from '../../electron/core/api/types.js';
import { createCore, type Core } from '../../electron/core/core.js';
import type { CertRotationResult } from '../../electron/core/devices/mqtt/cert-rotation.js';
import { MqttLink } from '../../electron/core/devices/mqtt/mqtt-link.js';
import { brokerTls, consoleSigner } from '../../electron/core/devices/mqtt/open-mqtt-link.js';
import { BrokerCa } from '../../electron/core/mqtt-broker/broker-ca.js';
import { writeCrlFiles } from '../../electron/core/mqtt-broker/broker-site.js';
import { agentCommand, newDataDir, repoRoot, startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { edgefleet } from '../helpers/edgefleet-cli.js';
import { startBroker, type Broker } from '../helpers/mosquitto.js';
import { unwrap, until } from '../helpers/recovery-fixture.js';
import { requireRoot } from '../helpers/require-root.js';
import { freePort } from '../helpers/sshd.js';

const scratch = mkdtempSync(join(tmpdir(), 'ef-cert-rotation-'));
chmodSync(scratch, 0o755); // Mosquitto, dropped to its own user, reads the broker folder
const home = join(scratch, 'home');
const brokerDir = join(scratch, 'broker');
const certDir = join(scratch, 'device-certs');
const dataDir = newDataDir('ef-agent-rotate-');
let init: { deviceUrl: string; consoleUrl: string; conf: string };
let broker: Broker;
let core: Core;
let agent: AgentProcess;
let deviceId: string;
let link: MqttLink;
const clients: MqttClient[] = [];

async function cli(...args: string[]): Promise<Record<string, unknown>> {
  const r = await edgefleet(...args, '--home', home, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

async function agentInit(): Promise<{ deviceId: string; code: string }> {
  const [cmd, ...args] = agentCommand(dataDir, ['--init']);
  const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  expect(await new Promise<number | null>((r) => child.once('exit', r)), out).toBe(0);
  const identity = JSON.parse(readFileSync(join(dataDir, 'identity.json'), 'utf8')) as { deviceId: string };
  return { deviceId: identity.deviceId, code: /^Pairing code: (\S+)$/m.exec(out)![1] };
}

const oldCert = () => join(certDir, `${deviceId}.crt`);
const oldKey = () => join(certDir, `${deviceId}.key`);
const serialOf = (file: string) => new X509Certificate(readFileSync(file)).serialNumber.toLowerCase();
const connects = (a: AgentProcess) => a.output().split(`MQTT: connected to ${init.deviceUrl} as`).length - 1;

/** The agent, always with the flags of its first certificate, as a service file would start it. */
async function connectedAgent(): Promise<AgentProcess> {
  const args = ['--mqtt', init.deviceUrl, '--mqtt-ca', join(certDir, 'ca.crt'), '--mqtt-cert', oldCert(), '--mqtt-key', oldKey()];
  const a = await startAgent({ dataDir, name: 'rotor', args });
  await until('the agent on the device listener', () => connects(a), (n) => n > 0, 30_000, 50);
  return a;
}

async function reloadBroker(): Promise<void> {
  const count = () => broker.output().split('Reloading config.').length - 1;
  const before = count();
  broker.proc.kill('SIGHUP');
  await until('the broker to reload', count, (n) => n > before, 10_000, 20);
}

/** A plain MQTT.js client on the device listener: resolves 'connected' or the error that stopped it. */
function tryConnect(cert: string, key: string): Promise<string> {
  const c = mqtt.connect(init.deviceUrl, { protocolVersion: 5, clientId: deviceId, ca: readFileSync(join(certDir, 'ca.crt')), cert: readFileSync(cert), key: readFileSync(key), reconnectPeriod: 0, connectTimeout: 10_000 });
  clients.push(c);
  return new Promise((resolve) => {
    c.once('connect', () => resolve('connected'));
    c.once('error', (err) => resolve(err.message));
    c.once('close', () => resolve('closed'));
  });
}

async function deviceStatus(): Promise<DeviceSummary> {
  const [d] = unwrap<DeviceSummary[]>(await core.call('devices.refresh', { ids: [deviceId] }));
  return d;
}

const caIndex = async () => (await BrokerCa.open(home)).readIndex();

beforeAll(async () => {
  requireRoot('The certificate rotation test (Mosquitto drops from root to its own user, as on a site)');
  const [port, consolePort, enrolPort] = [await freePort(), await freePort(), await freePort()];
  init = (await cli('broker', 'init', '--dir', brokerDir, '--host', '127.0.0.1', '--port', String(port), '--console-port', String(consolePort), '--enrol-port', String(enrolPort), '--bind', '127.0.0.1')) as typeof init;
  broker = await startBroker({ config: readFileSync(init.conf, 'utf8') });
  const made = await agentInit();
  deviceId = made.deviceId;
  await cli('broker', 'issue-device', deviceId, '-o', certDir);
  agent = await connectedAgent();
  core = createCore({ home, mode: 'cli' });
  unwrap(await core.call('mqtt.add', { broker: init.consoleUrl, deviceId, code: made.code }));
  link = new MqttLink({ brokerUrl: init.consoleUrl, deviceId, signer: consoleSigner(home), tls: brokerTls(home), timeoutMs: 60_000 });
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.end(true);
  link?.close();
  await core?.close();
  await agent?.stop();
  await broker?.stop();
  rmSync(scratch, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('certificate rotation', () => {
  it('refuses a certificate for another key or another device, and one the broker refuses puts the device back on its old pair', async () => {
    const ca = await BrokerCa.open(home);
    const before = connects(agent);
    const asked = await link.certCall('cert-request', {});
    expect(asked.current?.serial).toBe(serialOf(oldCert()));
    const pendingKey = join(dataDir, 'mqtt', 'pending-key.pem');
    expect(statSync(pendingKey).mode & 0o777).toBe(0o600);
    // The right name, but a key the device never made.
    const otherKey = await ca.issueDevice(deviceId);
    await expect(link.certCall('cert-install', { cert: otherKey.certPem, ca: ca.certPem })).rejects.toMatchObject({ code: 'CERT_WRONG_KEY' });
    expect(existsSync(pendingKey)).toBe(false);
    // The device's own key, but another device's name.
    const again = await link.certCall('cert-request', {});
    const otherName = await ca.issueDevice('ef-someone-else', again.csr);
    await expect(link.certCall('cert-install', { cert: otherName.certPem, ca: ca.certPem })).rejects.toMatchObject({ code: 'CERT_WRONG_DEVICE' });
    expect(connects(agent), 'the device reconnected for a certificate it refused').toBe(before);
    expect((await deviceStatus()).state).not.toBe('offline');

    // A good certificate the broker refuses (revoked before the install): the device tries it, then goes back.
    const third = await link.certCall('cert-request', {});
    const doomed = await ca.issueDevice(deviceId, third.csr);
    expect(await ca.revokeSerial(deviceId, doomed.serial)).toBe(true);
    await writeCrlFiles(ca, brokerDir);
    await reloadBroker();
    await expect(link.certCall('cert-install', { cert: doomed.certPem, ca: ca.certPem })).rejects.toMatchObject({ code: 'CERT_REFUSED_BY_BROKER', detail: expect.stringContaining('went back to its old one') });
    await until('the device back on its old pair', () => connects(agent), (n) => n > before, 30_000, 50);
    expect((await deviceStatus()).state).not.toBe('offline');
    expect((await link.certCall('cert-request', {})).current?.serial).toBe(serialOf(oldCert()));
    expect(existsSync(join(dataDir, 'mqtt', 'rotated.json'))).toBe(false);
  }, 180_000);

  it('rotates: the device runs on its new certificate, the old serial alone is revoked, and after the reload the old pair cannot connect, also after a restart', async () => {
    const previous = serialOf(oldCert());
    const r = (await cli('mqtt', 'rotate-cert', deviceId)) as unknown as CertRotationResult;
    expect(r).toMatchObject({ deviceId, previousSerial: previous, revoked: [previous], brokerDir });
    expect(r.crlFiles).toContain(join(brokerDir, 'crl.pem'));
    expect(r.reload).toMatch(/SIGHUP/);
    const index = await caIndex();
    expect(index.issued.find((i) => BigInt(`0x${i.serial}`) === BigInt(`0x${previous}`))?.revokedAt).toBeTruthy();
    expect(index.issued.find((i) => BigInt(`0x${i.serial}`) === BigInt(`0x${r.serial}`))?.revokedAt).toBeUndefined();
    expect(agent.output()).toContain(`now on the new certificate (serial ${r.serial}`);
    const files = readdirSync(join(dataDir, 'mqtt'));
    expect(files).toEqual(expect.arrayContaining([`cert-${r.serial}.pem`, `key-${r.serial}.pem`, 'rotated.json']));
    expect(files.filter((f) => f.startsWith('pending-'))).toEqual([]);
    expect(statSync(join(dataDir, 'mqtt', `key-${r.serial}.pem`)).mode & 0o777).toBe(0o600);
    expect((await deviceStatus()).state).not.toBe('offline');
    // The audit log has the operation under the device.
    const audit = unwrap<{ action: string; target: string; outcome: string }[]>(await core.call('audit.list', { action: 'mqtt.rotateCert' }));
    expect(audit.some((e) => e.outcome === 'succeeded' && e.target.includes(deviceId))).toBe(true);

    await reloadBroker();
    const seen = connects(agent);
    expect(await tryConnect(oldCert(), oldKey())).toMatch(/revoked/i);
    expect(connects(agent)).toBe(seen);
    expect((await deviceStatus()).state).not.toBe('offline');

    // A restart with the very flags of the old certificate: the newer, rotated pair wins.
    await agent.stop();
    agent = await connectedAgent();
    expect(agent.output()).toContain(`using the certificate rotated on`);
    expect(agent.output()).not.toMatch(/certificate revoked/i);
    expect((await link.certCall('cert-request', {})).current?.serial).toBe(r.serial);
    expect((await deviceStatus()).state).not.toBe('offline');
  }, 180_000);

  it('refuses bad input with a clear error and exit 2: an unknown device, a device not behind a broker, an offline device; nothing is issued or revoked', async () => {
    const unknown = await edgefleet('mqtt', 'rotate-cert', 'ef-no-such-device', '--home', home);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Device not found/);

    // A LAN agent (found by its HTTPS API) has no broker certificate.
    const lanAgent = await startAgent({ name: 'lan-only' });
    try {
      const lan = unwrap<DeviceSummary>(await core.call('devices.add', { address: `127.0.0.1:${lanAgent.port}` }));
      const notMqtt = await edgefleet('mqtt', 'rotate-cert', lan.id, '--home', home);
      expect(notMqtt.code).toBe(2);
      expect(notMqtt.stderr).toMatch(/devices behind a broker/);
    } finally {
      await lanAgent.stop();
    }

    const crl = readFileSync(join(brokerDir, 'crl.pem'), 'utf8');
    const issuedBefore = JSON.stringify(await caIndex());
    await agent.stop();
    const offline = await edgefleet('mqtt', 'rotate-cert', deviceId, '--home', home);
    expect(offline.code, offline.stderr).toBe(2);
    expect(offline.stderr).toMatch(/Device not reachable/);
    expect(offline.stderr).toMatch(/Nothing was issued or revoked/);
    expect(JSON.stringify(await caIndex())).toBe(issuedBefore);
    expect(readFileSync(join(brokerDir, 'crl.pem'), 'utf8')).toBe(crl);
  }, 120_000);
});
