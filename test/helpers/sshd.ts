// A real OpenSSH sshd on 127.0.0.1 for tests: its own config, host key and authorized_keys, and a
// throwaway local user (useradd; removed again by stop()) that logs in with a password or a key.
// Needs root (useradd, sshd's privilege separation), as on the machines the tests run on.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requireRoot } from './require-root.js';

export interface Sshd {
  port: number;
  dir: string;
  user: string;
  password: string;
  home: string;
  /** A private key the user accepts (its .pub is in authorized_keys). */
  keyPath: string;
  /** What `ssh-keygen -lf` prints for the current host key: "SHA256:…". */
  hostKeyFingerprint(): string;
  /** Restarts sshd on the same port with a freshly generated host key. */
  changeHostKey(): Promise<void>;
  stop(): Promise<void>;
}

/** The kernel's range for bind(0) and outgoing connections: [low, high]. */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low > 0 && high >= low) return [low, high];
  } catch {
    // Not Linux: assume the IANA range.
  }
  return [49152, 65535];
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '0.0.0.0', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

const sliceSize = 500;
let nextInSlice = randomBytes(2).readUInt16BE() % sliceSize;

/**
 * A free TCP port for a server that must be told its port before it starts (sshd, an agent provisioned
 * over SSH). Handing over a port found free is a race; this narrows it to nothing in practice: the port
 * lies below the kernel's ephemeral range, so no bind(0) and no outgoing connection can be given it in
 * between, and inside a slice of that space of its own for each vitest worker (VITEST_POOL_ID), so test
 * files running side by side never pick the same one.
 */
export async function freePort(): Promise<number> {
  const base = 10_000;
  const [low] = ephemeralRange();
  const slices = Math.floor((low - base) / sliceSize);
  if (slices < 1) throw new Error(`no port space below the ephemeral range (${low}); widen net.ipv4.ip_local_port_range`);
  const slice = base + (Number(process.env.VITEST_POOL_ID ?? 0) % slices) * sliceSize;
  for (let tries = 0; tries < sliceSize; tries++) {
    const port = slice + (nextInSlice++ % sliceSize);
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port in ${slice}-${slice + sliceSize - 1}`);
}

/**
 * Resolves once sshd has bound its port: it writes its PidFile only after that. (A connect would also
 * succeed against another program that took the port.) Rejects at once if sshd exits first.
 */
function waitForListening(proc: ChildProcess, pidFile: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return reject(new Error(`sshd exited (${proc.exitCode ?? proc.signalCode}) before it listened`));
      if (existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() === String(proc.pid)) return resolve();
      if (Date.now() > deadline) return reject(new Error('sshd did not listen in time'));
      setTimeout(poll, 50);
    };
    poll();
  });
}

function keygen(file: string): void {
  rmSync(file, { force: true });
  rmSync(`${file}.pub`, { force: true });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
}

export async function startSshd(): Promise<Sshd> {
  requireRoot('useradd and sshd');
  const dir = mkdtempSync(path.join(tmpdir(), 'ef-sshd-'));
  chmodSync(dir, 0o755);
  const user = `efssh${randomBytes(3).toString('hex')}`;
  const password = randomBytes(12).toString('base64url');
  const home = path.join(dir, 'home');
  execFileSync('useradd', ['--create-home', '--home-dir', home, '--shell', '/bin/sh', '--no-user-group', user]);
  execFileSync('chpasswd', { input: `${user}:${password}\n` });

  const hostKey = path.join(dir, 'host_ed25519');
  keygen(hostKey);
  const keyPath = path.join(dir, 'client_ed25519');
  keygen(keyPath);
  const authorized = path.join(dir, 'authorized_keys');
  writeFileSync(authorized, readFileSync(`${keyPath}.pub`));
  chmodSync(authorized, 0o644);
  const config = path.join(dir, 'sshd_config');
  const pidFile = path.join(dir, 'sshd.pid');
  const writeConfig = (port: number) =>
    writeFileSync(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `PidFile ${pidFile}`,
        `AuthorizedKeysFile ${authorized}`,
        'StrictModes no',
        'UsePAM no',
        'PasswordAuthentication yes',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin no',
        `AllowUsers ${user}`,
        'Subsystem sftp internal-sftp',
        'LogLevel ERROR',
        '',
      ].join('\n'),
    );
  mkdirSync('/run/sshd', { recursive: true });

  let port = 0;
  let proc: ChildProcess | null = null;
  let log = '';
  /** Starts sshd on the configured port; false when another program took that port first. */
  const launchOnce = async (): Promise<boolean> => {
    log = '';
    rmSync(pidFile, { force: true });
    const p = spawn('/usr/sbin/sshd', ['-f', config, '-D', '-e'], { stdio: ['ignore', 'ignore', 'pipe'] });
    proc = p;
    p.stderr!.on('data', (c: Buffer) => (log += c.toString()));
    try {
      await waitForListening(p, pidFile);
      return true;
    } catch (err) {
      if (/Address already in use/.test(log)) return false;
      throw new Error(`${(err as Error).message}:\n${log}`, { cause: err });
    }
  };
  const halt = async () => {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await exited;
  };
  const removeUser = () => {
    try {
      execFileSync('userdel', ['--force', '--remove', user], { stdio: 'ignore' });
    } catch {
      // userdel warns (exit 12) when the mail spool is missing; the account is gone anyway.
    }
  };
  try {
    // The port is free when picked but only bound when sshd starts: if it was taken in between, pick again.
    for (let tries = 0; ; tries++) {
      port = await freePort();
      writeConfig(port);
      if (await launchOnce()) break;
      if (tries === 4) throw new Error(`sshd found every port it was given taken:\n${log}`);
    }
  } catch (err) {
    await halt();
    removeUser();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  return {
    port,
    dir,
    user,
    password,
    home,
    keyPath,
    hostKeyFingerprint: () => execFileSync('ssh-keygen', ['-lf', `${hostKey}.pub`]).toString().split(' ')[1],
    async changeHostKey() {
      await halt();
      keygen(hostKey);
      // The same port (hosts are pinned to it), so a program that took it meanwhile is an error here.
      if (!(await launchOnce())) throw new Error(`sshd could not bind ${port} again:\n${log}`);
    },
    async stop() {
      await halt();
      stopUserAgent(home);
      removeUser();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Stops an agent that a test left running under the user (background mode keeps its pid here). */
function stopUserAgent(home: string): void {
  const pidFile = path.join(home, '.local/share/edgefleet-agent/agent.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!(pid > 1)) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
