// arm64: sizes of the self-contained agent builds (both arches, archive and unpacked), then the emulated
// arm64 board of test/helpers/arm64-board.ts (stock Debian 12 arm64 without Node, its own sshd under
// qemu-user): the time to provision the agent onto it over SSH as a normal user (the pinned arm64 Node
// uploaded with it), provisioning again, the agent's idle RSS once paired, and an upgrade of the agent to a
// newer signed arm64 build from the console (upload, the board's checks, unpack, restart, confirmation). Every board figure is
// EMULATED (qemu-user on this x86 machine): it says nothing about a real board, and the RSS is the qemu
// process's, emulator included. Prints one JSON line. Needs root and the rig of .ci/prepare-arm64.sh and
// .ci/prepare-arm64-root.sh. Usage: tsx scripts/bench/arm64-measure.ts
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { buildAgentArchive } from '../../electron/core/agent-build/agent-build.js';
import type { Job, SshHost, SshProvisionResult } from '../../electron/core/api/types.js';
import { arm64RigMissing, boardKeyPath, boardUser, startArm64Board } from '../../test/helpers/arm64-board.js';
import { freePort } from '../../test/helpers/sshd.js';

// The compiled core when it has the SSH part (`npm run build`): its job workers are plain JS.
const dist = new URL('../../dist/electron/core/', import.meta.url);
const fromDist = existsSync(new URL('agent-build/agent-files.js', dist));
const base = fromDist ? dist.href : new URL('../../electron/core/', import.meta.url).href;
const ext = fromDist ? 'js' : 'ts';
const { createCore } = (await import(`${base}core.${ext}`)) as typeof import('../../electron/core/core.js');
const { upgradeAgents } = (await import(`${base}devices/agent-upgrade.${ext}`)) as typeof import('../../electron/core/devices/agent-upgrade.js');
const { DeviceContext } = (await import(`${base}devices/device-context.${ext}`)) as typeof import('../../electron/core/devices/device-context.js');

const missing = arm64RigMissing();
if (missing) throw new Error(missing);

const home = mkdtempSync(join(os.tmpdir(), 'ef-arm64-bench-'));
const key = generateKeyPairSync('ed25519');
const builds: Record<string, { archiveBytes: number; unpackedBytes: number; files: number }> = {};
for (const arch of ['arm64', 'x64']) {
  const r = await buildAgentArchive({ arch, output: join(home, `agent-${arch}.tar.gz`), key });
  builds[arch] = { archiveBytes: r.archiveBytes, unpackedBytes: r.unpackedBytes, files: r.signed.manifest.files.length };
}

/** VmRSS of a process in bytes (the kernel's figure, kB in /proc). */
function rssBytes(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

const board = await startArm64Board();
const core = createCore({ home, mode: 'cli' });
try {
  const call = async <R>(channel: string, input: unknown): Promise<R> => {
    const env = await core.call(channel, input);
    if (!env.ok) throw new Error(`${channel}: ${env.error.title}: ${env.error.detail}`);
    return env.result as R;
  };
  const job = async (channel: string, input: unknown): Promise<Job> => {
    const done = await core.jobs.wait((await call<Job>(channel, input)).id);
    if (done.state !== 'succeeded') throw new Error(`${channel}: ${JSON.stringify(done.error)}`);
    return done;
  };

  const host = await call<SshHost>('ssh.add', { host: '127.0.0.1', port: board.port, user: boardUser, keyPath: boardKeyPath });
  const provision = { id: host.id, agentPort: await freePort(), servePort: await freePort(), mdns: false };
  let t = performance.now();
  const first = (await job('ssh.provision', provision)).result as SshProvisionResult;
  const provisionMs = performance.now() - t;
  t = performance.now();
  const again = (await job('ssh.provision', provision)).result as SshProvisionResult;
  const reprovisionMs = performance.now() - t;

  // Idle: paired, no model, no requests; a few seconds for start-up garbage to settle.
  await new Promise((r) => setTimeout(r, 5_000));
  const agent = board.processes().find((p) => p.cmdline.some((a) => a.endsWith('/agent.js')));
  if (!agent) throw new Error('no agent process on the board after provisioning');
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(rssBytes(agent.pid));
    await new Promise((r) => setTimeout(r, 1_000));
  }
  const idleRss = [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];

  // An agent upgrade from the console: a build of the same agent with a newer version, signed by this console.
  const ctx = new DeviceContext(core.home, core.registry, core.bus);
  const next = join(home, 'agent-arm64-next.tar.gz');
  await buildAgentArchive({ arch: 'arm64', output: next, key: await ctx.consoleKey(), agentVersion: '99.0.0' });
  t = performance.now();
  const [upgrade] = await upgradeAgents(ctx, { deviceIds: [first.deviceId], buildFor: async () => next, trialSec: 300 });
  const upgradeMs = performance.now() - t;
  if (upgrade.phase !== 'upgraded') throw new Error(`the upgrade on the board ended ${upgrade.phase}: ${upgrade.error?.detail}`);
  console.log(
    JSON.stringify({
      fromDist,
      builds,
      emulated: true,
      board: 'Debian 12 arm64 (debootstrap minbase + openssh-server, no Node), qemu-user via binfmt_misc, Raspberry Pi 4 /proc/cpuinfo',
      check: first.check,
      uploaded: first.uploaded,
      uploadedAgain: again.uploaded,
      provisionMs,
      reprovisionMs,
      agentIdleRssBytes: idleRss,
      upgradeMs,
      upgradeBytes: upgrade.totalBytes,
      rssNote: "VmRSS of the qemu-user process running the agent's arm64 node: the emulator's own memory and translated-code cache are included",
    }),
  );
} finally {
  await core.close();
  await board.stop();
  rmSync(home, { recursive: true, force: true });
}
