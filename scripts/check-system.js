// `npm test` runs real system parts (network namespaces, sshd, socat pty pairs, Chromium, python-zeroconf):
// check them all first and list every problem with its exact fix, instead of tests skipping or failing
// one by one further in.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

const onPath = (name) => (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, name)));
const tool = (name, what, pkg) => ({ what: `${name} (${what})`, ok: () => onPath(name), fix: `apt-get install -y ${pkg}` });
const file = (path, what, pkg) => ({ what: `${path} (${what})`, ok: () => existsSync(path), fix: `apt-get install -y ${pkg}` });

/** The Electron runtime's path where it is installed (the same lookup test/e2e/electron-window.test.ts makes). */
function electronRuntime() {
  try {
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const systemdRoot = process.env.EDGEFLEET_SYSTEMD_ROOT_CACHE ?? '/var/cache/edgefleet-ci/systemd-root';
const arm64Root = process.env.EDGEFLEET_ARM64_ROOT_CACHE ?? '/var/cache/edgefleet-ci/arm64-root';

const needs = [
  {
    what: 'root (network namespaces for the mDNS and fleet tests, sshd test users)',
    ok: () => process.getuid?.() === 0,
    fix: 'run as root, namespaces need CAP_SYS_ADMIN',
  },
  tool('unshare', 'private network namespaces', 'util-linux'),
  tool('setpriv', 'runs a command as another user', 'util-linux'),
  tool('ip', 'namespaces, veth pairs and routes', 'iproute2'),
  tool('socat', 'serial pty pairs', 'socat'),
  file('/usr/sbin/sshd', 'a private OpenSSH server for the SSH tests', 'openssh-server'),
  tool('ssh-keygen', 'host and client keys for the SSH tests', 'openssh-client'),
  tool('useradd', 'throwaway SSH users', 'passwd'),
  tool('ps', 'checks which user an agent runs as', 'procps'),
  tool('mosquitto', 'a real MQTT broker for the MQTT binding tests', 'mosquitto'),
  tool('openssl', 'a device-made key and CSR for the broker certificate test', 'openssl'),
  tool('gcc', 'builds the C reference serial device (resources/serial-device-c)', 'gcc'),
  tool('make', "the C reference device's build", 'make'),
  file('/bin/busybox', "BusyBox, the shell and tools of minimal boards, for the agent's run.sh watchdog test", 'busybox'),
  file('/usr/include/sodium.h', "libsodium, the C reference device's POSIX port crypto (SHA-256, Ed25519)", 'libsodium-dev'),
  file('/usr/bin/chromium', 'browser end-to-end tests', 'chromium'),
  file('/usr/share/libonnx-testdata/data', 'ONNX conformance corpus for the codec round-trip and fuzz tests', 'libonnx-testdata'),
  {
    what: "python3-zeroconf under /usr/bin/python3 (an independent DNS-SD client; `/usr/bin/python3 -c 'import zeroconf'` fails)",
    ok: () => spawnSync('/usr/bin/python3', ['-c', 'import zeroconf'], { stdio: 'ignore' }).status === 0,
    fix: 'apt-get install -y python3-zeroconf',
  },
  {
    what: "python3-pyarmnn under /usr/bin/python3 (Arm NN's TFLite runtime, the conversion tests' second opinion)",
    ok: () => spawnSync('/usr/bin/python3', ['-c', 'import pyarmnn'], { stdio: 'ignore' }).status === 0,
    fix: 'apt-get install -y python3-pyarmnn',
  },
  // Only recommended by python3-pyarmnn: without it Arm NN refuses every model ("None of the preferred backends").
  file('/usr/lib/x86_64-linux-gnu/armnn22/Arm_CpuRef_backend.so', "Arm NN's CpuRef backend, the one the conversion tests run on", 'libarmnn-cpuref-backend22'),
  {
    what: 'qemu-aarch64 registered with binfmt_misc (the arm64 agent build runs under emulation)',
    ok: () => existsSync('/proc/sys/fs/binfmt_misc/qemu-aarch64') && existsSync('/usr/lib/aarch64-linux-gnu/libstdc++.so.6'),
    fix: 'bash .ci/prepare-arm64.sh (qemu-user-static, binfmt-support, libc6:arm64, libstdc++6:arm64)',
  },
  file('/usr/sbin/debootstrap', 'builds the Debian roots of the systemd and emulated arm64 board tests, once', 'debootstrap'),
  {
    what: `a stock Debian 12 arm64 root with sshd and no Node, the emulated board of the SSH provisioning test (${arm64Root}/complete)`,
    ok: () => existsSync(join(arm64Root, 'complete')),
    fix: 'bash .ci/prepare-arm64-root.sh (debootstrap under qemu, once, after .ci/prepare-arm64.sh)',
  },
  tool('systemd-nspawn', 'boots a Debian root with systemd as PID 1 for the SSH systemd-unit test', 'systemd-container'),
  {
    what: `a Debian 12 root with systemd and sshd for systemd-nspawn (${systemdRoot}/complete)`,
    ok: () => existsSync(join(systemdRoot, 'complete')),
    fix: 'bash .ci/prepare-systemd-root.sh (debootstrap, once)',
  },
  {
    what: 'the pinned Node runtimes the agent builds carry (resources/agent/runtimes/linux-{arm64,x64}/node)',
    ok: () => ['arm64', 'x64'].every((a) => existsSync(join(import.meta.dirname, '..', 'resources', 'agent', 'runtimes', `linux-${a}`, 'node'))),
    fix: 'npm run fetch:agent-runtimes (needs the npm registry once)',
  },
  {
    // Only where the runtime is installed: the Electron window test then runs and needs an X display.
    what: 'a display for the Electron window test (the Electron runtime is installed, DISPLAY is not set)',
    ok: () => !!process.env.DISPLAY || !electronRuntime(),
    fix: 'run the tests under a virtual display: apt-get install -y xvfb && xvfb-run -a npm test',
  },
];

const problems = needs.filter((n) => !n.ok());
if (problems.length > 0) {
  console.error(`npm test cannot run here: ${problems.length} system requirement(s) missing.`);
  for (const p of problems) console.error(`  - ${p.what}\n      fix: ${p.fix}`);
  const pkgs = [...new Set(problems.flatMap((p) => /^apt-get install -y ([\w.+-]+)$/.exec(p.fix)?.[1] ?? []))];
  if (pkgs.length > 1) console.error(`All packages at once: apt-get install -y ${pkgs.join(' ')}`);
  process.exit(1);
}
