// A stock arm64 board with no Node.js and no internet, provisioned over SSH through the built CLI: an
// emulated board (test/helpers/arm64-board.ts: the Debian 12 arm64 root of .ci/prepare-arm64-root.sh, its
// own arm64 sshd under qemu, chrooted, with a Raspberry Pi 4 /proc/cpuinfo) gets the pinned arm64 Node
// runtime, never the console's x86 node. Then pair, deploy with trial and confirm, a health check and
// inference (onnxruntime really runs under qemu), a per-layer profile on the board compared row by row
// with the workstation's, rollback, provisioning again changes nothing, and the agent upgrades itself
// from the console to a signed arm64 build (SSH provisioning installs the release layout with run.sh
// as its watchdog). A normal user and root log in. Timings under emulation mean nothing here: behaviour only.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployResult, DeviceSummary, ProfileComparison, ProfileResult, SshHost, SshProvisionResult } from '../../electron/core/api/types.js';
import { localContext } from '../../electron/core/jobs/task-types.js';
import { provisionTask } from '../../electron/core/ssh/provision-task.js';
import { decodeFloats, infer, repoRoot, sampleModelPath } from '../helpers/agent-process.js';
import { arm64RigMissing, arm64RigSkipReason, boardKeyPath, boardUser, startArm64Board, type Arm64Board } from '../helpers/arm64-board.js';
import { variant } from '../helpers/recovery-fixture.js';
import { freePort } from '../helpers/sshd.js';

const skip = arm64RigSkipReason();
if (skip) console.warn(`ssh-arm64-board.test.ts skipped: ${skip}`);

const bin = path.join(repoRoot, 'scripts', 'edgefleet.js');
const home = mkdtempSync(path.join(tmpdir(), 'ef-arm64-board-cli-'));
const pins = JSON.parse(readFileSync(path.join(repoRoot, 'resources/agent/node-runtimes.json'), 'utf8')) as { arches: Record<'arm64' | 'x64', { nodeSha256: string }> };
let board: Arm64Board;

function edgefleet(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args, '--home', home], { cwd: repoRoot, env: { ...process.env, EDGEFLEET_DISCOVERY: 'off' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function json<T>(...args: string[]): Promise<T> {
  const r = await edgefleet(...args, '--json');
  expect(r.code, `edgefleet ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout) as T;
}

async function device(id: string): Promise<DeviceSummary> {
  const list = await json<DeviceSummary[]>('devices', '--refresh');
  return list.find((d) => d.id === id)!;
}

/** The agent processes on the board: its pinned node running agent.js (qemu-user shows as the command's interpreter). */
function agentsOnBoard(): string[][] {
  return board.processes().map((p) => p.cmdline).filter((c) => c.some((a) => a.endsWith('/agent.js')));
}

beforeAll(async () => {
  if (skip) return;
  const missing = arm64RigMissing();
  if (missing) throw new Error(missing);
  if (!existsSync(path.join(repoRoot, 'dist/electron/cli/main.js')) || !existsSync(path.join(repoRoot, 'resources/agent/dist/agent.js'))) {
    throw new Error('build the CLI and the agent bundle first: npm run build:electron && npm run build:agent');
  }
  if (!existsSync(path.join(repoRoot, 'resources/agent/runtimes/linux-arm64/node'))) throw new Error('the Node runtime for linux-arm64 is not fetched: run .ci/prepare-arm64.sh (or npm run fetch:agent-runtimes)');
  board = await startArm64Board();
}, 120_000);

afterAll(async () => {
  await board?.stop();
  rmSync(home, { recursive: true, force: true });
}, 60_000);

describe.skipIf(skip !== null)('an emulated stock arm64 board without Node, provisioned over SSH', () => {
  let hostId = '';
  let deviceId = '';
  let agentPort = 0;
  let servePort = 0;
  let first: SshProvisionResult;
  let modelId = '';

  it('without a fetched arm64 runtime, provisioning stops before uploading and names npm run fetch:agent-runtimes', async () => {
    // EdgeFleet's resources without resources/agent/runtimes: what a checkout looks like before the fetch.
    const resourcesDir = path.join(home, 'no-runtimes');
    for (const f of ['dist', 'node-runtimes.json']) cpSync(path.join(repoRoot, 'resources/agent', f), path.join(resourcesDir, 'agent', f), { recursive: true });
    const ctx = localContext(home, path.join(home, 'tmp'));
    const target = { hostId: null, host: '127.0.0.1', port: board.port, user: boardUser, keyPath: boardKeyPath, password: null, pinned: null };
    const input = { hostId: 'ssh-test', target, name: 'board', agentPort: 1, servePort: 0, mdns: false, keyPath: path.join(home, 'none'), consoleName: 'test', known: null, resourcesDir };
    await expect(provisionTask(input, ctx)).rejects.toMatchObject({
      code: 'AGENT_RUNTIME_MISSING',
      detail: expect.stringMatching(/^On efuser@127\.0\.0\.1:\d+ no Node\.js is installed, so the agent takes its own Node for linux-arm64\. .*runtimes\/linux-arm64 holds no fetched Node .*npm run fetch:agent-runtimes/),
    });
    expect(board.ssh(boardUser, 'ls -A ~/.local/share 2>/dev/null | wc -l')).toBe('0');
  });

  it('ssh add pins the board host key; ssh provision as a normal user uploads the pinned arm64 Node and runs the agent in the background', async () => {
    const host = await json<SshHost>('ssh', 'add', '127.0.0.1', '--user', boardUser, '--port', String(board.port), '--key', boardKeyPath, '--name', 'pi-emulated');
    expect(host.hostKey).toEqual({ type: 'ssh-ed25519', fingerprint: board.hostKeyFingerprint });
    hostId = host.id;
    [agentPort, servePort] = [await freePort(), await freePort()];
    first = await json<SshProvisionResult>('ssh', 'provision', hostId, '--agent-port', String(agentPort), '--serve-port', String(servePort), '--no-mdns');
    expect(first).toMatchObject({ check: { arch: 'arm64', node: null, runtime: 'bundled', systemd: false, root: false, mode: 'background' }, mode: 'background', skipped: 0, paired: 'new' });
    expect(first.uploaded).toBeGreaterThan(100);
    deviceId = first.deviceId;

    // The board still has no Node of its own; the agent runs on the uploaded one, which is the pinned arm64 build.
    const install = '~/.local/share/edgefleet-agent';
    expect(board.ssh(boardUser, 'command -v node || echo none')).toBe('none');
    // The release layout: current -> releases/<version>-<hash>/, which the service starts as current/run.sh.
    expect(first.release).toMatch(/^0\.1\.0-[0-9a-f]{12}$/);
    expect(board.ssh(boardUser, `readlink ${install}/current; ls ${install}/releases; test -e ${install}/previous || echo no-previous`)).toBe(`releases/${first.release}\n${first.release}\nno-previous`);
    const current = `${install}/current`;
    expect(board.ssh(boardUser, `sha256sum ${current}/node/bin/node | cut -d' ' -f1`)).toBe(pins.arches.arm64.nodeSha256);
    expect(board.ssh(boardUser, `${current}/node/bin/node -p 'process.arch + " " + process.version'`)).toBe('arm64 v20.20.2');
    expect(board.ssh(boardUser, `ls ${current}/node_modules/@serialport/bindings-cpp/prebuilds`)).toBe('linux-arm64');
    expect(board.ssh(boardUser, `ls ${current}/node_modules/onnxruntime-node/bin/napi-v6/linux`)).toBe('arm64');
    expect(board.ssh(boardUser, 'stat -c %a ~/.local/state/edgefleet-agent')).toBe('700');
    expect(board.ssh(boardUser, `test -x ${install}/supervise.sh && kill -0 "$(cat ${install}/agent.pid)" && grep -c current/run.sh ${install}/supervise.sh`)).toBe('1');
    const agents = agentsOnBoard();
    expect(agents).toHaveLength(1);
    expect(agents[0]).toContain(`/home/${boardUser}/.local/share/edgefleet-agent/current/node/bin/node`);

    const listed = await edgefleet('ssh', 'list');
    expect(listed.stdout).toContain(`${hostId}  pi-emulated  ${boardUser}@127.0.0.1:${board.port}  key ${boardKeyPath}  ssh-ed25519 ${board.hostKeyFingerprint}  agent (background) on port ${agentPort}, device ${deviceId}`);
    expect(await device(deviceId)).toMatchObject({ paired: true, state: 'online', address: `127.0.0.1:${agentPort}` });
  }, 300_000);

  it('deploys the sample with trial and confirm; the health check passes and onnxruntime answers under emulation', async () => {
    const r = await json<DeployResult>('deploy', sampleModelPath, '--device', deviceId, '--confirm', '--max-latency', '60000');
    expect(r.devices.map((d) => [d.phase, d.error])).toEqual([['confirmed', null]]);
    modelId = r.modelId;
    expect(await device(deviceId)).toMatchObject({ state: 'online', health: 'ok', slotState: 'confirmed', activeModel: { name: 'mobilenetv2-digits', version: '1' } });
    const res = await infer(servePort);
    expect(res.status).toBe(200);
    expect(res.body.model?.version).toBe('1');
    const logits = decodeFloats(res.body.outputs!.logits.data);
    expect(logits).toHaveLength(10);
    expect(logits.every(Number.isFinite)).toBe(true);
  }, 300_000);

  it('profiles the model layer by layer on the board; every layer lines up with the workstation profile of the same model', async () => {
    const onBoard = await json<ProfileResult>('profile', modelId, '--device', deviceId, '--runs', '5');
    const here = await json<ProfileResult>('profile', modelId, '--runs', '5', '--warmup', '1');
    expect(onBoard.device).toMatchObject({ id: deviceId, arch: 'arm64', platform: 'linux', cpu: expect.stringContaining('Cortex-A72') });
    expect(here.device.arch).toBe('x64');
    expect(onBoard.modelSha256).toBe(here.modelSha256);
    expect(onBoard.runtime).toEqual(here.runtime);
    // Both profiles cover every node of the graph, each in whatever kernels its CPU's onnxruntime fused.
    const covered = (p: ProfileResult) => [...new Set(p.rows.flatMap((r) => r.nodes))].sort();
    expect(covered(onBoard).length).toBeGreaterThan(20);
    expect(covered(onBoard)).toEqual(covered(here));

    const cmp = await json<ProfileComparison>('profiles', 'compare', here.id, onBoard.id);
    expect([cmp.a.id, cmp.b.id]).toEqual([here.id, onBoard.id]);
    // Row by row: every layer the board ran has its workstation counterpart, both timed; the only rows
    // of one side are the layout reorders onnxruntime inserts on x86 (NCHWc), which cover no graph node.
    const both = cmp.rows.filter((r) => r.aUs !== null && r.bUs !== null);
    const boardKeys = new Set(onBoard.rows.map((r) => (r.nodes.length ? r.nodes.join(' + ') : r.name)));
    expect(both.map((r) => r.key).sort()).toEqual([...boardKeys].sort());
    for (const row of both) expect(row.aUs! > 0 && row.bUs! > 0 && row.speedup! > 0, row.key).toBe(true);
    expect(cmp.rows.filter((r) => r.aUs === null)).toEqual([]);
    for (const row of cmp.rows.filter((r) => r.bUs === null)) expect(row.opType, row.key).toMatch(/^Reorder/);
  }, 300_000);

  it('rolls back to the previous model', async () => {
    const dir = path.join(home, 'v2', 'mobilenetv2-digits');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'model.onnx'), variant('arm64 board v2'));
    const d = await json<DeployResult>('deploy', path.join(dir, 'model.onnx'), '--device', deviceId, '--confirm', '--max-latency', '60000');
    expect(d.devices[0].phase).toBe('confirmed');
    expect((await infer(servePort)).body.model?.version).toBe('2');
    const r = await edgefleet('rollback', '--device', deviceId);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('pi-emulated now runs mobilenetv2-digits 1');
    expect((await infer(servePort)).body.model?.version).toBe('1');
  }, 300_000);

  it('provisioning again changes nothing: no file uploaded, the same agent process, still paired', async () => {
    const pid = board.ssh(boardUser, 'cat ~/.local/share/edgefleet-agent/agent.pid');
    const again = await json<SshProvisionResult>('ssh', 'provision', hostId, '--agent-port', String(agentPort), '--serve-port', String(servePort), '--no-mdns');
    expect(again).toMatchObject({ deviceId, uploaded: 0, skipped: first.uploaded, paired: 'already', check: { runtime: 'bundled' } });
    expect(board.ssh(boardUser, 'cat ~/.local/share/edgefleet-agent/agent.pid')).toBe(pid);
    expect(agentsOnBoard()).toHaveLength(1);
    expect(await device(deviceId)).toMatchObject({ state: 'online', activeModel: { version: '1' } });
  }, 300_000);

  it('upgrades its agent from the console: a signed arm64 build confirms itself under run.sh; previous keeps the provisioned release', async () => {
    const build = path.join(home, 'edgefleet-agent-9.1.0-linux-arm64.tar.gz');
    const made = await edgefleet('agent', 'build', '--arch', 'arm64', '--agent-version', '9.1.0', '-o', build);
    expect(made.code, made.stderr).toBe(0);
    const r = await json<{ devices: { deviceId: string; outcome: string; from: string; to: string; error: unknown }[] }>('agent', 'upgrade', '--device', deviceId, '--build', build, '--trial', '300');
    expect(r.devices).toEqual([{ deviceId, name: 'pi-emulated', outcome: 'upgraded', from: '0.1.0', to: '9.1.0', error: null }]);
    const install = '~/.local/share/edgefleet-agent';
    const now = board.ssh(boardUser, `readlink ${install}/current`);
    expect(now).toMatch(/^releases\/9\.1\.0-[0-9a-f]{12}$/);
    expect(board.ssh(boardUser, `readlink ${install}/previous`)).toBe(`releases/${first.release}`);
    // The new release is the signed build itself: its own run.sh and MANIFEST.json, checked on the board.
    expect(board.ssh(boardUser, `cd ${install}/${now} && ls MANIFEST.json run.sh install.sh node/bin/node | wc -l`)).toBe('4');
    expect(board.ssh(boardUser, `test -f ${install}/upgrade-trial.json && echo pending || echo confirmed`)).toBe('confirmed');
    const agents = agentsOnBoard();
    expect(agents).toHaveLength(1);
    expect(agents[0]).toContain(`/home/${boardUser}/.local/share/edgefleet-agent/current/agent.js`);
    // Same device, same pairing, same model, still serving.
    expect(await device(deviceId)).toMatchObject({ paired: true, state: 'online', activeModel: { version: '1' } });
    expect((await infer(servePort)).body.model?.version).toBe('1');

    // Provisioning again keeps the newer agent: nothing uploaded, nothing switched back, the same process.
    const pid = agentsOnBoard();
    const again = await json<SshProvisionResult>('ssh', 'provision', hostId, '--agent-port', String(agentPort), '--serve-port', String(servePort), '--no-mdns');
    expect(again).toMatchObject({ deviceId, uploaded: 0, paired: 'already', release: now.slice('releases/'.length) });
    expect(board.ssh(boardUser, `readlink ${install}/current`)).toBe(now);
    expect(agentsOnBoard()).toEqual(pid);
  }, 600_000);

  it('as root: the agent goes to /opt/edgefleet-agent with its data in /var/lib/edgefleet-agent (0700), on the pinned Node', async () => {
    const host = await json<SshHost>('ssh', 'add', '127.0.0.1', '--user', 'root', '--port', String(board.port), '--key', boardKeyPath, '--name', 'pi-emulated-root');
    const port = await freePort();
    const r = await json<SshProvisionResult>('ssh', 'provision', host.id, '--agent-port', String(port), '--serve-port', '0', '--no-mdns');
    expect(r).toMatchObject({ check: { arch: 'arm64', runtime: 'bundled', root: true, mode: 'background' }, paired: 'new' });
    expect(r.deviceId).not.toBe(deviceId);
    expect(board.ssh('root', 'sha256sum /opt/edgefleet-agent/current/node/bin/node | cut -d" " -f1')).toBe(pins.arches.arm64.nodeSha256);
    expect(board.ssh('root', 'stat -c %a /var/lib/edgefleet-agent')).toBe('700');
    expect(agentsOnBoard().map((c) => c.find((a) => a.endsWith('/node/bin/node')))).toEqual(expect.arrayContaining(['/opt/edgefleet-agent/current/node/bin/node']));
    expect(await device(r.deviceId)).toMatchObject({ paired: true, state: 'online', address: `127.0.0.1:${port}` });
  }, 300_000);
});
