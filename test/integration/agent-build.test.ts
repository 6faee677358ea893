// `edgefleet agent build` for real: both archives made by the built CLI (dist/, which `npm test` builds
// first), their signed manifests checked against the console key and the files, install.sh's verify step
// against changed, missing and extra files; the arm64 build's own node run under qemu (binfmt, set up by
// .ci/prepare-arm64.sh) with a Raspberry Pi 4 /proc/cpuinfo in a private mount namespace: it pairs,
// deploys with trial and confirm, and answers inference; the x64 build installed by install.sh into a
// temporary prefix with a dedicated user, then run as that user. Emulated timings mean nothing here.
import { spawn } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { appendFileSync, chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAgentArchive } from '../../electron/core/agent-build/agent-build.js';
import { parseCpuinfo } from '../../resources/agent/src/board-info.js';
import { signedAgentBuildSchema, verifyAgentBuild, type SignedAgentBuild } from '../../electron/core/agent-build/build-manifest.js';
import { consoleKeyPath, readConsoleKey } from '../../electron/core/devices/console-key.js';
import { decodeFloats, infer, pairWith, repoRoot, sampleModel, signed, startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { piCpuinfo, withCpuinfo } from '../helpers/arm64-board.js';
import { requireRoot } from '../helpers/require-root.js';
import { startPtyPair } from '../helpers/serial-relay.js';

const arches = ['arm64', 'x64'] as const;
type Arch = (typeof arches)[number];
const pins = JSON.parse(readFileSync(path.join(repoRoot, 'resources/agent/node-runtimes.json'), 'utf8')) as { arches: Record<Arch, { nodeSha256: string }> };
/** ELF e_machine of each architecture's node binary. */
const elfMachine: Record<Arch, number> = { arm64: 0xb7, x64: 0x3e };
const testUser = 'ef-agent-test';

const work = mkdtempSync(path.join(tmpdir(), 'ef-agent-build-'));
const home = path.join(work, 'home');
const archive = (arch: Arch) => path.join(work, `edgefleet-agent-linux-${arch}.tar.gz`);
const unpacked: Record<Arch, string> = { arm64: '', x64: '' };
const built: Record<string, { archiveBytes: number; unpackedBytes: number; files: number; folder: string }> = {};
const agents: AgentProcess[] = [];
let createdUser = false;
const logits: Partial<Record<Arch, Float32Array>> = {};

function run(cmd: string, args: string[], opts: { cwd?: string } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const cli = (...args: string[]) => run(process.execPath, ['scripts/edgefleet.js', ...args]);
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(full, base) : [path.relative(base, full)];
  });
}

function manifestOf(arch: Arch): SignedAgentBuild {
  return signedAgentBuildSchema.parse(JSON.parse(readFileSync(path.join(unpacked[arch], 'MANIFEST.json'), 'utf8')));
}

async function deployAndInfer(agent: AgentProcess, arch: Arch, board: Record<string, unknown>): Promise<void> {
  const { client, console: konsole } = await pairWith(agent);
  const info = await client.info();
  expect(info).toMatchObject({ arch, platform: 'linux', runtime: { name: 'onnxruntime-node' }, board });
  expect(info.board!.onnxruntime).toMatchObject({ version: '1.30.0', executionProviders: expect.arrayContaining(['cpu']) });
  expect(info.board!.os).toMatchObject({ type: 'Linux', distro: expect.stringContaining('Debian') });
  await client.upload(sampleModel, signed(sampleModel, '1.0.0', konsole.privateKey));
  const act = await client.activate({ maxLatencyMs: 60_000 });
  expect(act).toMatchObject({ outcome: 'trial', health: { ok: true, loaded: true, finite: true } });
  expect(await client.confirm()).toMatchObject({ state: 'running', trial: null, active: { manifest: { version: '1.0.0' } } });
  const res = await infer(agent.servePort);
  expect(res.status).toBe(200);
  expect(res.body.model?.version).toBe('1.0.0');
  const out = decodeFloats(res.body.outputs!.logits.data);
  expect(out.length).toBe(10);
  expect(out.every(Number.isFinite)).toBe(true);
  logits[arch] = out;
}

beforeAll(async () => {
  requireRoot('agent-build.test.ts (mount namespaces, install.sh, a system user)');
  chmodSync(work, 0o755); // the installed agent runs as its own user and must reach its prefix
  if (!existsSync(path.join(repoRoot, 'dist/electron/cli/main.js')) || !existsSync(path.join(repoRoot, 'resources/agent/dist/agent.js'))) {
    throw new Error('build the CLI and the agent bundle first: npm run build:electron && npm run build:agent');
  }
  for (const arch of arches) {
    if (!existsSync(path.join(repoRoot, `resources/agent/runtimes/linux-${arch}/node`))) throw new Error(`the Node runtime for linux-${arch} is not fetched: run .ci/prepare-arm64.sh (or npm run fetch:agent-runtimes)`);
  }
  if (!existsSync('/proc/sys/fs/binfmt_misc/qemu-aarch64')) throw new Error('qemu-aarch64 is not registered with binfmt_misc: run .ci/prepare-arm64.sh as root');
  for (const arch of arches) {
    const res = await cli('agent', 'build', '--arch', arch, '-o', archive(arch), '--home', home, '--json');
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    built[arch] = JSON.parse(res.stdout);
    const dest = path.join(work, `unpacked-${arch}`);
    mkdirSync(dest);
    const tar = await run('tar', ['-xzf', archive(arch), '-C', dest]);
    expect(tar.code, tar.stderr).toBe(0);
    unpacked[arch] = path.join(dest, built[arch].folder);
  }
}, 300_000);

afterAll(async () => {
  for (const a of agents) await a.stop();
  if (createdUser) await run('userdel', [testUser]);
  rmSync(work, { recursive: true, force: true });
});

describe('edgefleet agent build', () => {
  it('writes a manifest signed by the console key that lists every file with its sha256 and size', () => {
    const consoleKey = readConsoleKey(consoleKeyPath(home));
    for (const arch of arches) {
      const text = readFileSync(path.join(unpacked[arch], 'MANIFEST.json'), 'utf8');
      expect(verifyAgentBuild(consoleKey.publicKey, text)).toBe(true);
      expect(verifyAgentBuild(generateKeyPairSync('ed25519').publicKey, text)).toBe(false);
      expect(verifyAgentBuild(consoleKey.publicKey, text.replace('"mode":420}', '"mode":438}'))).toBe(false);
      const { manifest } = manifestOf(arch);
      expect(manifest).toMatchObject({ kind: 'edgefleet-agent-build', arch, platform: 'linux', node: { version: '20.20.2', sha256: pins.arches[arch].nodeSha256 } });
      const listed = manifest.files.map((f) => f.path).sort();
      expect(filesUnder(unpacked[arch]).filter((f) => f !== 'MANIFEST.json').sort()).toEqual(listed);
      for (const f of manifest.files) {
        const file = path.join(unpacked[arch], f.path);
        expect({ path: f.path, sha256: sha256(file), size: statSync(file).size }).toEqual({ path: f.path, sha256: f.sha256, size: f.size });
      }
      expect(built[arch]).toMatchObject({ archiveBytes: statSync(archive(arch)).size, files: manifest.files.length, unpackedBytes: manifest.files.reduce((n, f) => n + f.size, 0) });
    }
  });

  it('carries the runtime and native files of its own architecture only', () => {
    for (const arch of arches) {
      const other = arch === 'arm64' ? 'x64' : 'arm64';
      const paths = manifestOf(arch).manifest.files.map((f) => f.path);
      expect(readFileSync(path.join(unpacked[arch], 'node/bin/node')).readUInt16LE(18)).toBe(elfMachine[arch]);
      for (const lib of ['libonnxruntime.so.1', 'onnxruntime_binding.node']) expect(paths).toContain(`node_modules/onnxruntime-node/bin/napi-v6/linux/${arch}/${lib}`);
      expect(paths.some((p) => p.includes(`/linux/${other}/`) || p.includes('/darwin/') || p.includes('/win32/'))).toBe(false);
      const prebuilds = paths.filter((p) => p.startsWith('node_modules/@serialport/bindings-cpp/prebuilds/'));
      expect(prebuilds.length).toBeGreaterThan(0);
      expect(prebuilds.every((p) => p.startsWith(`node_modules/@serialport/bindings-cpp/prebuilds/linux-${arch}/`))).toBe(true);
      expect(readFileSync(path.join(unpacked[arch], 'edgefleet-agent.service'), 'utf8')).toContain('ExecStart=/opt/edgefleet-agent/node/bin/node /opt/edgefleet-agent/agent.js');
    }
  });

  it("install.sh's verify step fails, naming the file, on a changed, a missing or an extra file", async () => {
    const dir = unpacked.arm64;
    const verify = () => run('sh', [path.join(dir, 'install.sh'), '--verify-only']);
    const ok = await verify();
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`Verified ${manifestOf('arm64').manifest.files.length} files against MANIFEST.json`);

    const agentJs = path.join(dir, 'agent.js');
    const size = statSync(agentJs).size;
    appendFileSync(agentJs, '\n;');
    const changed = await verify();
    truncateSync(agentJs, size);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain('install.sh: verify failed: files do not match MANIFEST.json');
    expect(changed.stderr).toContain('agent.js: FAILED');

    const lib = path.join(dir, 'node_modules/onnxruntime-node/bin/napi-v6/linux/arm64/libonnxruntime.so.1');
    renameSync(lib, `${lib}.away`);
    const missing = await run('sh', [path.join(dir, 'install.sh'), '--verify-only']);
    renameSync(`${lib}.away`, lib);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('node_modules/onnxruntime-node/bin/napi-v6/linux/arm64/libonnxruntime.so.1: FAILED open or read');

    writeFileSync(path.join(dir, 'extra.js'), 'console.log(1)\n');
    const extra = await verify();
    rmSync(path.join(dir, 'extra.js'));
    expect(extra.code).toBe(1);
    expect(extra.stderr).toContain('files that MANIFEST.json does not list: extra.js');
    expect((await verify()).code).toBe(0);
  });

  it('refuses bad input with a clear error and writes no file', async () => {
    const arch = await cli('agent', 'build', '--arch', 'riscv64', '-o', path.join(work, 'x.tar.gz'), '--home', home);
    expect(arch.code).toBe(2);
    expect(arch.stderr).toContain('Unknown architecture: --arch must be arm64 or x64');
    const out = await cli('agent', 'build', '--arch', 'arm64', '-o', path.join(work, 'no-such-folder', 'x.tar.gz'), '--home', home);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('Output folder missing');
    expect(existsSync(path.join(work, 'x.tar.gz'))).toBe(false);

    // A resources folder whose runtime was never fetched, then one whose runtime is not the pinned one.
    const resources = path.join(work, 'resources');
    for (const f of ['dist', 'package', 'node-runtimes.json']) cpSync(path.join(repoRoot, 'resources/agent', f), path.join(resources, 'agent', f), { recursive: true });
    const key = readConsoleKey(consoleKeyPath(home));
    const output = path.join(work, 'bad.tar.gz');
    await expect(buildAgentArchive({ arch: 'arm64', output, key, resourcesDir: resources })).rejects.toMatchObject({ code: 'AGENT_RUNTIME_MISSING', detail: expect.stringContaining('npm run fetch:agent-runtimes') });
    mkdirSync(path.join(resources, 'agent/runtimes/linux-arm64'), { recursive: true });
    writeFileSync(path.join(resources, 'agent/runtimes/linux-arm64/node'), '#!/bin/sh\necho not node\n');
    writeFileSync(path.join(resources, 'agent/runtimes/linux-arm64/LICENSE'), 'MIT\n');
    await expect(buildAgentArchive({ arch: 'arm64', output, key, resourcesDir: resources })).rejects.toMatchObject({ code: 'AGENT_RUNTIME_MISMATCH' });
    expect(readdirSync(work).filter((f) => f.startsWith('bad.tar.gz') || f.startsWith('.bad.tar.gz'))).toEqual([]);
  });

  it('the arm64 build runs on an emulated Raspberry Pi 4: pairs, deploys on trial, confirms, serves inference, opens a serial port', async () => {
    const dir = unpacked.arm64;
    const cpuinfo = path.join(work, 'cpuinfo-rpi4');
    writeFileSync(cpuinfo, piCpuinfo);
    const pty = await startPtyPair(path.join(work, 'ttyConsole'), path.join(work, 'ttyBoard'));
    try {
      const agent = await startAgent({
        prefix: withCpuinfo(cpuinfo),
        command: [path.join(dir, 'node/bin/node'), path.join(dir, 'agent.js')],
        args: ['--serial', path.join(work, 'ttyBoard')],
        readyTimeoutMs: 120_000,
      });
      agents.push(agent);
      expect(JSON.parse(/^EDGEFLEET_AGENT_READY (.*)$/m.exec(agent.output())![1])).toMatchObject({ serial: path.join(work, 'ttyBoard') });
      // The board report comes from the Pi's cpuinfo the emulated board sees: NEON, no dot product.
      await deployAndInfer(agent, 'arm64', { cpu: 'ARM Cortex-A72', model: 'Raspberry Pi 4 Model B Rev 1.1', cpuFeatures: ['asimd'] });
      await agent.stop();
    } finally {
      await pty.stop();
    }
  }, 300_000);

  it('install.sh refuses a build for another architecture', async () => {
    const res = await run('sh', [path.join(unpacked.arm64, 'install.sh'), '--prefix', path.join(work, 'wrong'), '--no-systemd']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('this build is for linux-arm64, but this machine is x86_64: make one with edgefleet agent build --arch x64');
    expect(existsSync(path.join(work, 'wrong'))).toBe(false);
  });

  // The flat layout here (the default, releases, is installed by agent-deb and agent-upgrade).
  it('install.sh installs the x64 build with a dedicated user and a 0700 data folder, prints the pairing code, and the agent runs as that user', async () => {
    const prefix = path.join(work, 'root/opt/edgefleet-agent');
    const dataDir = path.join(work, 'root/var/lib/edgefleet-agent');
    createdUser = (await run('id', ['-u', testUser])).code !== 0;
    const udevDir = path.join(work, 'root/etc/udev/rules.d');
    mkdirSync(udevDir, { recursive: true });
    const res = await run('sh', [path.join(unpacked.x64, 'install.sh'), '--prefix', prefix, '--data-dir', dataDir, '--user', testUser, '--no-systemd', '--udev-dir', udevDir, '--layout', 'flat']);
    expect(res.code, res.stderr).toBe(0);
    // The energy rule names the agent's own group: RAPL counters readable by it alone, the agent never root.
    const group = (await run('id', ['-gn', testUser])).stdout.trim();
    const rule = readFileSync(path.join(udevDir, '90-edgefleet-energy.rules'), 'utf8');
    expect(rule).toContain(`RUN+="/bin/chgrp ${group} /sys%p/energy_uj", RUN+="/bin/chmod 0440 /sys%p/energy_uj"`);
    expect(res.stdout).toContain(`Installed ${udevDir}/90-edgefleet-energy.rules: group ${group} may read the RAPL energy counters.`);
    expect(res.stdout).toContain(`Verified ${manifestOf('x64').manifest.files.length} files against MANIFEST.json`);
    if (createdUser) expect(res.stdout).toContain(`Created the system user ${testUser}.`);
    const code = /^Pairing code: (\S+)$/m.exec(res.stdout)?.[1];
    expect(code).toMatch(/^[A-Z0-9]{8}$/);
    expect(readFileSync(path.join(dataDir, 'pairing-code'), 'utf8').trim()).toBe(code);
    expect(res.stdout).toContain(`runuser -u ${testUser} -- ${prefix}/run.sh --data-dir ${dataDir} --port 8443 --serve-port 8080`);

    const uid = Number((await run('id', ['-u', testUser])).stdout.trim());
    const data = statSync(dataDir);
    expect({ mode: data.mode & 0o777, uid: data.uid }).toEqual({ mode: 0o700, uid });
    expect(statSync(path.join(prefix, 'node/bin/node')).uid).toBe(0);
    expect(readdirSync(prefix).sort()).toEqual(readdirSync(unpacked.x64).sort());
    const installedVerify = await run('sh', [path.join(prefix, 'install.sh'), '--verify-only']);
    expect(installedVerify.code, installedVerify.stderr).toBe(0);

    const agent = await startAgent({ dataDir, prefix: ['setpriv', `--reuid=${testUser}`, `--regid=${testUser}`, '--init-groups'], command: [path.join(prefix, 'run.sh')] });
    agents.push(agent);
    expect(agent.pairingCode).toBe(code);
    await deployAndInfer(agent, 'x64', { cpuFeatures: parseCpuinfo(readFileSync('/proc/cpuinfo', 'utf8')).cpuFeatures });
    expect(readdirSync(dataDir).map((f) => statSync(path.join(dataDir, f)).uid)).toEqual(readdirSync(dataDir).map(() => uid));
    // Two CPUs, two onnxruntime builds, one model: the answers agree to float rounding.
    expect(logits.arm64, 'the emulated arm64 test above ran').toBeDefined();
    for (let i = 0; i < 10; i++) expect(Math.abs(logits.arm64![i] - logits.x64![i])).toBeLessThan(1e-3);
  }, 180_000);
});
