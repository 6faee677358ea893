// The pure parts of the SSH support: host key fingerprints as OpenSSH prints them, shell quoting,
// and reading mDNS answers for SSH hosts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeHostKey, hostKeyChanged } from '../../electron/core/ssh/host-key.js';
import { archOf } from '../../electron/core/ssh/host-check.js';
import { sh } from '../../electron/core/ssh/quote.js';
import { readSshAdvert } from '../../electron/core/ssh/ssh-discovery.js';

describe('host keys', () => {
  it('fingerprints a key blob exactly as ssh-keygen -lf does', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ef-hostkey-'));
    try {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'k')]);
      const pub = readFileSync(path.join(dir, 'k.pub'), 'utf8').split(' ');
      const expected = execFileSync('ssh-keygen', ['-lf', path.join(dir, 'k.pub')], { encoding: 'utf8' }).split(' ')[1];
      expect(describeHostKey(Buffer.from(pub[1], 'base64'))).toEqual({ type: 'ssh-ed25519', fingerprint: expected });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says what changed and how to fix it', () => {
    const e = hostKeyChanged('pi@10.0.0.5', { type: 'ssh-ed25519', fingerprint: 'SHA256:old' }, { type: 'ssh-rsa', fingerprint: 'SHA256:new' }, 'ssh-1');
    expect(e.code).toBe('HOST_KEY_CHANGED');
    expect(e.detail).toContain('ssh-rsa SHA256:new');
    expect(e.detail).toContain('ssh-ed25519 SHA256:old');
    expect(e.detail).toContain('edgefleet ssh remove ssh-1');
  });
});

describe('shell quoting', () => {
  it('passes any text through sh unchanged', () => {
    for (const text of ["it's", 'a b', '$(rm -rf /)', '`id`', 'x"y', '\\n', '']) {
      expect(execFileSync('sh', ['-c', `printf %s ${sh(text)}`], { encoding: 'utf8' })).toBe(text);
    }
  });
});

describe('host facts', () => {
  it('maps uname machines to the agent arches', () => {
    expect([archOf('x86_64'), archOf('aarch64'), archOf('armv7l')]).toEqual(['x64', 'arm64', null]);
  });
});

describe('mDNS SSH adverts', () => {
  it('reads _ssh._tcp with its port and _workstation._tcp as port 22', () => {
    expect(readSshAdvert({ name: 'box', type: 'ssh', port: 2222, addresses: ['10.1.2.3', 'fe80::1'], host: 'box.local' })).toMatchObject({ host: '10.1.2.3', port: 2222, address: '10.1.2.3:2222', name: 'box' });
    expect(readSshAdvert({ name: 'bench [00:11:22:33:44:55]', type: 'workstation', port: 9, addresses: ['10.1.2.4'], host: 'bench.local' })).toMatchObject({ port: 22, name: 'bench' });
    expect(readSshAdvert({ name: 'v6only', type: 'ssh', port: 22, addresses: ['fe80::1'], host: 'x.local' })).toBeNull();
  });
});
