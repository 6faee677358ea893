// An agent provisioned over SSH onto a host without systemd runs under the supervisor script the
// provisioning writes (<install>/supervise.sh), which runs the release's run.sh. Its documented behaviour:
// the agent is restarted after every exit, 2 s later, with no backoff and no limit, and the supervisor stays up. Here the agent is killed
// with SIGKILL (not the supervisor), once and then five times in a row, each new agent killed as
// soon as it appears; each time a new agent process must come up under the same supervisor, answer
// the console on its pinned port with the stored pairing, and serve the model that was active.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployResult, DeviceSummary, Job, SshHost, SshProvisionResult } from '../../electron/core/api/types.js';
import { createCore, type Core } from '../../electron/core/core.js';
import { AgentClient } from '../../electron/core/devices/https/agent-client.js';
import { DeviceStore } from '../../electron/core/registry/device-store.js';
import { agentDistDir } from '../../electron/core/ssh/agent-bundle.js';
import { infer, repoRoot, sampleModelPath, type InferResult } from '../helpers/agent-process.js';
import { unwrap, until } from '../helpers/recovery-fixture.js';
import { freePort, startSshd, type Sshd } from '../helpers/sshd.js';

let sshd: Sshd;
let core: Core;
let home: string;
let agentPort: number;
// Both ports pinned: the restarted agent must come back on the same ones.
let servePort: number;
let deviceId: string;
let activeVersion: string;

const installDir = () => path.join(sshd.home, '.local/share/edgefleet-agent');

async function finished(env: Awaited<ReturnType<Core['call']>>): Promise<Job> {
  const job = await core.jobs.wait(unwrap<Job>(env).id);
  if (job.state !== 'succeeded') throw new Error(`${job.kind} ${job.state}: ${JSON.stringify(job.error)}`);
  return job;
}

/** The supervisor's pid, from the pid file the provisioning wrote. */
function supervisorPid(): number {
  return Number(readFileSync(path.join(installDir(), 'agent.pid'), 'utf8').trim());
}

/** The live children of `parent` (a zombie awaiting `wait` and a restart's `sleep` are not counted). */
function childrenOf(parent: number): { pid: number; user: string; comm: string }[] {
  let out: string;
  try {
    out = execFileSync('ps', ['-o', 'pid=,user:64=,stat=,comm=', '--ppid', String(parent)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when there is no child (sleeping before a restart)
  }
  return out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([, , stat, comm]) => !stat.startsWith('Z') && comm !== 'sleep')
    .map(([pid, user, , comm]) => ({ pid: Number(pid), user, comm }));
}

/** The agents under the supervisor: it runs current/run.sh (the release's watchdog), which runs node. */
function agentsOf(supervisor: number): { pid: number; user: string; comm: string }[] {
  return childrenOf(supervisor).flatMap((c) => (c.comm === 'node' ? [c] : childrenOf(c.pid)));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits for an agent under the supervisor that is none of `gone`. */
function nextAgent(supervisor: number, gone: number[]): Promise<{ pid: number; user: string; comm: string }> {
  return until(
    `a new agent under supervisor ${supervisor} (not ${gone.join(', ')})`,
    () => agentsOf(supervisor).find((a) => !gone.includes(a.pid)),
    (a) => a !== undefined,
    60_000,
  ).then((a) => a!);
}

/** info and status from the agent over the pairing the console stored at provisioning. */
async function askAgent(): Promise<{ info: { deviceId: string }; status: { active: { manifest: { version: string; sha256: string } } | null } }> {
  const creds = new DeviceStore(core.registry.db).credentials(deviceId)!;
  const c = new AgentClient({ host: '127.0.0.1', port: agentPort, fingerprint: creds.fingerprint, token: creds.token, timeoutMs: 5_000 });
  try {
    return { info: await c.info(), status: await c.status() };
  } finally {
    c.close();
  }
}

/** After a kill: the console sees the device online again, and the model it had is served. */
async function expectBackAndServing(): Promise<void> {
  const [summary] = await until('the device online again', async () => unwrap<DeviceSummary[]>(await core.call('devices.refresh', { ids: [deviceId] })), (d) => d[0]?.state === 'online', 60_000, 500);
  expect(summary.activeModel?.version).toBe(activeVersion);
  const { info, status } = await askAgent();
  expect(info.deviceId).toBe(deviceId);
  expect(status.active?.manifest).toMatchObject({ version: activeVersion, sha256: sha256(sampleModelPath) });
  const res = await until('inference on the serve port', () => infer(servePort).catch((e: Error): InferResult => ({ status: 0, body: { detail: e.message } })), (r) => r.status !== 0, 30_000, 200);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.model?.version).toBe(activeVersion);
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

beforeAll(async () => {
  if (!existsSync(path.join(agentDistDir(), 'agent.js'))) execFileSync(process.execPath, [path.join(repoRoot, 'scripts/build-agent.js')]);
  sshd = await startSshd();
  home = mkdtempSync(path.join(tmpdir(), 'ef-ssh-super-'));
  core = createCore({ home, mode: 'cli' });
  agentPort = await freePort();
  servePort = await freePort();
}, 120_000);

afterAll(async () => {
  // Stops the supervisor's whole process group and removes the user.
  await sshd?.stop();
  await core?.close();
  if (home) rmSync(home, { recursive: true, force: true });
}, 120_000);

describe('SSH-provisioned agent under the supervisor (no systemd)', () => {
  it('provisions in supervised mode and serves a deployed, confirmed model', async () => {
    const host = unwrap<SshHost>(await core.call('ssh.add', { host: '127.0.0.1', port: sshd.port, user: sshd.user, keyPath: sshd.keyPath }));
    const r = (await finished(await core.call('ssh.provision', { id: host.id, agentPort, servePort, mdns: false }))).result as SshProvisionResult;
    expect(r.mode).toBe('background');
    deviceId = r.deviceId;
    // The script that keeps it running is the one the provisioning wrote, with its restart loop.
    expect(readFileSync(path.join(installDir(), 'supervise.sh'), 'utf8')).toMatch(/while :; do[\s\S]*wait "\$child"\s*\n\s*sleep 2\s*\ndone/);

    const { modelId } = (await finished(await core.call('models.import', { path: sampleModelPath }))).result as { modelId: string };
    const deploy = await finished(await core.call('devices.deploy', { modelId, deviceIds: [deviceId], activate: true, confirm: true }));
    expect((deploy.result as DeployResult).devices[0]).toMatchObject({ phase: 'confirmed', error: null });
    const device = unwrap<DeviceSummary>(await core.call('devices.get', { id: deviceId }));
    expect(device.activeModel?.sha256).toBe(sha256(sampleModelPath));
    activeVersion = device.activeModel!.version;
    const res = await infer(servePort);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.model?.version).toBe(activeVersion);
  }, 180_000);

  it('kill -9 of the agent: the supervisor starts a new one, which answers and serves the same model', async () => {
    const supervisor = supervisorPid();
    const [agent] = agentsOf(supervisor);
    expect(agent).toMatchObject({ user: sshd.user, comm: 'node' });
    process.kill(agent.pid, 'SIGKILL');
    const next = await nextAgent(supervisor, [agent.pid]);
    expect(next).toMatchObject({ user: sshd.user, comm: 'node' });
    expect(alive(agent.pid)).toBe(false);
    expect(supervisorPid()).toBe(supervisor);
    expect(alive(supervisor)).toBe(true);
    await expectBackAndServing();
  }, 120_000);

  it('killed five times in a row, each new agent at once: no backoff limit, the supervisor never gives up', async () => {
    const supervisor = supervisorPid();
    const seen = agentsOf(supervisor).map((a) => a.pid);
    expect(seen).toHaveLength(1);
    for (let i = 0; i < 5; i++) {
      process.kill(seen.at(-1)!, 'SIGKILL');
      seen.push((await nextAgent(supervisor, seen)).pid);
    }
    expect(new Set(seen).size).toBe(6);
    expect(alive(supervisor)).toBe(true);
    expect(agentsOf(supervisor).map((a) => a.pid)).toEqual([seen.at(-1)]);
    await expectBackAndServing();
  }, 180_000);
});
