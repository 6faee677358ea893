// An agent provisioned over SSH onto a host with systemd runs as a systemd unit: a system unit when the
// login is root (mode "systemd"), a user unit when it is not (mode "systemd-user"). The host is a real
// Debian 12 booted with systemd-nspawn (systemd as its PID 1, its sshd on host loopback), from the root
// `.ci/prepare-systemd-root.sh` builds once. For each login the agent's MainPID is killed with SIGKILL;
// systemd must start a new one that answers the console again. Each login ends with ssh.uninstall, so
// the cached root is left as it was found.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceSummary, Job, SshHost, SshProvisionResult } from '../../electron/core/api/types.js';
import { createCore, type Core } from '../../electron/core/core.js';
import { AgentClient } from '../../electron/core/devices/https/agent-client.js';
import { DeviceStore } from '../../electron/core/registry/device-store.js';
import { agentDistDir } from '../../electron/core/ssh/agent-bundle.js';
import { repoRoot } from '../helpers/agent-process.js';
import { unwrap, until } from '../helpers/recovery-fixture.js';
import { requireRoot } from '../helpers/require-root.js';
import { freePort } from '../helpers/sshd.js';

const cache = process.env.EDGEFLEET_SYSTEMD_ROOT_CACHE ?? '/var/cache/edgefleet-ci/systemd-root';
const root = path.join(cache, 'root');
const keyPath = path.join(cache, 'id_ed25519');
const machine = `efns${process.pid}`;

let nspawn: ChildProcess | undefined;
let nspawnExit: Promise<void> | undefined;
let sshPort: number;
let core: Core;
let home: string;

function ssh(user: string, cmd: string): string {
  return execFileSync('ssh', ['-i', keyPath, '-p', String(sshPort), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR', '-o', 'ConnectTimeout=5', `${user}@127.0.0.1`, cmd], { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function trySsh(user: string, cmd: string): string | null {
  try {
    return ssh(user, cmd);
  } catch {
    return null;
  }
}

async function finished(env: Awaited<ReturnType<Core['call']>>): Promise<Job> {
  const job = await core.jobs.wait(unwrap<Job>(env).id);
  if (job.state !== 'succeeded') throw new Error(`${job.kind} ${job.state}: ${JSON.stringify(job.error)}`);
  return job;
}

beforeAll(async () => {
  requireRoot('booting a systemd container with systemd-nspawn');
  if (!existsSync(path.join(cache, 'complete'))) {
    throw new Error(`no systemd root at ${root}: run \`bash .ci/prepare-systemd-root.sh\` (as root) once to build it`);
  }
  if (!existsSync(path.join(agentDistDir(), 'agent.js'))) execFileSync(process.execPath, [path.join(repoRoot, 'scripts/build-agent.js')]);
  sshPort = await freePort();
  writeFileSync(path.join(root, 'etc/ssh/sshd_config.d/ef-port.conf'), `Port ${sshPort}\n`);
  nspawn = spawn('systemd-nspawn', ['-b', '-D', root, `--machine=${machine}`, '--register=no', '--keep-unit', '--console=passive'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  nspawn.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  nspawnExit = new Promise((resolve) => nspawn!.once('exit', () => resolve()));
  await until(`sshd in the container on port ${sshPort} (nspawn: ${stderr.trim() || 'no output'})`, () => nspawn!.exitCode === null && trySsh('root', 'systemctl is-system-running --wait || true'), (v) => v !== null && v !== false, 60_000, 500);
  home = mkdtempSync(path.join(tmpdir(), 'ef-ssh-systemd-'));
  core = createCore({ home, mode: 'cli' });
}, 120_000);

afterAll(async () => {
  await core?.close();
  if (home) rmSync(home, { recursive: true, force: true });
  if (nspawn && nspawn.exitCode === null) {
    nspawn.kill('SIGTERM');
    await Promise.race([nspawnExit, new Promise((r) => setTimeout(r, 30_000))]);
    if (nspawn.exitCode === null) nspawn.kill('SIGKILL');
  }
}, 60_000);

describe.each([
  { user: 'root', mode: 'systemd', ctl: 'systemctl' },
  { user: 'efuser', mode: 'systemd-user', ctl: 'systemctl --user' },
])('SSH-provisioned agent under systemd, login $user', ({ user, mode, ctl }) => {
  const mainPid = () => ssh(user, `${ctl} show -p MainPID --value edgefleet-agent.service`);

  it(`provisions as a ${mode} unit; six kill -9s of its MainPID in a row: systemd starts a new one each time, and it answers; uninstall removes it`, async () => {
    const host = unwrap<SshHost>(await core.call('ssh.add', { host: '127.0.0.1', port: sshPort, user, keyPath }));
    const agentPort = await freePort();
    let uninstalled = false;
    try {
      const r = (await finished(await core.call('ssh.provision', { id: host.id, agentPort, servePort: 0, mdns: false }))).result as SshProvisionResult;
      expect(r.mode).toBe(mode);
      // The root has no Node: the agent runs on the pinned x64 runtime uploaded with it.
      expect(r.check.runtime).toBe('bundled');
      expect(ssh(user, `${ctl} is-active edgefleet-agent.service`)).toBe('active');
      const before = mainPid();
      expect(Number(before)).toBeGreaterThan(0);

      // Six kills in a row, each as soon as systemd has started the next process (one shell loop on the
      // host, no SSH round trip between them): a crash loop as fast as RestartSec allows.
      const show = `${ctl} show -p MainPID --value edgefleet-agent.service`;
      ssh(user, `prev=${before}; for i in 1 2 3 4 5 6; do kill -9 $prev; n=0; while p=$(${show}); [ "$p" = 0 ] || [ "$p" = "$prev" ]; do n=$((n+1)); [ $n -gt 600 ] && exit 1; sleep 0.05; done; prev=$p; done`);
      const pid = await until('a MainPID after six kills', mainPid, (p) => p !== '0' && p !== before, 60_000, 300);
      expect(Number(pid)).toBeGreaterThan(0);
      expect(Number(ssh(user, `${ctl} show -p NRestarts --value edgefleet-agent.service`))).toBeGreaterThanOrEqual(6);

      const [summary] = await until('the device online again', async () => unwrap<DeviceSummary[]>(await core.call('devices.refresh', { ids: [r.deviceId] })), (d) => d[0]?.state === 'online', 60_000, 500);
      expect(summary.id).toBe(r.deviceId);
      const creds = new DeviceStore(core.registry.db).credentials(r.deviceId)!;
      const c = new AgentClient({ host: '127.0.0.1', port: agentPort, fingerprint: creds.fingerprint, token: creds.token, timeoutMs: 5_000 });
      try {
        expect((await c.info()).deviceId).toBe(r.deviceId);
        await c.status();
      } finally {
        c.close();
      }

      unwrap<SshHost>(await core.call('ssh.uninstall', { id: host.id }));
      uninstalled = true;
      expect(ssh(user, `${ctl} is-active edgefleet-agent.service || true`)).not.toBe('active');
    } finally {
      // A failed run must not leave the agent installed in the cached root.
      if (!uninstalled) await core.call('ssh.uninstall', { id: host.id }).catch(() => undefined);
    }
  }, 150_000);
});
