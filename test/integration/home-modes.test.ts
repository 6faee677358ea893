// The home is private: a new one is 0700 with 0600 files even under umask 022, an old one (0755/0644,
// plain-text token) is fixed when it is opened, another local user (nobody) cannot read it, and with a
// keychain (here a real AES-GCM sealer through the same TokenSealer interface the desktop app binds to
// safeStorage) no file in the home holds a device token in plain text, while the devices keep working.
import { spawn, spawnSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceSummary } from '../../electron/core/api/types.js';
import { createCore } from '../../electron/core/core.js';
import { DeviceStore } from '../../electron/core/registry/device-store.js';
import { Registry } from '../../electron/core/registry/registry.js';
import type { TokenSealer } from '../../electron/core/registry/token-seal.js';
import { clientFor, repoRoot, sampleModelPath, startAgent, type AgentProcess } from '../helpers/agent-process.js';

const bin = join(repoRoot, 'scripts', 'edgefleet.js');
// Traversable by nobody, so only the home's own modes stand between nobody and its files.
const root = mkdtempSync(join(tmpdir(), 'ef-home-modes-'));
chmodSync(root, 0o755);
const cliHome = join(root, 'cli-home');
let agent: AgentProcess;
let second: AgentProcess;

/** The built CLI under umask 022, as a user's shell usually has it. */
function edgefleet(home: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', 'umask 022 && exec "$@"', 'sh', process.execPath, bin, ...args, '--home', home], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function asNobody(...cmd: string[]) {
  return spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', ...cmd], { encoding: 'utf8' });
}

/** Every entry under dir (not following links) with its permission bits. */
function modes(dir: string): Map<string, { kind: 'dir' | 'file' | 'link'; mode: number }> {
  const out = new Map<string, { kind: 'dir' | 'file' | 'link'; mode: number }>();
  const walk = (p: string) => {
    for (const name of readdirSync(p)) {
      const full = join(p, name);
      const st = lstatSync(full);
      const kind = st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : 'file';
      out.set(relative(dir, full), { kind, mode: st.mode & 0o7777 });
      if (kind === 'dir') walk(full);
    }
  };
  walk(dir);
  return out;
}

function expectPrivate(home: string, except: string[] = []): void {
  expect((lstatSync(home).mode & 0o777).toString(8)).toBe('700');
  const seen = [...modes(home)].filter(([rel, e]) => e.kind !== 'link' && !except.includes(rel));
  expect(seen.length).toBeGreaterThan(0);
  for (const [rel, e] of seen) expect(`${rel} ${e.mode.toString(8)}`).toBe(`${rel} ${e.kind === 'dir' ? '700' : '600'}`);
}

function expectNobodyLockedOut(home: string): void {
  const r = asNobody('cat', join(home, 'registry.db'));
  expect(r.status).not.toBe(0);
  expect(r.stderr).toMatch(/Permission denied/);
}

/** Files anywhere in the home whose bytes contain the token. */
function filesHolding(home: string, token: string): string[] {
  return [...modes(home)].filter(([rel, e]) => e.kind === 'file' && readFileSync(join(home, rel)).includes(token)).map(([rel]) => rel);
}

/** AES-256-GCM with a key of its own: what safeStorage does for the desktop app, without Electron. */
function aesSealer(key: Buffer, id = 'test-aes-gcm'): TokenSealer {
  return {
    id,
    seal(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    open(sealed) {
      const b = Buffer.from(sealed);
      const d = createDecipheriv('aes-256-gcm', key, b.subarray(0, 12));
      d.setAuthTag(b.subarray(12, 28));
      return Buffer.concat([d.update(b.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

function rawToken(home: string, id: string): string {
  const db = new Database(join(home, 'registry.db'), { readonly: true });
  try {
    return (db.prepare('SELECT token FROM devices WHERE id = ?').get(id) as { token: string }).token;
  } finally {
    db.close();
  }
}

/** An old home from the CLI-paired one: 0755 folders, 0644 files, the token stored as before sealing existed. */
function oldHomeFrom(src: string, dst: string): string {
  cpSync(src, dst, { recursive: true });
  const db = new Database(join(dst, 'registry.db'));
  const token = new DeviceStore(db).credentials(agent.deviceId)!.token;
  db.prepare('UPDATE devices SET token = ? WHERE id = ?').run(token, agent.deviceId);
  db.close();
  chmodSync(dst, 0o755);
  for (const [rel, e] of modes(dst)) chmodSync(join(dst, rel), e.kind === 'dir' ? 0o755 : 0o644);
  expect(rawToken(dst, agent.deviceId)).toBe(token);
  expect(asNobody('cat', join(dst, 'registry.db')).status).toBe(0);
  return token;
}

beforeAll(async () => {
  [agent, second] = await Promise.all([startAgent({ name: 'private-alpha' }), startAgent({ name: 'private-beta' })]);
  const paired = await edgefleet(cliHome, 'pair', `127.0.0.1:${agent.port}`, '--code', agent.pairingCode!, '--json');
  expect(paired.code, paired.stderr).toBe(0);
  const imported = await edgefleet(cliHome, 'models', 'import', sampleModelPath, '--json');
  expect(imported.code, imported.stderr).toBe(0);
});

afterAll(async () => {
  await Promise.all([agent?.stop(), second?.stop()]);
  rmSync(root, { recursive: true, force: true });
});

describe('a private home', () => {
  it('a home the CLI makes under umask 022 is 0700 with every file 0600, and nobody cannot read it', () => {
    const entries = modes(cliHome);
    for (const f of ['registry.db', join('keys', 'console-ed25519.pem')]) expect(entries.get(f)?.kind, f).toBe('file');
    expect([...entries.keys()].some((f) => f.startsWith(join('artifacts', 'sha256')) && entries.get(f)!.kind === 'file')).toBe(true);
    expectPrivate(cliHome);
    expectNobodyLockedOut(cliHome);
    expect(asNobody('ls', cliHome).stderr).toMatch(/Permission denied/);
    // The control: nobody reads a 0644 file beside the home, so the refusals above come from the home's modes.
    writeFileSync(join(root, 'control.txt'), 'x');
    chmodSync(join(root, 'control.txt'), 0o644);
    expect(asNobody('cat', join(root, 'control.txt')).status).toBe(0);
  });

  it('SQLite gives the -wal and -shm files of an open registry the database file mode', () => {
    const home = join(root, 'open-home');
    const before = process.umask(0o022);
    try {
      const reg = Registry.open(home);
      try {
        reg.addModel({ name: 'm', sha256: 'a'.repeat(64), sizeBytes: 1, sourceFile: null, inspect: null });
        for (const f of ['registry.db', 'registry.db-wal', 'registry.db-shm']) expect(`${f} ${(lstatSync(join(home, f)).mode & 0o777).toString(8)}`).toBe(`${f} 600`);
        expectPrivate(home);
      } finally {
        reg.close();
      }
    } finally {
      process.umask(before);
    }
  });

  it('an old home (0755/0644, plain-text token) is fixed when the CLI opens it; its token still works', async () => {
    const home = join(root, 'old-home');
    oldHomeFrom(cliHome, home);
    // What the core did not write is the user's: left as it is, and links are not followed out of the home.
    writeFileSync(join(home, 'notes.txt'), 'mine');
    writeFileSync(join(root, 'outside.txt'), 'not in the home');
    for (const f of [join(home, 'notes.txt'), join(root, 'outside.txt')]) chmodSync(f, 0o644);
    symlinkSync(join(root, 'outside.txt'), join(home, 'artifacts', 'link'));

    const r = await edgefleet(home, 'devices', '--refresh', '--json');
    expect(r.code, r.stderr).toBe(0);
    const device = (JSON.parse(r.stdout) as DeviceSummary[]).find((d) => d.id === agent.deviceId)!;
    expect(device).toMatchObject({ paired: true, state: 'online' });
    expect(device.health).not.toBe('error');
    expect(device.telemetry).not.toBeNull();

    expectPrivate(home, ['notes.txt']);
    expectNobodyLockedOut(home);
    expect(lstatSync(join(home, 'notes.txt')).mode & 0o777).toBe(0o644);
    expect(lstatSync(join(root, 'outside.txt')).mode & 0o777).toBe(0o644);
  });

  it('refuses a shared folder (sticky bit, like /tmp) as a home, in words', async () => {
    const shared = join(root, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const r = await edgefleet(shared, 'models', 'list');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^edgefleet: Home folder is shared: .*shared folder \(sticky bit, like \/tmp\).*--home/);
    expect(lstatSync(shared).mode & 0o7777).toBe(0o1777);
    expect(existsSync(join(shared, 'registry.db'))).toBe(false);
  });
});

describe('device tokens sealed by a keychain', () => {
  const key = randomBytes(32);

  it('an old plain-text token is sealed when a home opens with a sealer: no file holds it, the device still answers', async () => {
    const home = join(root, 'sealed-old');
    const token = oldHomeFrom(cliHome, home);
    // A device removed before sealing existed leaves its token (still valid on that device) in free space.
    const gone = randomBytes(32).toString('base64url');
    const raw = new Database(join(home, 'registry.db'));
    raw.pragma('secure_delete = OFF');
    const add = raw.prepare(`INSERT INTO devices (id, name, address, state, created_at, token, slots) VALUES (?, ?, '127.0.0.1:1', 'offline', '2024-01-01', ?, ?)`);
    add.run('gone', 'gone', gone, null);
    // Enough other rows that the removed one sits on pages the sealing itself does not rewrite.
    for (let i = 0; i < 50; i++) add.run(`spare-${i}`, `spare-${i}`, null, JSON.stringify([{ pad: 'x'.repeat(1000) }]));
    raw.prepare(`DELETE FROM devices WHERE id = 'gone'`).run();
    raw.close();
    expect(filesHolding(home, token)).toEqual(['registry.db']);
    expect(filesHolding(home, gone)).toEqual(['registry.db']);

    const sealer = aesSealer(key);
    const core = createCore({ home, mode: 'cli', tokenSealer: sealer });
    try {
      expect(rawToken(home, agent.deviceId)).toMatch(/^sealed:test-aes-gcm:/);
      expect(filesHolding(home, token)).toEqual([]);
      expect(filesHolding(home, gone)).toEqual([]);
      const creds = new DeviceStore(core.registry.db, undefined, sealer).credentials(agent.deviceId)!;
      expect(creds.token).toBe(token);
      const client = clientFor(agent, creds.token);
      try {
        expect((await client.call('status')).deviceId).toBe(agent.deviceId);
      } finally {
        client.close();
      }
      const refreshed = await core.call('devices.refresh', {});
      expect(refreshed).toMatchObject({ ok: true, result: [{ id: agent.deviceId, state: 'online', telemetry: expect.any(Object) }] });
      expect(refreshed.ok && (refreshed.result as DeviceSummary[])[0].health).not.toBe('error');
      expect(filesHolding(home, token)).toEqual([]);
    } finally {
      await core.close();
    }
    expect(filesHolding(home, token)).toEqual([]);
    expectPrivate(home);

    // The CLI has no keychain: it lists the device, and says in words why it cannot use it.
    const list = await edgefleet(home, 'devices', '--json');
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as DeviceSummary[]).find((d) => d.id === agent.deviceId)).toMatchObject({ paired: true });
    const r = await edgefleet(home, 'devices', '--refresh');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^edgefleet: Device token sealed by the desktop app: .*private-alpha.* is sealed by the desktop app's keychain \(test-aes-gcm\); pair again from the CLI or run the command in the app\.\n$/);

    // Another key under the same name cannot open it, and says so rather than sending garbage.
    const other = Registry.open(home, { tokenSealer: aesSealer(randomBytes(32)) });
    try {
      const store = new DeviceStore(other.db, undefined, other.tokenSealer);
      expect(store.credentials(agent.deviceId)).toBeNull();
      expect(() => store.credentials(agent.deviceId, { strict: true })).toThrow(/cannot be unsealed.*pair the device again/);
    } finally {
      other.close();
    }
  });

  it('a device paired with a sealer never has its token in plain text on disk, and works through the core', async () => {
    const home = join(root, 'sealed-new');
    const sealer = aesSealer(key);
    const core = createCore({ home, mode: 'cli', tokenSealer: sealer });
    try {
      const paired = await core.call('devices.pair', { address: `127.0.0.1:${second.port}`, code: second.pairingCode! });
      expect(paired.ok, JSON.stringify(paired)).toBe(true);
      const creds = new DeviceStore(core.registry.db, undefined, sealer).credentials(second.deviceId)!;
      expect(creds.token).toMatch(/^[\w-]{20,}$/);
      expect(existsSync(join(home, 'registry.db-wal'))).toBe(true);
      expect(filesHolding(home, creds.token)).toEqual([]);
      expect(rawToken(home, second.deviceId)).toMatch(/^sealed:test-aes-gcm:/);
      const refreshed = await core.call('devices.refresh', { ids: [second.deviceId] });
      expect(refreshed).toMatchObject({ ok: true, result: [{ id: second.deviceId, state: 'online' }] });
      expect(filesHolding(home, creds.token)).toEqual([]);
      expectPrivate(home);
    } finally {
      await core.close();
    }
  });
});
