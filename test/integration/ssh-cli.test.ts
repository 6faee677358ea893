// `edgefleet ssh …` from the command line against a real sshd on loopback: passwords only from
// --password-env (never stored), exit code 2 with one clear line for bad input and refused logins.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshHost } from '../../electron/core/api/types.js';
import { repoRoot, sampleModelPath } from '../helpers/agent-process.js';
import { startSshd, type Sshd } from '../helpers/sshd.js';

let sshd: Sshd;
const home = mkdtempSync(path.join(tmpdir(), 'ef-ssh-cli-'));

function edgefleet(env: Record<string, string>, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const boot = `import { main } from './electron/cli/main.ts'; const code = await main(process.argv.slice(1)); process.exitCode = code; setTimeout(() => process.exit(code), 500).unref();`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', boot, ...args, '--home', home], {
      cwd: repoRoot,
      env: { ...process.env, EDGEFLEET_DISCOVERY: 'off', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  sshd = await startSshd();
});

afterAll(async () => {
  await sshd?.stop();
  rmSync(home, { recursive: true, force: true });
}, 120_000);

describe('edgefleet ssh', () => {
  it('refuses a wrong password with exit code 2 and one line', async () => {
    const r = await edgefleet({ EF_PW: 'wrong' }, 'ssh', 'add', '127.0.0.1', '--user', sshd.user, '--port', String(sshd.port), '--password-env', 'EF_PW');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^edgefleet: SSH login refused: .* refused the password given/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('names an unset --password-env variable', async () => {
    const r = await edgefleet({}, 'ssh', 'add', '127.0.0.1', '--user', sshd.user, '--port', String(sshd.port), '--password-env', 'EF_NOT_SET');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the environment variable EF_NOT_SET is not set');
  });

  it('adds with a password from the environment, deploys agentless, and asks for the password again later', async () => {
    const add = await edgefleet({ EF_PW: sshd.password }, 'ssh', 'add', '127.0.0.1', '--user', sshd.user, '--port', String(sshd.port), '--password-env', 'EF_PW', '--json');
    expect(add.code, add.stderr).toBe(0);
    const host = JSON.parse(add.stdout) as SshHost;
    expect(host.hostKey?.fingerprint).toBe(sshd.hostKeyFingerprint());

    const list = await edgefleet({}, 'ssh', 'list');
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(`${host.id}  127.0.0.1  ${sshd.user}@127.0.0.1:${sshd.port}  password  ssh-ed25519 ${sshd.hostKeyFingerprint()}  no agent`);

    const target = path.join(sshd.home, 'srv', 'model.onnx');
    const marker = path.join(sshd.home, 'srv', 'restarted');
    const deploy = await edgefleet({ EF_PW: sshd.password }, 'ssh', 'deploy', sampleModelPath, '--host', host.id, '--path', target, '--restart', `touch ${marker}`, '--password-env', 'EF_PW');
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(createHash('sha256').update(readFileSync(target)).digest('hex')).toBe(createHash('sha256').update(readFileSync(sampleModelPath)).digest('hex'));
    expect(existsSync(marker)).toBe(true);

    // The CLI kept no password: the next command needs it again.
    const rollback = await edgefleet({}, 'ssh', 'rollback', host.id);
    expect(rollback.code).toBe(2);
    expect(rollback.stderr).toMatch(/Password required: .* --password-env VAR/);
  }, 90_000);

  it('refuses a relative remote path before connecting', async () => {
    const r = await edgefleet({ EF_PW: sshd.password }, 'ssh', 'deploy', sampleModelPath, '--host', 'ssh-0000000000', '--path', 'model.onnx', '--password-env', 'EF_PW');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Give an absolute file path on the host');
  }, 60_000);
});
