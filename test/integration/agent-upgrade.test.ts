// The agent upgrades itself, for real: x64 builds made by buildAgentArchive (same code, told apart by
// agentVersion), the first installed by install.sh --layout releases into a temporary prefix with a
// dedicated user and run under its own current/run.sh (the watchdog); paired by the built CLI; then a
// good build is upgraded to, a build whose agent.js exits at once is reverted by run.sh, a build signed
// by another key is refused with nothing changed, kill -9 at the steps of the switch leaves the device
// on one of the two builds, a build that never confirms is reverted at its deadline, and `edgefleet
// agent upgrade` does the same from the console with an audit entry. No timings: every wait is for an
// answer (bounded by a number of tries).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAgentArchive } from '../../electron/core/agent-build/agent-build.js';
import { createCore, type Core } from '../../electron/core/core.js';
import { loadOrCreateConsoleKey, type ConsoleKey } from '../../electron/core/devices/console-key.js';
import { DeviceContext } from '../../electron/core/devices/device-context.js';
import { openLink } from '../../electron/core/devices/open-link.js';
import type { DeviceLink } from '../../resources/device-protocol/device-link.js';
import { agentBuildArtifactName, signManifest, type Manifest, type SignedManifest } from '../../resources/device-protocol/messages.js';
import { upgradeAgents, type AgentUpgradeProgress } from '../../electron/core/devices/agent-upgrade.js';
import { planStages } from '../../electron/core/rollouts/stages.js';
import { repoRoot, startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { requireRoot } from '../helpers/require-root.js';

const testUser = 'ef-upgrade-test';
const work = mkdtempSync(path.join(tmpdir(), 'ef-agent-upgrade-'));
const prefix = path.join(work, 'opt/edgefleet-agent');
const dataDir = path.join(work, 'var/lib/edgefleet-agent');
const home = path.join(work, 'home');
let konsole: ConsoleKey;
const stranger = generateKeyPairSync('ed25519');
const archives: Record<string, string> = {};
let createdUser = false;
let supervisor: ChildProcess | null = null;
let output = '';
let ports = { port: 0, servePort: 0 };
let client: DeviceLink;
let core: Core;
let deviceId = '';
let release = 0;

function run(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Starts <prefix>/current/run.sh as the agent's user, in its own process group (stopped as a whole). */
function startSupervisor(env: Record<string, string> = {}): void {
  output = '';
  const args = ['--data-dir', dataDir, '--port', String(ports.port), '--serve-port', String(ports.servePort), '--host', '127.0.0.1', '--no-mdns', '--name', 'upgrade-test'];
  supervisor = spawn('setpriv', [`--reuid=${testUser}`, `--regid=${testUser}`, '--init-groups', path.join(prefix, 'current/run.sh'), ...args], {
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  supervisor.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  supervisor.stderr!.on('data', (c: Buffer) => (output += c.toString()));
}

async function stopSupervisor(): Promise<void> {
  const s = supervisor;
  if (!s || s.exitCode !== null || s.signalCode !== null) return;
  const exited = new Promise((resolve) => s.once('exit', resolve));
  process.kill(-s.pid!, 'SIGTERM');
  await exited;
  supervisor = null;
}

/** Asks until `ok` holds for the device's answer; connection errors while it restarts are expected. */
async function waitFor<T>(ask: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  let last: unknown = null;
  // Bounded by tries, not time, so a hang fails with the last answer rather than the test timeout.
  for (let tries = 0; tries < 2000; tries++) {
    if (supervisor && (supervisor.exitCode !== null || supervisor.signalCode !== null)) throw new Error(`run.sh ended while waiting for ${what}:\n${output}`);
    try {
      const v = await ask();
      if (ok(v)) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${what}; last answer ${last instanceof Error ? last.message : JSON.stringify(last)}\n${output}`);
}

const cli = (...args: string[]) => run(process.execPath, ['scripts/edgefleet.js', ...args]);
const state = () => Promise.all([client.call('info'), client.call('status')]).then(([info, status]) => ({ version: info.agentVersion, upgrade: status.agentUpgrade ?? null }));
const link = (name: string) => readlinkSync(path.join(prefix, name));
const releases = () => readdirSync(path.join(prefix, 'releases')).sort();
const releaseOf = (version: string) => releases().find((r) => r.startsWith(`${version}-`));

function uploadManifest(file: string, version: string): SignedManifest {
  const bytes = readFileSync(file);
  const manifest: Manifest = { name: agentBuildArtifactName, version, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.byteLength, created: new Date().toISOString(), release: ++release };
  return { manifest, signature: signManifest(konsole.privateKey, manifest) };
}

/** Uploads a build through the model upload path and activates it; the answer of the old build, or its error. */
async function sendBuild(version: string, trialSec = 0): Promise<unknown> {
  const file = archives[version];
  await client.upload(file, uploadManifest(file, version), { chunkBytes: 8 * 1024 * 1024 });
  return client.call('activate', { healthyWindowSec: trialSec }).catch((err: unknown) => err);
}

beforeAll(async () => {
  requireRoot('agent-upgrade.test.ts (install.sh, a system user)');
  chmodSync(work, 0o755);
  if (!existsSync(path.join(repoRoot, 'dist/electron/cli/main.js'))) throw new Error('build the CLI first: npm run build:electron');
  konsole = await loadOrCreateConsoleKey(home);
  if (!existsSync(path.join(repoRoot, 'resources/agent/dist/agent.js'))) throw new Error('build the agent bundle first: npm run build:agent');
  if (!existsSync(path.join(repoRoot, 'resources/agent/runtimes/linux-x64/node'))) throw new Error('the Node runtime for linux-x64 is not fetched: npm run fetch:agent-runtimes');
  // A resources folder whose agent.js exits at once: a build that is signed correctly and never comes up.
  const broken = path.join(work, 'resources-broken');
  for (const f of ['dist', 'package', 'udev', 'node-runtimes.json']) cpSync(path.join(repoRoot, 'resources/agent', f), path.join(broken, 'agent', f), { recursive: true });
  symlinkSync(path.join(repoRoot, 'resources/agent/runtimes'), path.join(broken, 'agent/runtimes'));
  writeFileSync(path.join(broken, 'agent/dist/agent.js'), "console.error('broken build: exits at once'); process.exit(3);\n");
  // And one that runs but never confirms itself (no servers): the deadline catches it.
  const hung = path.join(work, 'resources-hung');
  for (const f of ['dist', 'package', 'udev', 'node-runtimes.json']) cpSync(path.join(repoRoot, 'resources/agent', f), path.join(hung, 'agent', f), { recursive: true });
  symlinkSync(path.join(repoRoot, 'resources/agent/runtimes'), path.join(hung, 'agent/runtimes'));
  writeFileSync(path.join(hung, 'agent/dist/agent.js'), 'setInterval(() => {}, 1000);\n');
  const builds: [string, { resourcesDir?: string; key?: { privateKey: KeyObject; publicKey: KeyObject } }][] = [
    ['9.0.1', {}],
    ['9.0.2', {}],
    ['9.0.3', { resourcesDir: broken }],
    ['9.0.4', { key: stranger }],
    ['9.0.5', {}],
    ['9.0.6', {}],
    ['9.0.0', {}],
    ['9.0.7', { resourcesDir: hung }],
    ['9.0.8', {}],
    ['9.0.9', { resourcesDir: broken }],
    ['9.1.0', {}],
    ['9.1.1', {}],
  ];
  for (const [version, o] of builds) {
    archives[version] = path.join(work, `agent-${version}.tar.gz`);
    const key = o.key ?? konsole;
    await buildAgentArchive({ arch: 'x64', output: archives[version], key, agentVersion: version, ...(o.resourcesDir ? { resourcesDir: o.resourcesDir } : {}) });
  }
  const unpacked = path.join(work, 'unpacked');
  mkdirSync(unpacked);
  const tar = await run('tar', ['-xzf', archives['9.0.1'], '-C', unpacked]);
  expect(tar.code, tar.stderr).toBe(0);
  createdUser = (await run('id', ['-u', testUser])).code !== 0;
  const install = await run('sh', [path.join(unpacked, 'edgefleet-agent-9.0.1-linux-x64/install.sh'), '--prefix', prefix, '--data-dir', dataDir, '--user', testUser, '--no-systemd', '--layout', 'releases']);
  expect(install.code, install.stderr).toBe(0);
  expect(install.stdout).toContain(`${prefix}/current/run.sh --data-dir ${dataDir}`);
  const code = /^Pairing code: (\S+)$/m.exec(install.stdout)?.[1];
  expect(code).toMatch(/^[A-Z0-9]{8}$/);

  ports = { port: await freePort(), servePort: await freePort() };
  startSupervisor();
  await waitFor(async () => output, (o) => o.includes('EDGEFLEET_AGENT_READY'), 'the first start');
  const pair = await cli('pair', `127.0.0.1:${ports.port}`, '--code', code!, '--home', home, '--json');
  expect(pair.code, pair.stderr).toBe(0);
  deviceId = (JSON.parse(pair.stdout) as { id: string }).id;
  core = createCore({ home, mode: 'cli' });
  client = openLink(new DeviceContext(home, core.registry, core.bus).credentials(deviceId), 60_000);
}, 600_000);

afterAll(async () => {
  await stopSupervisor();
  await client?.close();
  await core?.close();
  if (createdUser) await run('userdel', [testUser]);
  rmSync(work, { recursive: true, force: true });
});

describe('agent upgrade from a staged, signed agent build', () => {
  it('installs into the release layout and reports the build it runs', async () => {
    expect(link('current')).toBe(`releases/${releaseOf('9.0.1')}`);
    const info = await client.call('info');
    expect(info.agentVersion).toBe('9.0.1');
    expect(info.capabilities).toContain('agent-upgrade-tgz1');
  });

  it('upgrades to a newer build: it confirms itself, current points at it and previous at the old one', async () => {
    const answer = await sendBuild('9.0.2');
    expect(answer).toMatchObject({ outcome: 'trial' });
    const after = await waitFor(state, (s) => s.version === '9.0.2' && s.upgrade?.outcome === 'upgraded', 'the new build');
    expect(after.upgrade).toMatchObject({ outcome: 'upgraded', from: '9.0.1', to: '9.0.2', reason: null });
    expect(link('current')).toBe(`releases/${releaseOf('9.0.2')}`);
    expect(link('previous')).toBe(`releases/${releaseOf('9.0.1')}`);
    expect(existsSync(path.join(prefix, 'upgrade-trial.json'))).toBe(false);
    expect((await client.call('status')).upload).toBeNull();
  }, 180_000);

  it('reverts a build that exits at once: the old build answers again and says why', async () => {
    expect(await sendBuild('9.0.3')).toMatchObject({ outcome: 'trial' });
    const after = await waitFor(state, (s) => s.upgrade?.outcome === 'reverted', 'the revert');
    expect(after.version).toBe('9.0.2');
    expect(after.upgrade).toMatchObject({ outcome: 'reverted', from: '9.0.2', to: '9.0.3', reason: expect.stringContaining('stopped (exit code 3) before it confirmed itself') });
    expect(link('current')).toBe(`releases/${releaseOf('9.0.2')}`);
    expect(output).toContain('run.sh: upgrade to 9.0.3 reverted');
  }, 180_000);

  it('refuses a build signed by another key, and an older one, changing nothing', async () => {
    const before = { current: link('current'), previous: link('previous'), releases: releases() };
    await expect(sendBuild('9.0.4')).resolves.toMatchObject({ code: 'AGENT_BUILD_SIGNATURE_INVALID' });
    await expect(sendBuild('9.0.0')).resolves.toMatchObject({ code: 'AGENT_DOWNGRADE' });
    expect({ current: link('current'), previous: link('previous'), releases: releases() }).toEqual(before);
    expect(await state()).toMatchObject({ version: '9.0.2', upgrade: { outcome: 'reverted', to: '9.0.3' } });
    expect((await client.call('status')).upload).toBeNull();
  }, 180_000);

  it('killed with -9 after the marker and before the switch, it comes back on the old build and says so', async () => {
    await stopSupervisor();
    startSupervisor({ EDGEFLEET_AGENT_CRASH_AT: 'agent-upgrade:marker-written' });
    await waitFor(state, (s) => s.version === '9.0.2', 'the restart');
    await sendBuild('9.0.5');
    const after = await waitFor(state, (s) => s.upgrade?.to === '9.0.5' && s.upgrade.outcome !== 'trial', 'the settled upgrade');
    expect(after).toMatchObject({ version: '9.0.2', upgrade: { outcome: 'reverted', reason: expect.stringContaining('before the new build was switched in') } });
    expect(link('current')).toBe(`releases/${releaseOf('9.0.2')}`);
  }, 180_000);

  it('killed with -9 right after the switch, it comes back on the new build', async () => {
    await stopSupervisor();
    startSupervisor({ EDGEFLEET_AGENT_CRASH_AT: 'agent-upgrade:switched' });
    await waitFor(state, (s) => s.version === '9.0.2', 'the restart');
    await sendBuild('9.0.6');
    const after = await waitFor(state, (s) => s.upgrade?.to === '9.0.6' && s.upgrade.outcome !== 'trial', 'the settled upgrade');
    expect(after).toMatchObject({ version: '9.0.6', upgrade: { outcome: 'upgraded', from: '9.0.2' } });
    expect(link('current')).toBe(`releases/${releaseOf('9.0.6')}`);
    expect(link('previous')).toBe(`releases/${releaseOf('9.0.2')}`);
  }, 180_000);

  it('reverts a build that runs but does not confirm itself before the deadline', async () => {
    await stopSupervisor();
    startSupervisor();
    await waitFor(state, (s) => s.version === '9.0.6', 'the restart');
    expect(await sendBuild('9.0.7', 3)).toMatchObject({ outcome: 'trial' });
    const after = await waitFor(state, (s) => s.upgrade?.to === '9.0.7' && s.upgrade.outcome === 'reverted', 'the revert');
    expect(after).toMatchObject({ version: '9.0.6', upgrade: { from: '9.0.6', reason: expect.stringContaining('did not confirm itself before its deadline') } });
    expect(link('current')).toBe(`releases/${releaseOf('9.0.6')}`);
  }, 180_000);

  it('edgefleet agent upgrade upgrades a device, reports a revert, refuses bad input, and audits each', async () => {
    await stopSupervisor();
    startSupervisor();
    await waitFor(state, (s) => s.version === '9.0.6', 'the restart');
    const good = await cli('agent', 'upgrade', '--device', deviceId, '--build', archives['9.0.8'], '--home', home, '--json');
    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout)).toEqual({ devices: [expect.objectContaining({ deviceId, outcome: 'upgraded', from: '9.0.6', to: '9.0.8', error: null })] });
    expect(link('current')).toBe(`releases/${releaseOf('9.0.8')}`);

    const bad = await cli('agent', 'upgrade', '--device', deviceId, '--build', archives['9.0.9'], '--home', home, '--json');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Agent upgrade failed on some devices');
    const row = (JSON.parse(bad.stdout) as { devices: { outcome: string; error: { detail: string } }[] }).devices[0];
    expect(row).toMatchObject({ outcome: 'reverted', error: { detail: expect.stringContaining('before it confirmed itself') } });
    expect((await state()).version).toBe('9.0.8');

    const foreign = await cli('agent', 'upgrade', '--device', deviceId, '--build', archives['9.0.4'], '--home', home, '--json');
    expect(foreign.code).toBe(2);
    expect(JSON.parse(foreign.stdout)).toMatchObject({ devices: [{ outcome: 'refused', error: { code: 'AGENT_BUILD_SIGNATURE_INVALID' } }] });
    const usage = await cli('agent', 'upgrade', '--home', home);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('agent upgrade needs at least one --device ID');

    const audit = await cli('audit', '--home', home, '--json');
    expect(audit.code, audit.stderr).toBe(0);
    const entries = (JSON.parse(audit.stdout) as { action: string; outcome: string; target: string }[]).filter((e) => e.action === 'devices.agentUpgrade');
    expect(entries.map((e) => e.outcome).sort()).toEqual(['failed', 'refused', 'succeeded']);
    expect(entries.every((e) => e.target === `device:${deviceId}`)).toBe(true);
  }, 300_000);

  it('--target with --stages upgrades in waves: a wave whose device does not upgrade holds back the rest, untouched', async () => {
    // Two agents run from source beside the installed one: they cannot upgrade themselves, so they are refused at once.
    const plain: AgentProcess[] = await Promise.all(['wave-a', 'wave-b'].map((name) => startAgent({ name })));
    try {
      const ids = [deviceId];
      for (const a of plain) {
        const pair = await cli('pair', `127.0.0.1:${a.port}`, '--code', a.pairingCode!, '--home', home, '--json');
        expect(pair.code, pair.stderr).toBe(0);
        ids.push((JSON.parse(pair.stdout) as { id: string }).id);
      }
      for (const id of ids) expect((await core.call('devices.update', { id, tags: ['waves'] })).ok).toBe(true);
      type Row = Pick<AgentUpgradeProgress, 'deviceId' | 'from' | 'to' | 'wave' | 'error'> & { outcome: string };
      /** Both outcomes a two-wave plan can have, each asserted fully. */
      const expectWaves = (rows: Row[], to: string, before: string) => {
        expect(rows.map((r) => r.wave).sort()).toEqual([1, 2, 2]);
        const first = rows.find((r) => r.wave === 1)!;
        const second = rows.filter((r) => r.wave === 2);
        if (first.deviceId === deviceId) {
          expect(first).toMatchObject({ outcome: 'upgraded', from: before, to });
          for (const r of second) expect(r).toMatchObject({ outcome: 'refused', error: { code: 'AGENT_UPGRADE_UNSUPPORTED' } });
          return 'upgraded first';
        }
        expect(first).toMatchObject({ outcome: 'refused', error: { code: 'AGENT_UPGRADE_UNSUPPORTED' } });
        for (const r of second) expect(r).toMatchObject({ outcome: 'held', from: null, to: null, error: { code: 'AGENT_UPGRADE_HELD', detail: expect.stringMatching(/^Wave 1 of 2: 1 of 1 devices did not upgrade \(wave-. refused\), so the 2 left were not touched/) } });
        return 'held';
      };

      const cliRun = await cli('agent', 'upgrade', '--target', 'tag:waves', '--stages', '33,100', '--build', archives['9.1.0'], '--home', home, '--json');
      expect(cliRun.code).toBe(2);
      const rows = (JSON.parse(cliRun.stdout) as { devices: Row[] }).devices;
      const branch = expectWaves(rows, '9.1.0', '9.0.8');
      expect((await state()).version).toBe(branch === 'held' ? '9.0.8' : '9.1.0');

      // The other outcome, through the same core with a seed that puts the other kind of device first.
      const ctx = new DeviceContext(home, core.registry, core.bus);
      const wantFirst = (id: string) => (branch === 'held' ? id === deviceId : id !== deviceId);
      const seed = Array.from({ length: 200 }, (_, i) => `seed-${i}`).find((x) => wantFirst(planStages(x, ids, { kind: 'percentages', percents: [33, 100] }, 4).stages[0].deviceIds[0]))!;
      const next = branch === 'held' ? '9.1.0' : '9.1.1';
      const before = (await state()).version;
      const core2 = await upgradeAgents(ctx, { deviceIds: ids, buildFor: async () => archives[next], trialSec: 60, stages: [33, 100], seed });
      const other = expectWaves(core2.map((r) => ({ ...r, outcome: r.phase })), next, before);
      expect(other).not.toBe(branch);
      expect((await state()).version).toBe(other === 'held' ? before : next);
    } finally {
      await Promise.all(plain.map((a) => a.stop()));
    }
  }, 300_000);
});
