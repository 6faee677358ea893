// An agent provisioned over SSH onto a host with systemd runs as a systemd unit: a system unit when the
// login is root (mode "systemd"), a user unit when it is not (mode "systemd-user"). The host is a real
// Debian 12 booted with systemd-nspawn (systemd as its PID 1, its sshd on host loopback), from the root
// `.ci/prepare-systemd-root.sh` builds once. For each login the agent's MainPID is killed with SIGKILL;
// systemd must start a new one that answers the console again. Each login ends with ssh.uninstall, so
// the cached root is left as it was found. Then a self-contained x64 build installed by hand with its
// install.sh (the default release layout) runs under the packaged unit (hardened: ProtectSystem=strict
// with only the prefix and the data folder writable), pairs, and upgrades itself from the console to a
// newer signed build under that unit; everything it installed is removed again afterwards.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceSummary, Job, SshHost, SshProvisionResult } from '../../electron/core/api/types.js';
import { createCore, type Core } from '../../electron/core/core.js';
import { buildAgentArchive } from '../../electron/core/agent-build/agent-build.js';
import { upgradeAgents } from '../../electron/core/devices/agent-upgrade.js';
import { DeviceContext } from '../../electron/core/devices/device-context.js';
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

describe('a hand-installed build under the packaged systemd unit (release layout)', () => {
  const cleanup = 'systemctl disable --now edgefleet-agent.service 2>/dev/null; rm -f /etc/systemd/system/edgefleet-agent.service; systemctl daemon-reload; ' +
    'rm -rf /opt/edgefleet-agent /var/lib/edgefleet-agent /root/ef-build; id -u edgefleet >/dev/null 2>&1 && userdel edgefleet; true';

  it('install.sh starts the unit on current/run.sh; the agent pairs and upgrades itself to a newer build, which systemd keeps running', async () => {
    const ctx = new DeviceContext(core.home, core.registry, core.bus);
    const key = await ctx.consoleKey();
    const work = path.join(root, 'root/ef-build');
    rmSync(work, { recursive: true, force: true });
    execFileSync('mkdir', ['-p', work]);
    await buildAgentArchive({ arch: 'x64', output: path.join(work, 'first.tar.gz'), key, agentVersion: '9.3.0' });
    const next = path.join(home, 'next.tar.gz');
    await buildAgentArchive({ arch: 'x64', output: next, key, agentVersion: '9.3.1' });
    const [port, servePort] = [await freePort(), await freePort()];
    try {
      const out = ssh('root', `cd /root/ef-build && tar -xzf first.tar.gz && sh edgefleet-agent-9.3.0-linux-x64/install.sh --port ${port} --serve-port ${servePort} 2>&1`);
      expect(out).toMatch(/installed in \/opt\/edgefleet-agent \(release 9\.3\.0-[0-9a-f]{12}\)/);
      expect(out).toContain('Started the systemd unit edgefleet-agent');
      const unit = ssh('root', 'cat /etc/systemd/system/edgefleet-agent.service');
      expect(unit).toContain(`ExecStart=/opt/edgefleet-agent/current/run.sh --data-dir \${STATE_DIRECTORY} --port ${port} --serve-port ${servePort}`);
      expect(unit).toMatch(/ProtectSystem=strict\nReadWritePaths=\/opt\/edgefleet-agent\n/);
      expect(ssh('root', 'systemctl is-active edgefleet-agent.service')).toBe('active');
      const code = /^Pairing code: (\S+)$/m.exec(out)?.[1];
      expect(code).toMatch(/^[A-Z0-9]{8}$/);
      const paired = await until('pairing with the agent under the unit', () => core.call('devices.pair', { address: `127.0.0.1:${port}`, code: code! }), (env) => env.ok, 60_000, 500);
      const deviceId = unwrap<DeviceSummary>(paired).id;

      const rows = await upgradeAgents(ctx, { deviceIds: [deviceId], buildFor: async () => next, trialSec: 120 });
      expect(rows.map((r) => [r.phase, r.from, r.to, r.error?.detail ?? null])).toEqual([['upgraded', '9.3.0', '9.3.1', null]]);
      expect(ssh('root', 'readlink /opt/edgefleet-agent/current')).toMatch(/^releases\/9\.3\.1-[0-9a-f]{12}$/);
      expect(ssh('root', 'readlink /opt/edgefleet-agent/previous')).toMatch(/^releases\/9\.3\.0-[0-9a-f]{12}$/);
      expect(ssh('root', 'systemctl is-active edgefleet-agent.service')).toBe('active');
      // The unit's process tree: run.sh (MainPID, the watchdog) runs the new release's agent as the agent's user.
      const main = ssh('root', 'systemctl show -p MainPID --value edgefleet-agent.service');
      expect(ssh('root', `ps -o comm= -p ${main}`)).toBe('run.sh');
      expect(ssh('root', `ps -o user:32=,args= --ppid ${main}`)).toMatch(/^edgefleet\s+\/opt\/edgefleet-agent\/current\/node\/bin\/node \/opt\/edgefleet-agent\/current\/agent\.js /);
      const creds = new DeviceStore(core.registry.db).credentials(deviceId)!;
      const c = new AgentClient({ host: '127.0.0.1', port, fingerprint: creds.fingerprint, token: creds.token, timeoutMs: 5_000 });
      try {
        expect((await c.info()).agentVersion).toBe('9.3.1');
        expect((await c.status()).agentUpgrade).toMatchObject({ outcome: 'upgraded', from: '9.3.0', to: '9.3.1' });
      } finally {
        c.close();
      }
    } finally {
      ssh('root', cleanup);
    }
    expect(ssh('root', 'test -e /opt/edgefleet-agent || test -e /etc/systemd/system/edgefleet-agent.service || echo clean')).toBe('clean');
  }, 300_000);
});
