// Devices behind a broker pull their artifacts over HTTP(S) (upload-fetch) instead of taking them in
// chunks through the broker: real agents over a real Mosquitto, deployed through the job worker, with
// the console's artifact server, a server that cuts the first download in half (Range resume), one
// that holds other bytes, Python's static http.server over an `artifacts export` folder, an HTTPS
// server with the console's own CA, and a closed port (the chunked fallback).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceSummary, Job } from '../../electron/core/api/types.js';
import { startArtifactServer, type ArtifactRequestLog, type ArtifactServer } from '../../electron/core/artifacts/artifact-server.js';
import { createCore, type Core } from '../../electron/core/core.js';
import type { DeployTaskResult } from '../../electron/core/devices/deploy-task.js';
import { writeArtifactBaseUrl } from '../../electron/core/devices/mqtt/artifacts-url.js';
import { MqttLink } from '../../electron/core/devices/mqtt/mqtt-link.js';
import { consoleSigner } from '../../electron/core/devices/mqtt/open-mqtt-link.js';
import { artifactPath } from '../../electron/core/registry/artifact-store.js';
import { describeArtifact, signManifest, type SignedManifest } from '../../resources/device-protocol/messages.js';
import type { RequestEnvelope } from '../../resources/device-protocol/mqtt/envelope.js';
import { infer, startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { edgefleet } from '../helpers/edgefleet-cli.js';
import { startBroker, type Broker } from '../helpers/mosquitto.js';
import { freePort } from '../helpers/sshd.js';
import { register, unwrap, until, variant } from '../helpers/recovery-fixture.js';

const home = mkdtempSync(join(tmpdir(), 'ef-fetch-'));
const scratch = mkdtempSync(join(tmpdir(), 'ef-fetch-scratch-'));
let broker: Broker;
let core: Core;
let server: ArtifactServer;
const served: ArtifactRequestLog[] = [];
let agent: AgentProcess;
let tlsAgent: AgentProcess;
let spy: MqttClient;
/** Operations seen on the agents' request topics, in order. */
const ops: { deviceId: string; op: string }[] = [];
const children: ChildProcess[] = [];
const httpServers: http.Server[] = [];

/** Full models unless `delta`: the cases below are about how the whole file travels. */
async function runDeploy(modelId: string, deviceId: string, delta = false): Promise<DeployTaskResult['devices'][number]> {
  const job = unwrap<Job>(await core.call('devices.deploy', { modelId, deviceIds: [deviceId], activate: true, confirm: true, maxLatencyMs: 10_000, delta }));
  const done = await core.jobs.wait(job.id);
  const row = (done.result as DeployTaskResult | null)?.devices[0];
  if (!row) throw new Error(`deploy job ended without a result: ${JSON.stringify(done)}`);
  return row;
}

function opsFor(deviceId: string, since: number): string[] {
  return ops.slice(since).filter((o) => o.deviceId === deviceId).map((o) => o.op);
}

/** A test HTTP server on loopback; `handle` sees every request. */
async function testServer(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const s = http.createServer(handle);
  httpServers.push(s);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

/** A manifest for `bytes` signed by `key`, with a release above what the device has accepted (nothing is activated from it). */
async function manifestFor(l: MqttLink, bytes: Uint8Array, key = consoleSigner(home)): Promise<SignedManifest> {
  const manifest = { ...describeArtifact(bytes, 'hand-made', '1'), release: ((await l.call('status')).release ?? 0) + 1 };
  return { manifest, signature: signManifest(key, manifest) };
}

function link(deviceId: string): MqttLink {
  return new MqttLink({ brokerUrl: broker.url, deviceId, signer: consoleSigner(home), timeoutMs: 30_000 });
}

beforeAll(async () => {
  broker = await startBroker();
  core = createCore({ home, mode: 'cli' });
  server = await startArtifactServer({ home, onRequest: (r) => served.push(r) });
  // The console's CA for the HTTPS case, made with openssl like an operator would.
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=test artifact CA', '-keyout', join(scratch, 'ca.key'), '-out', join(scratch, 'ca.pem')], { stdio: 'ignore' });
  execFileSync('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', join(scratch, 'server.key'), '-out', join(scratch, 'server.csr')], { stdio: 'ignore' });
  writeFileSync(join(scratch, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  execFileSync('openssl', ['x509', '-req', '-in', join(scratch, 'server.csr'), '-CA', join(scratch, 'ca.pem'), '-CAkey', join(scratch, 'ca.key'), '-CAcreateserial', '-days', '2', '-extfile', join(scratch, 'ext.cnf'), '-out', join(scratch, 'server.pem')], { stdio: 'ignore' });
  agent = await startAgent({ name: 'fetch-0', args: ['--mqtt', broker.url] });
  tlsAgent = await startAgent({ name: 'fetch-tls', args: ['--mqtt', broker.url, '--artifact-ca', join(scratch, 'ca.pem')] });
  for (const a of [agent, tlsAgent]) unwrap<DeviceSummary>(await core.call('mqtt.add', { broker: broker.url, deviceId: a.deviceId, code: a.pairingCode! }));
  spy = mqtt.connect(broker.url, { protocolVersion: 5, clientId: `spy-${process.pid}`, reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => {
    spy.once('connect', () => resolve());
    spy.once('error', reject);
  });
  await spy.subscribeAsync('ef/v1/d/+/req', { qos: 1 });
  spy.on('message', (topic, payload) => {
    const env = JSON.parse(payload.toString()) as RequestEnvelope;
    ops.push({ deviceId: topic.split('/')[3], op: env.op });
  });
}, 120_000);

afterAll(async () => {
  await spy?.endAsync();
  await core?.close();
  await server?.close();
  for (const s of httpServers) {
    s.closeAllConnections();
    s.close();
  }
  for (const c of children) c.kill('SIGTERM');
  await Promise.all([agent, tlsAgent].filter(Boolean).map((a) => a.stop()));
  await broker?.stop();
  rmSync(home, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

describe('upload-fetch: devices pull artifacts over HTTP', () => {
  it("deploys through the console's artifact server: the bytes come by GET, not over the broker", async () => {
    await writeArtifactBaseUrl(home, server.url);
    const v1 = register(core, 'fetch-1', variant('fetch-1'));
    const since = ops.length;
    const row = await runDeploy(v1.id, agent.deviceId);
    expect([row.phase, row.error]).toEqual(['confirmed', null]);
    expect((await infer(agent.servePort)).body.model).toMatchObject({ sha256: v1.sha256 });
    const gets = served.filter((r) => r.method === 'GET' && r.path === `/sha256/${v1.sha256}`);
    expect(gets.map((g) => [g.status, g.range, g.bytes])).toEqual([[206, 'bytes=0-', variant('fetch-1').byteLength]]);
    expect(opsFor(agent.deviceId, since)).toContain('upload-fetch');
    expect(opsFor(agent.deviceId, since)).not.toContain('upload-chunk');
    expect(opsFor(agent.deviceId, since)).not.toContain('upload-begin');
  }, 120_000);

  it('a second version goes as a delta, pulled by GET from the same server under its own sha256', async () => {
    const v2 = register(core, 'fetch-1b', variant('fetch-1b'));
    const since = ops.length;
    const row = await runDeploy(v2.id, agent.deviceId, true);
    expect([row.phase, row.error]).toEqual(['confirmed', null]);
    expect(row.transfer?.mode, JSON.stringify(row.transfer)).toBe('delta');
    expect((await infer(agent.servePort)).body.model).toMatchObject({ sha256: v2.sha256 });
    const deltaGets = served.filter((r) => r.method === 'GET' && r.status === 206 && r.bytes === row.transfer!.bytes);
    expect(deltaGets.length).toBeGreaterThan(0);
    expect(row.transfer!.bytes).toBeLessThan(variant('fetch-1b').byteLength / 10);
    expect(opsFor(agent.deviceId, since)).toContain('upload-fetch');
    expect(opsFor(agent.deviceId, since)).not.toContain('upload-chunk');
  }, 120_000);

  it('resumes with Range from the durable offset after the connection is cut half-way', async () => {
    const v2 = register(core, 'fetch-2', variant('fetch-2'));
    const bytes = readFileSync(artifactPath(home, v2.sha256));
    const ranges: string[] = [];
    const base = await testServer((req, res) => {
      const range = String(req.headers.range ?? '');
      ranges.push(range);
      const from = Number(/^bytes=(\d+)-$/.exec(range)?.[1] ?? 0);
      res.writeHead(from > 0 ? 206 : 200, { 'Content-Length': String(bytes.length - from), ...(from > 0 ? { 'Content-Range': `bytes ${from}-${bytes.length - 1}/${bytes.length}` } : {}) });
      if (ranges.length === 1) {
        // The first answer stops after half the bytes: written, given time to arrive, then the socket is cut.
        res.write(bytes.subarray(0, bytes.length >> 1), () => setTimeout(() => res.socket?.destroy(), 300));
        return;
      }
      res.end(bytes.subarray(from));
    });
    await writeArtifactBaseUrl(home, base);
    const since = ops.length;
    const row = await runDeploy(v2.id, agent.deviceId);
    expect([row.phase, row.error]).toEqual(['confirmed', null]);
    expect(ranges[0]).toBe('bytes=0-');
    expect(ranges.length).toBeGreaterThanOrEqual(2);
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(ranges[1])?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(bytes.length >> 1);
    expect(opsFor(agent.deviceId, since)).not.toContain('upload-chunk');
    expect((await infer(agent.servePort)).body.model).toMatchObject({ sha256: v2.sha256 });
  }, 120_000);

  it('bytes at the URL that differ from the manifest: ARTIFACT_HASH_MISMATCH, nothing staged or activated, no fallback', async () => {
    const before = (await infer(agent.servePort)).body.model;
    const v3 = register(core, 'fetch-3', variant('fetch-3'));
    const other = randomBytes(variant('fetch-3').byteLength);
    const base = await testServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': String(other.length) });
      res.end(other);
    });
    await writeArtifactBaseUrl(home, base);
    const since = ops.length;
    const row = await runDeploy(v3.id, agent.deviceId);
    expect(row.phase).toBe('failed');
    expect(row.error?.code).toBe('ARTIFACT_HASH_MISMATCH');
    expect(opsFor(agent.deviceId, since)).not.toContain('upload-chunk');
    expect(opsFor(agent.deviceId, since)).not.toContain('activate');
    const status = await link(agent.deviceId).call('status');
    expect(status.upload).toBeNull();
    expect(status.active?.manifest.name).toBe('fetch-2');
    expect((await infer(agent.servePort)).body.model).toEqual(before);
  }, 120_000);

  it('a body longer than the manifest is cut and refused', async () => {
    const v4 = register(core, 'fetch-4', variant('fetch-4'));
    const bytes = readFileSync(artifactPath(home, v4.sha256));
    let sent = 0;
    const base = await testServer((_req, res) => {
      // Chunked, so no length says in advance that it is too long; then it goes on and on.
      res.writeHead(200);
      res.write(bytes);
      const more = setInterval(() => {
        if (res.destroyed || sent > 64 << 20) return clearInterval(more);
        sent += 1 << 20;
        res.write(Buffer.alloc(1 << 20));
      }, 5);
      res.once('close', () => clearInterval(more));
    });
    const l = link(agent.deviceId);
    const signed = await manifestFor(l, bytes);
    await expect(l.call('upload-fetch', { signed, url: `${base}/sha256/${v4.sha256}` })).rejects.toMatchObject({ code: 'UPLOAD_TOO_LONG' });
    expect(sent).toBeLessThan(64 << 20);
    expect((await l.call('status')).upload).toBeNull();
    l.close();
  }, 60_000);

  it('a manifest signed by another key is refused before any byte is requested', async () => {
    const hits: string[] = [];
    const base = await testServer((req, res) => {
      hits.push(req.url ?? '');
      res.end();
    });
    const stranger = generateKeyPairSync('ed25519').privateKey;
    const l = link(agent.deviceId);
    const { manifest, signature } = await manifestFor(l, variant('fetch-foreign'), stranger);
    await expect(l.call('upload-fetch', { signed: { manifest, signature }, url: `${base}/sha256/${manifest.sha256}` })).rejects.toMatchObject({ code: 'MANIFEST_SIGNATURE_INVALID' });
    // An unsigned one too (an empty signature).
    await expect(l.call('upload-fetch', { signed: { manifest, signature: '' }, url: `${base}/sha256/${manifest.sha256}` })).rejects.toMatchObject({ code: expect.stringMatching(/MANIFEST_SIGNATURE_INVALID|REQUEST_INVALID/) });
    l.close();
    expect(hits).toEqual([]);
  }, 60_000);

  it('works from a plain static web server (Python http.server, no Range) over an `artifacts export` folder, set with `mqtt artifacts-url`', async () => {
    const v5 = register(core, 'fetch-5', variant('fetch-5'));
    const dir = join(scratch, 'www');
    const exported = await edgefleet('artifacts', 'export', dir, '--model', 'fetch-5', '--home', home, '--json');
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ written: [v5.sha256], skipped: [] });
    expect(readFileSync(join(dir, 'sha256', v5.sha256)).equals(Buffer.from(variant('fetch-5')))).toBe(true);
    const again = await edgefleet('artifacts', 'export', dir, '--home', home, '--json');
    expect(JSON.parse(again.stdout).skipped).toContain(v5.sha256);

    const port = await freePort();
    const py = spawn('/usr/bin/python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(py);
    let log = '';
    py.stderr!.on('data', (c: Buffer) => (log += c.toString()));
    await until('http.server up', () => fetch(`http://127.0.0.1:${port}/`).then((r) => r.status, () => 0), (s) => s === 200, 20_000, 100);

    const bad = await edgefleet('mqtt', 'artifacts-url', 'ftp://127.0.0.1/x', '--home', home);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Invalid artifacts URL.*not http or https/);
    const set = await edgefleet('mqtt', 'artifacts-url', `http://127.0.0.1:${port}/`, '--home', home);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(home, 'mqtt', 'artifacts.json'), 'utf8'))).toEqual({ baseUrl: `http://127.0.0.1:${port}` });

    const since = ops.length;
    const row = await runDeploy(v5.id, agent.deviceId);
    expect([row.phase, row.error]).toEqual(['confirmed', null]);
    expect(log).toContain(`"GET /sha256/${v5.sha256} HTTP/1.1" 200`);
    expect(opsFor(agent.deviceId, since)).not.toContain('upload-chunk');
  }, 120_000);

  it('HTTPS with the CA given by --artifact-ca; an agent without it says so and gets chunks', async () => {
    const tlsServer = await startArtifactServer({ home, tls: { certFile: join(scratch, 'server.pem'), keyFile: join(scratch, 'server.key') }, onRequest: (r) => served.push(r) });
    try {
      expect(tlsServer.url).toMatch(/^https:\/\/127\.0\.0\.1:/);
      await writeArtifactBaseUrl(home, tlsServer.url);
      const v6 = register(core, 'fetch-6', variant('fetch-6'));
      const since = ops.length;
      const row = await runDeploy(v6.id, tlsAgent.deviceId);
      expect([row.phase, row.error]).toEqual(['confirmed', null]);
      expect(opsFor(tlsAgent.deviceId, since)).not.toContain('upload-chunk');
      expect(served.filter((r) => r.path === `/sha256/${v6.sha256}` && r.status === 206)).toHaveLength(1);

      // The other agent does not trust that CA: the pull fails on TLS, naming the flag, and the console falls back.
      const l = link(agent.deviceId);
      await expect(l.call('upload-fetch', { signed: await manifestFor(l, variant('fetch-6')), url: `${tlsServer.url}/sha256/${v6.sha256}` })).rejects.toMatchObject({
        code: 'ARTIFACT_FETCH_FAILED',
        detail: expect.stringContaining('--artifact-ca'),
      });
      l.close();
      const before = ops.length;
      const fallback = await runDeploy(v6.id, agent.deviceId);
      expect([fallback.phase, fallback.error]).toEqual(['confirmed', null]);
      expect(opsFor(agent.deviceId, before)).toEqual(expect.arrayContaining(['upload-fetch', 'upload-begin', 'upload-chunk']));
    } finally {
      await tlsServer.close();
    }
  }, 120_000);

  it('with the artifacts URL on a closed port the deploy still completes through the chunked fallback', async () => {
    await writeArtifactBaseUrl(home, `http://127.0.0.1:${await freePort()}`);
    const v7 = register(core, 'fetch-7', variant('fetch-7'));
    const since = ops.length;
    const row = await runDeploy(v7.id, agent.deviceId);
    expect([row.phase, row.error]).toEqual(['confirmed', null]);
    const seen = opsFor(agent.deviceId, since);
    expect(seen.indexOf('upload-fetch')).toBeGreaterThanOrEqual(0);
    expect(seen.indexOf('upload-chunk')).toBeGreaterThan(seen.indexOf('upload-fetch'));
    expect((await infer(agent.servePort)).body.model).toMatchObject({ sha256: v7.sha256 });
  }, 120_000);
});
