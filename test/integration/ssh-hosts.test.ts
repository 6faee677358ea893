// SSH hosts against a real OpenSSH sshd on loopback with a throwaway user: adding (host key pinned),
// a wrong password, provisioning the agent (it really starts under that user, is paired, and takes a
// deploy over the LAN path), idempotent re-provisioning, agentless deploy and rollback, uninstall, and a
// changed host key.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../electron/core/api/contract.js';
import type { DeployResult, DeviceSummary, Job, SshHost, SshProvisionResult } from '../../electron/core/api/types.js';
import { createCore, type Core } from '../../electron/core/core.js';
import { agentDistDir } from '../../electron/core/ssh/agent-bundle.js';
import { reluModel, writeTemp } from '../fixtures/onnx-models.js';
import { decodeFloats, infer, repoRoot, sampleModelPath } from '../helpers/agent-process.js';
import { until } from '../helpers/recovery-fixture.js';
import { freePort, startSshd, type Sshd } from '../helpers/sshd.js';

let sshd: Sshd;
let core: Core;
let home: string;
let host: SshHost;
let agentPort: number;
// The inference port is left to the agent (0): the test reads the one it bound from its ready line.
const servePort = 0;
let deviceId: string;

function ok<R>(env: Envelope<unknown>): R {
  if (!env.ok) throw new Error(`${env.error.code}: ${env.error.title}: ${env.error.detail}`);
  return env.result as R;
}

async function finished(env: Envelope<unknown>): Promise<Job> {
  const job = await core.jobs.wait(ok<Job>(env).id);
  if (job.state !== 'succeeded') throw new Error(`${job.kind} ${job.state}: ${JSON.stringify(job.error)}`);
  return job;
}

async function importModel(file: string): Promise<string> {
  const job = await finished(await core.call('models.import', { path: file }));
  return (job.result as { modelId: string }).modelId;
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => (s.destroy(), resolve(false)));
  });
}

const installDir = () => path.join(sshd.home, '.local/share/edgefleet-agent');
const dataDir = () => path.join(sshd.home, '.local/state/edgefleet-agent');

/** The inference port the provisioned agent bound, from the last ready line in its log. */
function boundServePort(): number {
  const log = readFileSync(path.join(installDir(), 'agent.log'), 'utf8');
  const ready = [...log.matchAll(/^EDGEFLEET_AGENT_READY (.*)$/gm)].at(-1);
  if (!ready) throw new Error(`no ready line in the agent's log:\n${log}`);
  return Number((JSON.parse(ready[1]) as { servePort: number }).servePort);
}

beforeAll(async () => {
  if (!existsSync(path.join(agentDistDir(), 'agent.js'))) execFileSync(process.execPath, [path.join(repoRoot, 'scripts/build-agent.js')]);
  sshd = await startSshd();
  home = mkdtempSync(path.join(tmpdir(), 'ef-ssh-home-'));
  core = createCore({ home, mode: 'cli' });
  // The console pins the agent's API port, so that one is chosen here.
  agentPort = await freePort();
}, 120_000);

afterAll(async () => {
  // sshd and the throwaway user first: they outlive this process otherwise.
  await sshd?.stop();
  await core?.close();
  if (home) rmSync(home, { recursive: true, force: true });
}, 120_000);

describe('SSH hosts', () => {
  it('rejects a wrong password with a clear error and records nothing', async () => {
    const env = await core.call('ssh.add', { host: '127.0.0.1', port: sshd.port, user: sshd.user, password: 'not-the-password' });
    expect(env.ok).toBe(false);
    if (env.ok) return;
    expect(env.error.code).toBe('SSH_AUTH_FAILED');
    expect(env.error.detail).toContain(`${sshd.user}@127.0.0.1:${sshd.port} refused the password given`);
    expect(ok<SshHost[]>(await core.call('ssh.list', {}))).toEqual([]);
  });

  it('adds a host by password, pins its host key, and lists it as an ssh device; no password is stored', async () => {
    host = ok<SshHost>(await core.call('ssh.add', { host: '127.0.0.1', port: sshd.port, user: sshd.user, password: sshd.password, name: 'factory-box' }));
    expect(host.hostKey).toEqual({ type: 'ssh-ed25519', fingerprint: sshd.hostKeyFingerprint() });
    expect(host.auth).toBe('password');
    expect(host.passwordStored).toBe(false);
    const devices = ok<DeviceSummary[]>(await core.call('devices.list', {}));
    expect(devices.find((d) => d.id === host.id)).toMatchObject({ transport: 'ssh', paired: false, state: 'online', name: 'factory-box' });
    // The password is nowhere under the home folder (database, WAL, keys).
    // -e: a base64url password may start with '-', which grep would take for an option.
    const grep = spawnSync('grep', ['-rl', '-e', sshd.password, home], { encoding: 'utf8' });
    expect(grep.status, grep.stdout).toBe(1);
  });

  it('refuses to provision a password host when no password is given', async () => {
    const env = await core.call('ssh.provision', { id: host.id, agentPort, servePort, mdns: false });
    expect(env.ok).toBe(false);
    if (!env.ok) expect(env.error.code).toBe('SSH_PASSWORD_REQUIRED');
  });

  it('switches the host to key login, then provisions: the agent runs under the user and is paired', async () => {
    host = ok<SshHost>(await core.call('ssh.add', { host: '127.0.0.1', port: sshd.port, user: sshd.user, keyPath: sshd.keyPath }));
    expect(host.auth).toBe('key');
    // What a flat install by an older EdgeFleet left here: provisioning converts it to the release layout.
    mkdirSync(path.join(installDir(), 'node_modules/onnxruntime-node'), { recursive: true });
    writeFileSync(path.join(installDir(), 'agent.js'), '// an old flat install\n');
    execFileSync('chown', ['-R', `${sshd.user}:`, path.join(sshd.home, '.local')]);
    const job = await finished(await core.call('ssh.provision', { id: host.id, agentPort, servePort, mdns: false }));
    const r = job.result as SshProvisionResult;
    expect(readlinkSync(path.join(installDir(), 'current'))).toBe(`releases/${r.release}`);
    expect(readdirSync(path.join(installDir(), 'releases'))).toEqual([r.release]);
    expect(['agent.js', 'node_modules'].filter((f) => existsSync(path.join(installDir(), f)))).toEqual([]);
    // The host's Node is new enough: the release has none, and run.sh is told which node to use.
    expect(existsSync(path.join(installDir(), 'current/node'))).toBe(false);
    expect(readFileSync(path.join(installDir(), 'supervise.sh'), 'utf8')).toMatch(/\/current\/run\.sh' '--node' '\/\S*node' '--data-dir'/);
    expect(r.mode).toBe('background'); // no systemd runs in this sandbox
    expect(r.paired).toBe('new');
    expect(r.uploaded).toBeGreaterThan(3);
    expect(r.check).toMatchObject({ arch: process.arch, root: false, runtime: 'system', systemd: false });
    deviceId = r.deviceId;
    const after = ok<SshHost[]>(await core.call('ssh.list', {}))[0];
    expect(after.deviceId).toBe(deviceId);
    expect(after.provisioned).toMatchObject({ mode: 'background', agentPort, installDir: installDir(), dataDir: dataDir() });
    const devices = ok<DeviceSummary[]>(await core.call('devices.list', {}));
    expect(devices.find((d) => d.id === deviceId)).toMatchObject({ transport: 'lan', paired: true, address: `127.0.0.1:${agentPort}` });
    expect(devices.find((d) => d.id === host.id)).toBeUndefined();
    // The agent process belongs to the SSH user, and its one-time code is used up.
    const pid = Number(readFileSync(path.join(installDir(), 'agent.pid'), 'utf8'));
    expect(execFileSync('ps', ['-o', 'user=', '-p', String(pid)], { encoding: 'utf8' }).trim()).toBe(sshd.user);
    expect(existsSync(path.join(dataDir(), 'pairing-code'))).toBe(false);
  }, 180_000);

  it('deploys a model to the provisioned host through the normal LAN deploy path', async () => {
    const modelId = await importModel(sampleModelPath);
    const job = await finished(await core.call('devices.deploy', { modelId, deviceIds: [deviceId], activate: true, confirm: true }));
    expect((job.result as DeployResult).devices[0]).toMatchObject({ phase: 'confirmed', error: null });
    const device = ok<DeviceSummary>(await core.call('devices.get', { id: deviceId }));
    expect(device.activeModel?.sha256).toBe(sha256(sampleModelPath));
  }, 120_000);

  it('provisioning again changes nothing: no upload, same pairing, the model still active', async () => {
    const pidBefore = readFileSync(path.join(installDir(), 'agent.pid'), 'utf8');
    const job = await finished(await core.call('ssh.provision', { id: host.id, agentPort, servePort, mdns: false }));
    const r = job.result as SshProvisionResult;
    expect(r).toMatchObject({ uploaded: 0, paired: 'already', deviceId });
    expect(readFileSync(path.join(installDir(), 'agent.pid'), 'utf8')).toBe(pidBefore);
    const device = ok<DeviceSummary>(await core.call('devices.get', { id: deviceId }));
    expect(device.activeModel?.sha256).toBe(sha256(sampleModelPath));
    expect(ok<DeviceSummary[]>(await core.call('devices.list', {})).filter((d) => d.transport === 'lan')).toHaveLength(1);
  }, 120_000);

  it('on a host whose current is another (older) release, provisioning switches back without uploading, keeps that one as previous, and prunes the rest', async () => {
    const ours = readlinkSync(path.join(installDir(), 'current'));
    const releases = path.join(installDir(), 'releases');
    for (const old of ['0.0.8-000000000000', '0.0.9-000000000000']) mkdirSync(path.join(releases, old, 'node_modules'), { recursive: true });
    execFileSync('chown', ['-R', `${sshd.user}:`, releases]);
    execFileSync('ln', ['-sfn', 'releases/0.0.9-000000000000', path.join(installDir(), 'current')]);
    const job = await finished(await core.call('ssh.provision', { id: host.id, agentPort, servePort, mdns: false }));
    const r = job.result as SshProvisionResult;
    expect(r).toMatchObject({ uploaded: 0, paired: 'already', deviceId });
    expect(readlinkSync(path.join(installDir(), 'current'))).toBe(ours);
    expect(readlinkSync(path.join(installDir(), 'previous'))).toBe('releases/0.0.9-000000000000');
    expect(readdirSync(releases).sort()).toEqual(['0.0.9-000000000000', ours.slice('releases/'.length)].sort());
    // Switched, so restarted: the agent answers again with its pairing.
    const [summary] = await until('the device online again', async () => ok<DeviceSummary[]>(await core.call('devices.refresh', { ids: [deviceId] })), (d) => d[0]?.state === 'online', 60_000, 500);
    expect(summary.activeModel?.sha256).toBe(sha256(sampleModelPath));
  }, 120_000);

  it('deploys without an agent: sha256 checked remotely, previous file kept, restart run; rollback swaps back', async () => {
    const first = await importModel(sampleModelPath);
    const secondFile = writeTemp('relu.onnx', reluModel());
    const second = await importModel(secondFile);
    const target = path.join(sshd.home, 'app', 'model.onnx');
    const marker = path.join(sshd.home, 'app', 'restarted');
    const restart = `sha256sum ${target} | cut -c1-64 > ${marker}`;
    await finished(await core.call('ssh.deploy', { modelId: first, hostId: host.id, path: target, restart }));
    expect(sha256(target)).toBe(sha256(sampleModelPath));
    expect(existsSync(`${target}.prev`)).toBe(false);
    const job = await finished(await core.call('ssh.deploy', { modelId: second, hostId: host.id, path: target, restart }));
    expect((job.result as DeployResult).devices[0]).toMatchObject({ phase: 'confirmed', bytes: readFileSync(secondFile).length });
    expect(sha256(target)).toBe(sha256(secondFile));
    expect(sha256(`${target}.prev`)).toBe(sha256(sampleModelPath));
    expect(readFileSync(marker, 'utf8').trim()).toBe(sha256(secondFile));
    expect(existsSync(`${target}.tmp`)).toBe(false);
    // Owned by the SSH user, as if the application had put it there.
    expect(execFileSync('stat', ['-c', '%U', target], { encoding: 'utf8' }).trim()).toBe(sshd.user);

    const back = ok<SshHost>(await core.call('ssh.rollback', { id: host.id }));
    expect(sha256(target)).toBe(sha256(sampleModelPath));
    expect(sha256(`${target}.prev`)).toBe(sha256(secondFile));
    expect(readFileSync(marker, 'utf8').trim()).toBe(sha256(sampleModelPath));
    expect(back.lastDeploy).toMatchObject({ rolledBack: true, sha256: sha256(sampleModelPath), previousSha256: sha256(secondFile) });
  }, 120_000);

  it('a failing restart command is reported with its output', async () => {
    const modelId = await importModel(sampleModelPath);
    const env = await core.call('ssh.deploy', { modelId, hostId: host.id, path: path.join(sshd.home, 'app', 'other.onnx'), restart: 'echo service-unknown >&2; exit 3' });
    const job = await core.jobs.wait(ok<Job>(env).id);
    expect(job.state).toBe('failed');
    expect(job.error).toMatchObject({ code: 'RESTART_FAILED' });
    expect(job.error?.detail).toContain('service-unknown');
  }, 60_000);

  it('the agent serves inference on the host after provisioning', async () => {
    // The SSH host is this machine, so its loopback inference endpoint is reachable directly.
    const device = ok<DeviceSummary>(await core.call('devices.get', { id: deviceId }));
    const res = await infer(boundServePort());
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.model?.version).toBe(device.activeModel?.version);
    expect(res.body.outputs?.logits.dims).toEqual([1, 10]);
    expect(decodeFloats(res.body.outputs!.logits.data).every(Number.isFinite)).toBe(true);
  });

  it('uninstall stops the agent and removes its service, files and data; the host stays as an ssh device', async () => {
    const after = ok<SshHost>(await core.call('ssh.uninstall', { id: host.id }));
    expect(after.provisioned).toBeNull();
    expect(after.deviceId).toBe(host.id);
    expect(existsSync(installDir())).toBe(false);
    expect(existsSync(dataDir())).toBe(false);
    expect(await listening(agentPort)).toBe(false);
    const devices = ok<DeviceSummary[]>(await core.call('devices.list', {}));
    expect(devices.find((d) => d.id === deviceId)).toBeUndefined();
    expect(devices.find((d) => d.id === host.id)).toMatchObject({ transport: 'ssh' });
  }, 60_000);

  it('stops at a changed host key and names both fingerprints', async () => {
    const pinned = sshd.hostKeyFingerprint();
    await sshd.changeHostKey();
    const fresh = sshd.hostKeyFingerprint();
    expect(fresh).not.toBe(pinned);
    const env = await core.call('ssh.rollback', { id: host.id });
    expect(env.ok).toBe(false);
    if (env.ok) return;
    expect(env.error.code).toBe('HOST_KEY_CHANGED');
    expect(env.error.detail).toContain(pinned);
    expect(env.error.detail).toContain(fresh);
    expect(env.error.detail).toContain(`edgefleet ssh remove ${host.id}`);
    // Nothing ran on the host: the file is still the one the rollback left.
    expect(sha256(path.join(sshd.home, 'app', 'model.onnx'))).toBe(sha256(sampleModelPath));
  }, 60_000);
});
