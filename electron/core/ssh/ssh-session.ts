// One SSH connection to a host (ssh2): host key checked against the pinned one, commands, SFTP uploads.
import { readFileSync } from 'node:fs';
import { Client, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { AppError } from '../api/errors.js';
import { describeHostKey, hostKeyChanged, type HostKey } from './host-key.js';

export interface SshTarget {
  /** The inventory id, named in errors; null while a host is being added. */
  hostId: string | null;
  host: string;
  port: number;
  user: string;
  keyPath: string | null;
  password: string | null;
  /** The key pinned at first use; null accepts (and reports) whatever the host shows. */
  pinned: HostKey | null;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function targetLabel(t: Pick<SshTarget, 'user' | 'host' | 'port'>): string {
  return `${t.user}@${t.host}${t.port === 22 ? '' : `:${t.port}`}`;
}

function readKey(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new AppError('SSH_KEY_UNREADABLE', 'Private key not readable', `Cannot read the private key ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'}). Check the path given with --key and its permissions.`);
  }
}

export class SshSession {
  private sftpPromise: Promise<SFTPWrapper> | null = null;

  private constructor(
    private readonly client: Client,
    readonly target: SshTarget,
    readonly hostKey: HostKey,
  ) {}

  get label(): string {
    return targetLabel(this.target);
  }

  static open(target: SshTarget, timeoutMs = 20_000): Promise<SshSession> {
    if (!target.keyPath && target.password === null) {
      throw new AppError(
        'SSH_PASSWORD_REQUIRED',
        'Password required',
        `${targetLabel(target)} logs in with a password, which this console does not keep. Give it with --password-env VAR (the name of an environment variable holding it) or --ask-password.`,
      );
    }
    const config: ConnectConfig = { host: target.host, port: target.port, username: target.user, readyTimeout: timeoutMs, keepaliveInterval: 15_000 };
    if (target.keyPath) config.privateKey = readKey(target.keyPath);
    if (target.password !== null) config.password = target.password;
    // Only the methods we hold: no keyboard-interactive prompts, no agent.
    config.tryKeyboard = false;
    let seen: HostKey | null = null;
    config.hostVerifier = (key: Buffer) => {
      seen = describeHostKey(key);
      return !target.pinned || (seen.fingerprint === target.pinned.fingerprint && seen.type === target.pinned.type);
    };
    const client = new Client();
    return new Promise<SshSession>((resolve, reject) => {
      const fail = (err: Error & { level?: string; code?: string }) => {
        client.end();
        if (target.pinned && seen && seen.fingerprint !== target.pinned.fingerprint) {
          reject(hostKeyChanged(targetLabel(target), target.pinned, seen, target.hostId ?? 'ID'));
        } else if (err.level === 'client-authentication') {
          const how = target.keyPath ? `the key ${target.keyPath}` : 'the password given';
          reject(new AppError('SSH_AUTH_FAILED', 'SSH login refused', `${targetLabel(target)} refused ${how}. Check the user name and ${target.keyPath ? 'that the public key is in its authorized_keys' : 'the password'}.`));
        } else if (err.level === 'client-timeout' || ['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET'].includes(err.code ?? '')) {
          reject(new AppError('SSH_UNREACHABLE', 'SSH host not reachable', `No SSH server answered at ${target.host}:${target.port} (${err.code ?? err.message}). Check the address, the port and that sshd runs.`));
        } else if (/privateKey|parse/i.test(err.message)) {
          reject(new AppError('SSH_KEY_INVALID', 'Private key not usable', `${target.keyPath}: ${err.message}. Give an unencrypted OpenSSH or PEM private key.`));
        } else {
          reject(new AppError('SSH_FAILED', 'SSH connection failed', `${targetLabel(target)}: ${err.message}`));
        }
      };
      client.once('ready', () => {
        client.off('error', fail);
        client.on('error', () => {});
        resolve(new SshSession(client, target, seen!));
      });
      client.once('error', fail);
      try {
        client.connect(config);
      } catch (err) {
        fail(err as Error);
      }
    });
  }

  /** Runs a command through the login shell; resolves with its exit code and output. */
  exec(command: string, input?: string): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      this.client.exec(command, (err, stream) => {
        if (err) return reject(new AppError('SSH_FAILED', 'Remote command not started', `${this.label}: ${err.message}`));
        const out: Buffer[] = [];
        const errOut: Buffer[] = [];
        let code = -1;
        stream.on('data', (c: Buffer) => out.push(c));
        stream.stderr.on('data', (c: Buffer) => errOut.push(c));
        stream.on('exit', (c: number | null) => (code = c ?? -1));
        stream.on('close', () => resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(errOut).toString() }));
        stream.end(input);
      });
    });
  }

  /** Runs a command that must succeed; its stdout. */
  async run(command: string, what: string): Promise<string> {
    const r = await this.exec(command);
    if (r.code !== 0) {
      const said = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-3).join(' / ');
      throw new AppError('REMOTE_COMMAND_FAILED', `${what} failed on the host`, `${this.label}: exit ${r.code}${said ? `: ${said}` : ''}`);
    }
    return r.stdout;
  }

  sftp(): Promise<SFTPWrapper> {
    this.sftpPromise ??= new Promise((resolve, reject) => {
      this.client.sftp((err, sftp) => (err ? reject(new AppError('SFTP_UNAVAILABLE', 'SFTP not available', `${this.label}: ${err.message}. Enable the sftp subsystem in sshd_config.`)) : resolve(sftp)));
    });
    return this.sftpPromise;
  }

  /** Uploads a local file over SFTP (pipelined writes); progress in bytes sent. */
  async upload(localPath: string, remotePath: string, onProgress?: (sent: number, total: number) => void, mode = 0o644): Promise<void> {
    const sftp = await this.sftp();
    await new Promise<void>((resolve, reject) => {
      sftp.fastPut(localPath, remotePath, { concurrency: 64, chunkSize: 32768, mode, step: onProgress ? (sent, _chunk, total) => onProgress(sent, total) : undefined }, (err) =>
        err ? reject(new AppError('SFTP_UPLOAD_FAILED', 'Upload failed', `${localPath} → ${this.label}:${remotePath}: ${err.message}`)) : resolve(),
      );
    });
  }

  /** rename(2) on the host (OpenSSH's posix-rename: replaces an existing target atomically). */
  async rename(from: string, to: string): Promise<void> {
    const sftp = await this.sftp();
    await new Promise<void>((resolve, reject) => {
      sftp.ext_openssh_rename(from, to, (err) => (err ? reject(new AppError('SFTP_RENAME_FAILED', 'Rename failed', `${this.label}: ${from} → ${to}: ${err.message}`)) : resolve()));
    });
  }

  async writeFile(remotePath: string, content: string, mode = 0o644): Promise<void> {
    const sftp = await this.sftp();
    await new Promise<void>((resolve, reject) => {
      sftp.writeFile(remotePath, content, { mode }, (err) => (err ? reject(new AppError('SFTP_UPLOAD_FAILED', 'Write failed', `${this.label}:${remotePath}: ${err.message}`)) : resolve()));
    });
  }

  close(): void {
    this.client.end();
  }
}

/** Opens a session, runs `fn`, and closes the session whatever happens. */
export async function withSession<T>(target: SshTarget, fn: (s: SshSession) => Promise<T>): Promise<T> {
  const s = await SshSession.open(target);
  try {
    return await fn(s);
  } finally {
    s.close();
  }
}
