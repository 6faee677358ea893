// The .deb writer of `edgefleet agent build --format deb`, read back by hand: the ar members in dpkg's
// order, control.tar.gz (control fields, md5sums that match data.tar.gz, the maintainer scripts with the
// build's folder filled in) and data.tar.gz (the build under /usr/lib/edgefleet-agent, root:root, the
// build's mtime); two writes of one build are byte-identical. dpkg itself reads it in
// test/integration/agent-deb.test.ts.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { arArchive, debVersion, writeAgentDeb, type AgentDebInput } from '../../electron/core/agent-build/agent-deb.js';
import type { TarEntry } from '../../electron/core/agent-build/tar-gz.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const scratch = mkdtempSync(path.join(tmpdir(), 'ef-agent-deb-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface ArMember {
  name: string;
  mtime: number;
  uid: number;
  gid: number;
  mode: string;
  data: Buffer;
}

function readAr(buf: Buffer): ArMember[] {
  expect(buf.subarray(0, 8).toString('latin1')).toBe('!<arch>\n');
  const out: ArMember[] = [];
  for (let at = 8; at < buf.length; ) {
    const h = buf.subarray(at, at + 60).toString('latin1');
    expect(h.slice(58, 60)).toBe('`\n');
    const size = Number(h.slice(48, 58).trim());
    out.push({ name: h.slice(0, 16).trim(), mtime: Number(h.slice(16, 28).trim()), uid: Number(h.slice(28, 34).trim()), gid: Number(h.slice(34, 40).trim()), mode: h.slice(40, 48).trim(), data: buf.subarray(at + 60, at + 60 + size) });
    at += 60 + size + (size % 2);
  }
  return out;
}

interface TarRead {
  path: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  mtime: number;
  data: Buffer;
}

function readTar(gz: Buffer): TarRead[] {
  const tar = gunzipSync(gz);
  const out: TarRead[] = [];
  const str = (at: number, len: number) => tar.subarray(at, at + len).toString('utf8').replace(/\0.*$/s, '');
  const num = (at: number, len: number) => parseInt(str(at, len).trim() || '0', 8);
  for (let at = 0; at + 512 <= tar.length; ) {
    if (tar.subarray(at, at + 512).every((b) => b === 0)) break;
    const name = str(at, 100);
    const prefix = str(at + 345, 155);
    const size = num(at + 124, 12);
    const sum = [...tar.subarray(at, at + 512)].reduce((n, b, i) => n + (i >= 148 && i < 156 ? 32 : b), 0);
    expect(num(at + 148, 8)).toBe(sum);
    out.push({ path: prefix ? `${prefix}/${name}` : name, type: str(at + 156, 1), mode: num(at + 100, 8), uid: num(at + 108, 8), gid: num(at + 116, 8), uname: str(at + 265, 32), gname: str(at + 297, 32), mtime: num(at + 136, 12), data: tar.subarray(at + 512, at + 512 + size) });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

const folder = 'edgefleet-agent-1.4.0-rc.1-linux-arm64';
const mtime = 1_780_000_000;
const bigFile = path.join(scratch, 'agent.js');
writeFileSync(bigFile, 'x'.repeat(5000));
const longName = `node_modules/${'a'.repeat(60)}/${'b'.repeat(60)}/index.js`;
const entries: TarEntry[] = [
  { path: folder, mode: 0o755 },
  { path: `${folder}/node`, mode: 0o755 },
  { path: `${folder}/node/bin`, mode: 0o755 },
  { path: `${folder}/MANIFEST.json`, mode: 0o644, source: { bytes: Buffer.from('{"manifest":1}\n') } },
  { path: `${folder}/agent.js`, mode: 0o644, source: { file: bigFile, size: 5000 } },
  { path: `${folder}/install.sh`, mode: 0o755, source: { bytes: Buffer.from('#!/bin/sh\necho install\n') } },
  { path: `${folder}/node/bin/node`, mode: 0o755, source: { bytes: Buffer.from('ELF') } },
  { path: `${folder}/${longName}`, mode: 0o644, source: { bytes: Buffer.from('module.exports = 1;\n') } },
];
const input: AgentDebInput = {
  arch: 'arm64',
  folder,
  agentVersion: '1.4.0-rc.1',
  entries,
  nodeVersion: '20.20.2',
  keySha256: 'ab'.repeat(32),
  scriptsDir: path.join(repoRoot, 'resources/agent/package/deb'),
  mtime,
};

async function build(name: string, over: Partial<AgentDebInput> = {}): Promise<Buffer> {
  const file = path.join(scratch, name);
  await writeAgentDeb(file, { ...input, ...over });
  return readFileSync(file);
}

function controlFields(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  let last = '';
  for (const line of text.split('\n')) {
    if (line.startsWith(' ')) fields[last] += `\n${line}`;
    else if (line) {
      const m = /^([A-Za-z-]+): (.*)$/.exec(line);
      expect(m, line).not.toBeNull();
      last = m![1];
      fields[last] = m![2];
    }
  }
  return fields;
}

describe('agent .deb', () => {
  it('is an ar archive of debian-binary, control.tar.gz and data.tar.gz, owned by root, at the build time', async () => {
    const members = readAr(await build('a.deb'));
    expect(members.map((m) => m.name)).toEqual(['debian-binary', 'control.tar.gz', 'data.tar.gz']);
    expect(members[0].data.toString()).toBe('2.0\n');
    for (const m of members) expect({ mtime: m.mtime, uid: m.uid, gid: m.gid, mode: m.mode }).toEqual({ mtime, uid: 0, gid: 0, mode: '100644' });
  });

  it('puts the build under /usr/lib/edgefleet-agent/<folder>, root:root, modes kept, long paths split', async () => {
    const data = readTar(readAr(await build('b.deb'))[2].data);
    const base = `./usr/lib/edgefleet-agent/${folder}`;
    expect(data.slice(0, 5).map((e) => e.path)).toEqual(['./', './usr/', './usr/lib/', './usr/lib/edgefleet-agent/', `${base}/`]);
    expect(data.filter((e) => e.type === '0').map((e) => e.path)).toEqual(entries.filter((e) => e.source).map((e) => `./usr/lib/edgefleet-agent/${e.path}`));
    for (const e of data) expect({ uid: e.uid, gid: e.gid, uname: e.uname, gname: e.gname, mtime: e.mtime }).toEqual({ uid: 0, gid: 0, uname: 'root', gname: 'root', mtime });
    expect(data.find((e) => e.path === `${base}/node/bin/node`)).toMatchObject({ mode: 0o755, data: Buffer.from('ELF') });
    expect(data.find((e) => e.path === `${base}/agent.js`)!.data.toString()).toBe('x'.repeat(5000));
    expect(data.some((e) => e.path === `${base}/${longName}`)).toBe(true);
  });

  it('has the control fields dpkg needs and md5sums that match every data file', async () => {
    const [, control, dataGz] = readAr(await build('c.deb'));
    const ctl = readTar(control.data);
    expect(ctl.map((e) => [e.path, e.mode])).toEqual([['./', 0o755], ['./control', 0o644], ['./md5sums', 0o644], ['./postinst', 0o755], ['./prerm', 0o755], ['./postrm', 0o755]]);
    const fields = controlFields(ctl[1].data.toString());
    const data = readTar(dataGz.data);
    const files = data.filter((e) => e.type === '0');
    const dirs = data.filter((e) => e.type === '5');
    expect(fields).toMatchObject({ Package: 'edgefleet-agent', Version: '1.4.0~rc.1', Architecture: 'arm64', Depends: 'passwd', Maintainer: expect.stringMatching(/^.+ <[^@\s]+@[^>\s]+>$/) });
    expect(Number(fields['Installed-Size'])).toBe(files.reduce((n, f) => n + Math.ceil(f.data.length / 1024), 0) + dirs.length);
    expect(fields.Description).toContain('abababababababab');
    expect(fields.Description.split('\n').every((l) => l.length <= 80)).toBe(true);

    const sums = ctl[2].data.toString().trimEnd().split('\n').map((l) => /^([0-9a-f]{32}) {2}(\S+)$/.exec(l)!.slice(1));
    expect(sums).toEqual(files.map((f) => [createHash('md5').update(f.data).digest('hex'), f.path.slice(2)]));

    const postinst = ctl[3].data.toString();
    expect(postinst).toContain(`build=/usr/lib/edgefleet-agent/${folder}\n`);
    expect(postinst).toContain('exec "$build/install.sh" "$@"');
    expect(ctl.map((e) => e.data.toString()).join('')).not.toContain('@BUILD_DIR@');
  });

  it('names x64 amd64 and is byte for byte the same when written twice', async () => {
    const a = await build('x1.deb', { arch: 'x64' });
    expect(a.equals(await build('x2.deb', { arch: 'x64' }))).toBe(true);
    expect(controlFields(readTar(readAr(a)[1].data)[1].data.toString()).Architecture).toBe('amd64');
    expect(a.equals(await build('x3.deb', { arch: 'x64', mtime: mtime + 1 }))).toBe(false);
  });

  it('maps agent versions to Debian versions', () => {
    expect(debVersion('0.1.0')).toBe('0.1.0');
    expect(debVersion('1.4.0-rc.1+build.5')).toBe('1.4.0~rc.1+build.5');
    expect(debVersion('2.0.0_patched')).toBe('2.0.0.patched');
    expect(debVersion('dev-7')).toBe('0~dev~7');
    for (const v of ['0.1.0', '1.4.0-rc.1+build.5', 'dev-7', 'A_b']) expect(debVersion(v)).toMatch(/^[0-9][A-Za-z0-9.+~]*$/);
  });

  it('pads odd ar members to an even length', () => {
    const ar = arArchive([{ name: 'a', data: Buffer.from('abc') }, { name: 'b', data: Buffer.from('de') }], 0);
    expect(ar.length).toBe(8 + 60 + 4 + 60 + 2);
    expect(readAr(ar).map((m) => m.data.toString())).toEqual(['abc', 'de']);
  });
});
