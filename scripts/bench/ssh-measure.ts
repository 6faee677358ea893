// SSH: provisioning time of the agent onto a host (a real sshd on loopback with a throwaway user), and
// SFTP upload throughput against `scp` of the same 50 MB file in the same run (interleaved, medians).
// Prints one JSON line. Needs root (useradd, sshd). Usage: tsx scripts/bench/ssh-measure.ts [MB] [REPEATS]
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { Job, SshHost, SshProvisionResult } from '../../electron/core/api/types.js';
import { freePort, startSshd } from '../../test/helpers/sshd.js';

// The compiled core when it has the SSH part (`npm run build`): its job workers are plain JS.
const dist = new URL('../../dist/electron/core/', import.meta.url);
const fromDist = existsSync(new URL('ssh/ssh-session.js', dist));
const base = fromDist ? dist.href : new URL('../../electron/core/', import.meta.url).href;
const ext = fromDist ? 'js' : 'ts';
const { createCore } = (await import(`${base}core.${ext}`)) as typeof import('../../electron/core/core.js');
const { SshSession } = (await import(`${base}ssh/ssh-session.${ext}`)) as typeof import('../../electron/core/ssh/ssh-session.js');

const [mbArg, repeatsArg] = process.argv.slice(2);
const mb = Number(mbArg ?? 50);
const repeats = Number(repeatsArg ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const sshd = await startSshd();
const home = mkdtempSync(join(os.tmpdir(), 'ef-ssh-bench-'));
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

  const host = await call<SshHost>('ssh.add', { host: '127.0.0.1', port: sshd.port, user: sshd.user, keyPath: sshd.keyPath });
  const agentPort = await freePort();
  let t = performance.now();
  const first = (await job('ssh.provision', { id: host.id, agentPort, servePort: 0, mdns: false })).result as SshProvisionResult;
  const provisionMs = performance.now() - t;
  t = performance.now();
  await job('ssh.provision', { id: host.id, agentPort, servePort: 0, mdns: false });
  const reprovisionMs = performance.now() - t;
  await call('ssh.uninstall', { id: host.id });

  const file = join(home, 'payload.bin');
  writeFileSync(file, randomBytes(mb * 1_000_000));
  const bytes = mb * 1_000_000;
  const sftpMs: number[] = [];
  const scpMs: number[] = [];
  const target = { hostId: host.id, host: '127.0.0.1', port: sshd.port, user: sshd.user, keyPath: sshd.keyPath, password: null, pinned: host.hostKey };
  {
    // Both sides pay for a connection and a handshake, as scp does.
    for (let i = 0; i < repeats; i++) {
      t = performance.now();
      const session = await SshSession.open(target);
      await session.upload(file, `${sshd.home}/sftp.bin`);
      session.close();
      sftpMs.push(performance.now() - t);
      t = performance.now();
      execFileSync('scp', ['-q', '-i', sshd.keyPath, '-P', String(sshd.port), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', file, `${sshd.user}@127.0.0.1:${sshd.home}/scp.bin`]);
      scpMs.push(performance.now() - t);
    }
  }
  const sftp = median(sftpMs);
  const scp = median(scpMs);
  console.log(
    JSON.stringify({
      fromDist,
      bundleFiles: first.uploaded,
      mode: first.mode,
      provisionMs,
      reprovisionMs,
      bytes,
      repeats,
      sftpMs: sftp,
      scpMs: scp,
      sftpMBps: bytes / 1e6 / (sftp / 1000),
      scpMBps: bytes / 1e6 / (scp / 1000),
      sftpVsScp: scp / sftp,
    }),
  );
} finally {
  await core.close();
  await sshd.stop();
  rmSync(home, { recursive: true, force: true });
}
