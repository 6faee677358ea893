// `edgefleet agent build --format deb` for real: the .deb the built CLI writes, read by the real
// dpkg-deb (--info, --contents, -x), then installed with dpkg -i on an emulated arm64 board (the stock
// Debian 12 arm64 root of .ci/prepare-arm64-root.sh, chrooted under qemu-user, see
// test/helpers/arm64-board.ts; no systemd there, so install.sh prints the supervised command line):
// the user, the 0700 data folder and the pairing code; a second dpkg -i changes nothing; the agent starts
// as its user with the printed command and prints the same code; dpkg -r removes the files, dpkg -P the
// data. The board is required: without it (no root, no qemu binfmt entry, no cached root) this fails.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAgentBuild } from '../../electron/core/agent-build/build-manifest.js';
import { consoleKeyPath, readConsoleKey } from '../../electron/core/devices/console-key.js';
import { repoRoot } from '../helpers/agent-process.js';
import { arm64RigMissing, startArm64Board, type Arm64Board } from '../helpers/arm64-board.js';
import { requireRoot } from '../helpers/require-root.js';
import { freePort } from '../helpers/sshd.js';

const arches = ['arm64', 'x64'] as const;
type Arch = (typeof arches)[number];
const work = mkdtempSync(path.join(tmpdir(), 'ef-agent-deb-'));
const home = path.join(work, 'home');
const deb = (arch: Arch) => path.join(work, `edgefleet-agent-${arch}.deb`);
const built: Partial<Record<Arch, { folder: string; files: number; format: string; archiveBytes: number }>> = {};
let board: Arm64Board | null = null;

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

const cli = (...args: string[]) => run(process.execPath, ['scripts/edgefleet.js', ...args]);

/** Runs a shell command on the board as root; the result even when it fails. */
function onBoard(cmd: string): { code: number; out: string } {
  try {
    return { code: 0, out: board!.ssh('root', `${cmd} 2>&1`) };
  } catch (err) {
    const e = err as { status?: number; stdout?: string };
    return { code: e.status ?? -1, out: String(e.stdout ?? '') };
  }
}

beforeAll(async () => {
  requireRoot('agent-deb.test.ts (dpkg -i on the emulated arm64 board)');
  const missing = arm64RigMissing();
  if (missing) throw new Error(`agent-deb.test.ts installs the .deb on the emulated arm64 board: ${missing}`);
  if (!existsSync(path.join(repoRoot, 'dist/electron/cli/main.js')) || !existsSync(path.join(repoRoot, 'resources/agent/dist/agent.js'))) {
    throw new Error('build the CLI and the agent bundle first: npm run build:electron && npm run build:agent');
  }
  for (const arch of arches) {
    // x64 as a person runs it (the printed next step), arm64 with --json.
    const json = arch === 'arm64' ? ['--json'] : [];
    const res = await cli('agent', 'build', '--arch', arch, '--format', 'deb', '-o', deb(arch), '--home', home, ...json);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    if (json.length) built[arch] = JSON.parse(res.stdout);
    else {
      expect(res.stdout).toContain(`On the board: sudo dpkg -i edgefleet-agent-${arch}.deb   (or: sudo apt install ./edgefleet-agent-${arch}.deb)`);
      built[arch] = { format: 'deb', folder: `edgefleet-agent-0.1.0-linux-${arch}`, files: Number(/, (\d+) files\)/.exec(res.stdout)![1]), archiveBytes: 0 };
    }
  }
  board = await startArm64Board();
}, 120_000);

afterAll(async () => {
  await board?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('edgefleet agent build --format deb', () => {
  it('refuses an unknown format, and a file name of the other format, with exit 2', async () => {
    const bad = await cli('agent', 'build', '--arch', 'arm64', '--format', 'rpm', '-o', path.join(work, 'x.rpm'), '--home', home);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format rpm: give tgz (a .tar.gz with install.sh) or deb (a Debian package)');
    const named = await cli('agent', 'build', '--arch', 'arm64', '-o', path.join(work, 'x.deb'), '--home', home);
    expect(named.code).toBe(2);
    expect(named.stderr).toContain('ends in .deb but --format is tgz: give --format deb');
    expect(existsSync(path.join(work, 'x.rpm')) || existsSync(path.join(work, 'x.deb'))).toBe(false);
  });

  it('dpkg-deb reads the package: its fields, every file under /usr/lib/edgefleet-agent owned by root, a build that verifies', async () => {
    const key = readConsoleKey(consoleKeyPath(home));
    for (const arch of arches) {
      const b = built[arch]!;
      expect(b.format).toBe('deb');
      const info = await run('dpkg-deb', ['--info', deb(arch)]);
      expect(info.code, info.stderr).toBe(0);
      const fields = await run('dpkg-deb', ['--show', '--showformat', '${Package}|${Version}|${Architecture}|${Depends}|${Installed-Size}', deb(arch)]);
      const [pkg, version, debArch, depends, size] = fields.stdout.split('|');
      expect([pkg, version, debArch, depends]).toEqual(['edgefleet-agent', '0.1.0', arch === 'x64' ? 'amd64' : 'arm64', 'passwd']);
      expect(Number(size)).toBeGreaterThan(100_000); // KiB: Node alone is about 100 MB
      expect(info.stdout).toMatch(/postinst/);

      const contents = await run('dpkg-deb', ['--contents', deb(arch)]);
      expect(contents.code, contents.stderr).toBe(0);
      const lines = contents.stdout.trim().split('\n');
      expect(lines.every((l) => l.includes(' root/root '))).toBe(true);
      const base = `./usr/lib/edgefleet-agent/${b.folder}/`;
      const files = lines.filter((l) => l.startsWith('-')).map((l) => l.slice(l.indexOf('./')));
      expect(files.every((f) => f.startsWith(base))).toBe(true);
      expect(files).toHaveLength(b.files + 1); // and MANIFEST.json
      expect(lines.find((l) => l.endsWith(`${base}node/bin/node`))).toMatch(/^-rwxr-xr-x /);

      const dest = path.join(work, `x-${arch}`);
      mkdirSync(dest);
      const x = await run('dpkg-deb', ['-x', deb(arch), dest]);
      expect(x.code, x.stderr).toBe(0);
      const dir = path.join(dest, base);
      expect(verifyAgentBuild(key.publicKey, readFileSync(path.join(dir, 'MANIFEST.json'), 'utf8'))).toBe(true);
      const verify = await run('sh', [path.join(dir, 'install.sh'), '--verify-only']);
      expect(verify.code, verify.stderr).toBe(0);
      expect(verify.stdout).toContain(`Verified ${b.files} files against MANIFEST.json`);
      rmSync(dest, { recursive: true, force: true });
    }
  }, 60_000);

  it('installs on the emulated arm64 board with dpkg -i, again idempotently, runs, and dpkg -r / -P remove it', async () => {
    const b = built.arm64!;
    // The board's root as its sshd sees it (an overlay of its own mount namespace), reached from the host.
    const sshd = board!.processes().find((p) => p.cmdline.some((a) => a.endsWith('/sshd')));
    expect(sshd, 'the board runs sshd').toBeDefined();
    copyFileSync(deb('arm64'), `/proc/${sshd!.pid}/root/tmp/agent.deb`);
    expect(onBoard('command -v node || echo none').out).toBe('none');

    const first = onBoard('dpkg -i /tmp/agent.deb');
    expect(first.code, first.out).toBe(0);
    expect(first.out).toContain(`Verified ${b.files} files against MANIFEST.json (sha256).`);
    expect(first.out).toContain('Created the system user edgefleet.');
    // The release layout (install.sh's default): the agent can upgrade itself from the console.
    const release = /installed in \/opt\/edgefleet-agent \(release (0\.1\.0-[0-9a-f]{12})\); data in \/var\/lib\/edgefleet-agent \(owner edgefleet, mode 0700\)\./.exec(first.out)?.[1];
    expect(release, first.out).toBeDefined();
    expect(onBoard('readlink /opt/edgefleet-agent/current; ls /opt/edgefleet-agent/releases; stat -c %U /opt/edgefleet-agent/releases').out).toBe(`releases/${release}\n${release}\nedgefleet`);
    expect(first.out).toContain('runuser -u edgefleet -- /opt/edgefleet-agent/current/run.sh --data-dir /var/lib/edgefleet-agent --port 8443 --serve-port 8080');
    const code = /^Pairing code: (\S+)$/m.exec(first.out)?.[1];
    expect(code).toMatch(/^[A-Z0-9]{8}$/);
    expect(onBoard("dpkg-query -W -f '${Status} ${Version}' edgefleet-agent").out).toBe('install ok installed 0.1.0');
    expect(onBoard('id -u edgefleet >/dev/null && getent passwd edgefleet | cut -d: -f6,7').out).toBe('/var/lib/edgefleet-agent:/usr/sbin/nologin');
    expect(onBoard('stat -c "%a %U" /var/lib/edgefleet-agent').out).toBe('700 edgefleet');
    expect(onBoard('cat /var/lib/edgefleet-agent/pairing-code').out).toBe(code);
    expect(onBoard('stat -c %U /opt/edgefleet-agent/current/node/bin/node && /opt/edgefleet-agent/current/node/bin/node -p process.arch').out).toBe('root\narm64');

    const again = onBoard('dpkg -i /tmp/agent.deb');
    expect(again.code, again.out).toBe(0);
    expect(again.out).not.toContain('Created the system user');
    expect(/^Pairing code: (\S+)$/m.exec(again.out)?.[1]).toBe(code);
    expect(onBoard('ls /opt | grep -c edgefleet').out).toBe('1');
    expect(onBoard('readlink /opt/edgefleet-agent/current; ls /opt/edgefleet-agent/releases | wc -l').out).toBe(`releases/${release}\n1`);

    const [port, servePort] = [await freePort(), await freePort()];
    onBoard(`(runuser -u edgefleet -- /opt/edgefleet-agent/current/run.sh --data-dir /var/lib/edgefleet-agent --port ${port} --serve-port ${servePort} --no-mdns >/tmp/agent.log 2>&1 &)`);
    let log = '';
    for (const end = Date.now() + 60_000; !/^EDGEFLEET_AGENT_READY /m.test(log) && Date.now() < end; ) {
      await new Promise((r) => setTimeout(r, 500));
      log = onBoard('cat /tmp/agent.log').out;
    }
    expect(log).toMatch(/^EDGEFLEET_AGENT_READY /m);
    expect(log).toContain(`Pairing code: ${code}`);
    // The board shares the host's pid numbers (not its users): find the agent among the board's processes.
    const agent = board!.processes().find((p) => p.cmdline.includes('/opt/edgefleet-agent/current/agent.js'));
    expect(agent, 'the agent runs on the board').toBeDefined();
    const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${agent!.pid}/status`, 'utf8'))![1];
    expect(uid).toBe(onBoard('id -u edgefleet').out);
    process.kill(agent!.pid, 'SIGTERM');
    for (const end = Date.now() + 20_000; existsSync(`/proc/${agent!.pid}`) && Date.now() < end; ) await new Promise((r) => setTimeout(r, 200));

    const removed = onBoard('dpkg -r edgefleet-agent');
    expect(removed.code, removed.out).toBe(0);
    expect(onBoard('ls -A /usr/lib/edgefleet-agent /opt/edgefleet-agent 2>&1 | grep -c "No such file"').out).toBe('2');
    expect(onBoard('test -f /var/lib/edgefleet-agent/identity.json && echo kept').out).toBe('kept');
    expect(onBoard("dpkg-query -W -f '${Status}' edgefleet-agent").out).toBe('deinstall ok config-files');

    const purged = onBoard('dpkg -P edgefleet-agent');
    expect(purged.code, purged.out).toBe(0);
    expect(purged.out).toContain('the system user edgefleet stays');
    expect(onBoard('test -e /var/lib/edgefleet-agent || echo gone').out).toBe('gone');
    expect(onBoard('dpkg-query -W edgefleet-agent').code).not.toBe(0);
  }, 150_000);
});
