// A real OpenSSH sshd on 127.0.0.1 for tests: its own config, host key and authorized_keys, and a
// throwaway local user (useradd; removed again by stop()) that logs in with a password or a key.
// Needs root (useradd, sshd's privilege separation), as on the machines the tests run on.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

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

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve();
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`sshd did not listen on ${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

function keygen(file: string): void {
  rmSync(file, { force: true });
  rmSync(`${file}.pub`, { force: true });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
}

export async function startSshd(): Promise<Sshd> {
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
  const port = await freePort();
  const config = path.join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
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

  let proc: ChildProcess | null = null;
  let log = '';
  const launch = async () => {
    proc = spawn('/usr/sbin/sshd', ['-f', config, '-D', '-e'], { stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr!.on('data', (c: Buffer) => (log += c.toString()));
    try {
      await waitForPort(port);
    } catch (err) {
      throw new Error(`${(err as Error).message}:\n${log}`, { cause: err });
    }
  };
  const halt = async () => {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await exited;
  };
  await launch();

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
      await launch();
    },
    async stop() {
      await halt();
      stopUserAgent(home);
      try {
        execFileSync('userdel', ['--force', '--remove', user], { stdio: 'ignore' });
      } catch {
        // userdel warns (exit 12) when the mail spool is missing; the account is gone anyway.
      }
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
