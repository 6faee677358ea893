// An emulated arm64 board for tests: the stock Debian 12 arm64 root of `.ci/prepare-arm64-root.sh` (no
// Node.js) with its own arm64 sshd, run under qemu-user through binfmt_misc (`.ci/prepare-arm64.sh`),
// chrooted, in a private mount namespace where the board sees a Raspberry Pi 4's /proc/cpuinfo
// (onnxruntime's CPU probe crashes on the host's x86 text). The cached root is the lower layer of an
// overlay whose upper layer is a tmpfs of that namespace: every board starts stock, and nothing written on
// it reaches the cache or outlives stop(). It shares the host's network: sshd and whatever the board runs
// listen on host loopback. Needs root (mount namespaces).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './sshd.js';

export const arm64RootCache = process.env.EDGEFLEET_ARM64_ROOT_CACHE ?? '/var/cache/edgefleet-ci/arm64-root';
const stockRoot = path.join(arm64RootCache, 'root');
/** Logs in as root and as `boardUser` on every board (written by .ci/prepare-arm64-root.sh). */
export const boardKeyPath = path.join(arm64RootCache, 'id_ed25519');
export const boardUser = 'efuser';

// A Raspberry Pi 4 (Cortex-A72): onnxruntime's CPU probe reads this and crashes on the host's x86 text.
export const piCpuinfo = [0, 1, 2, 3]
  .map((n) => `processor\t: ${n}\nBogoMIPS\t: 108.00\nFeatures\t: fp asimd evtstrm crc32 cpuid\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: 0xd08\nCPU revision\t: 3\n`)
  .join('\n')
  .concat('\nHardware\t: BCM2835\nRevision\t: c03111\nModel\t\t: Raspberry Pi 4 Model B Rev 1.1\n');

/** Runs a command in a private mount namespace that sees `cpuinfo` as /proc/cpuinfo (the pid stays the command's). */
export const withCpuinfo = (cpuinfo: string) => ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', `mount --bind ${cpuinfo} /proc/cpuinfo && exec "$@"`, 'sh'];

/** Why no board can start here (with the fix), or null when the rig is ready. */
export function arm64RigMissing(): string | null {
  if (process.getuid?.() !== 0) return 'the emulated arm64 board needs root (mount namespaces, chroot): run the tests as root';
  if (!existsSync('/proc/sys/fs/binfmt_misc/qemu-aarch64')) return 'qemu-aarch64 is not registered with binfmt_misc: run `bash .ci/prepare-arm64.sh` as root';
  if (!existsSync(path.join(arm64RootCache, 'complete'))) return `no arm64 board root at ${stockRoot}: run \`bash .ci/prepare-arm64-root.sh\` (as root, after .ci/prepare-arm64.sh) once to build it`;
  return null;
}

/** On CI a missing rig fails the test; elsewhere the test may skip, saying why. */
export function arm64RigSkipReason(): string | null {
  const missing = arm64RigMissing();
  const ci = !!process.env.CI && process.env.CI !== 'false';
  return missing && !ci ? missing : null;
}

export interface Arm64Board {
  port: number;
  /** What `ssh-keygen -lf` prints for the board's ed25519 host key (the only one its sshd offers): "SHA256:…". */
  hostKeyFingerprint: string;
  /** Runs a shell command on the board over SSH as `user` (root or boardUser); throws on a non-zero exit. */
  ssh(user: string, cmd: string): string;
  /** The board's processes (host pids: the board has no pid namespace) with their command lines. */
  processes(): { pid: number; cmdline: string[] }[];
  stop(): Promise<void>;
}

// Runs as root in the new mount namespace: the overlay, /proc with the Pi's cpuinfo over it, a /dev with
// the few nodes sshd and the agent use, a devpts of its own, then sshd chrooted (arm64, under qemu).
const bootScript = `set -eu
root=$1 work=$2 port=$3 cpuinfo=$4
mount -t tmpfs -o mode=0755 ef-board "$work"
mkdir -p "$work/upper" "$work/work" "$work/merged"
mount -t overlay ef-board -o "lowerdir=$root,upperdir=$work/upper,workdir=$work/work" "$work/merged"
m=$work/merged
mount -t proc proc "$m/proc" 2>/dev/null || mount --rbind /proc "$m/proc"
mount --bind "$cpuinfo" "$m/proc/cpuinfo"
mount -t tmpfs -o mode=0755 ef-board-dev "$m/dev"
for d in null zero full random urandom tty; do : >"$m/dev/$d"; mount --bind "/dev/$d" "$m/dev/$d"; done
mkdir -p "$m/dev/pts" "$m/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$m/dev/pts"
ln -s pts/ptmx "$m/dev/ptmx"
ln -s /proc/self/fd "$m/dev/fd"
mount -t tmpfs -o mode=0755 ef-board-run "$m/run"
mkdir -p "$m/run/sshd"
mount -t tmpfs -o mode=1777 ef-board-tmp "$m/tmp"
exec chroot "$m" /usr/sbin/sshd -D -e -p "$port" -o PidFile=/run/sshd.pid -o HostKey=/etc/ssh/ssh_host_ed25519_key
`;

function alive(proc: ChildProcess): boolean {
  return proc.exitCode === null && proc.signalCode === null;
}

/** Resolves once sshd has bound its port (it writes its PidFile, inside the board, only after that). */
async function waitForSshd(proc: ChildProcess, log: () => string, timeoutMs = 60_000): Promise<boolean> {
  const pidFile = `/proc/${proc.pid}/root/run/sshd.pid`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!alive(proc)) {
      if (/Address already in use/.test(log())) return false;
      throw new Error(`the board's sshd exited (${proc.exitCode ?? proc.signalCode}) before it listened:\n${log()}`);
    }
    try {
      if (readFileSync(pidFile, 'utf8').trim() === String(proc.pid)) return true;
    } catch {
      // Not written yet (or the chroot not entered yet).
    }
    if (Date.now() > deadline) throw new Error(`the board's sshd did not listen within ${timeoutMs / 1000} s:\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function mountNamespace(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return null;
  }
}

function pidsIn(ns: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => pid !== process.pid && mountNamespace(pid) === ns);
}

export async function startArm64Board(): Promise<Arm64Board> {
  const missing = arm64RigMissing();
  if (missing) throw new Error(missing);
  const dir = mkdtempSync(path.join(tmpdir(), 'ef-arm64-board-'));
  const cpuinfo = path.join(dir, 'cpuinfo');
  writeFileSync(cpuinfo, piCpuinfo);
  const work = path.join(dir, 'board');
  mkdirSync(work);
  const hostKeyFingerprint = execFileSync('ssh-keygen', ['-lf', path.join(stockRoot, 'etc/ssh/ssh_host_ed25519_key.pub')]).toString().split(' ')[1];

  let proc: ChildProcess | null = null;
  let ns: string | null = null;
  let log = '';
  let port = 0;
  const stop = async () => {
    const p = proc;
    proc = null;
    // Every process of the board (sshd, its sessions, agents it started) is in its mount namespace;
    // when the last one ends, the namespace and all its mounts (overlay, tmpfs upper layer) go with it.
    if (ns) {
      for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
        for (const pid of pidsIn(ns)) {
          try {
            process.kill(pid, signal);
          } catch {
            // Gone already.
          }
        }
        const end = Date.now() + 10_000;
        while (pidsIn(ns).length && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
        if (!pidsIn(ns).length) break;
      }
    }
    if (p && alive(p)) {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
    process.off('exit', onExit);
  };

  // A test process that ends without stop() (a crash, an interrupted run) still takes its board with it.
  const onExit = () => {
    for (const pid of ns ? pidsIn(ns) : []) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
  };
  process.once('exit', onExit);

  try {
    for (let tries = 0; ; tries++) {
      port = await freePort();
      log = '';
      const p = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', bootScript, 'sh', stockRoot, work, String(port), cpuinfo], { stdio: ['ignore', 'ignore', 'pipe'] });
      proc = p;
      p.stderr!.on('data', (c: Buffer) => (log += c.toString()));
      ns = null;
      // The namespace is the child's as soon as unshare has made it; read it while sshd starts.
      const started = waitForSshd(p, () => log);
      while (alive(p) && (!ns || ns === mountNamespace(process.pid))) {
        ns = mountNamespace(p.pid!);
        await new Promise((r) => setTimeout(r, 20));
      }
      if (await started) break;
      if (tries === 4) throw new Error(`the board's sshd found every port it was given taken:\n${log}`);
    }
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    port,
    hostKeyFingerprint,
    ssh(user, cmd) {
      const args = ['-i', boardKeyPath, '-p', String(port), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR'];
      return execFileSync('ssh', [...args, '-o', 'ConnectTimeout=20', `${user}@127.0.0.1`, cmd], { encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    },
    processes() {
      if (!ns) return [];
      return pidsIn(ns).flatMap((pid) => {
        try {
          return [{ pid, cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean) }];
        } catch {
          return [];
        }
      });
    },
    stop,
  };
}
