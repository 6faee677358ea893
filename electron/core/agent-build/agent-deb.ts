// `edgefleet agent build --format deb`: the same self-contained agent build as a Debian package, made in
// plain Node (no dpkg-deb on the console): an ar archive of debian-binary, control.tar.gz and data.tar.gz,
// byte for byte reproducible (root:root, mtime = the build's time). data.tar.gz holds the whole build under
// /usr/lib/edgefleet-agent/<folder>/; the package's postinst runs that folder's install.sh, so a .deb
// install is the .tar.gz install (checks, user, data folder, unit, pairing code) and stays idempotent.
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { AgentArch } from './build-manifest.js';
import { tarGzBuffer, type TarEntry } from './tar-gz.js';

export const debPackageName = 'edgefleet-agent';
/** Where data.tar.gz puts the build's folder. */
export const debInstallRoot = '/usr/lib/edgefleet-agent';
export const debArch: Record<AgentArch, string> = { arm64: 'arm64', x64: 'amd64' };
const maintainer = 'EdgeFleet <edgefleet@edgefleet.invalid>';
/** install.sh needs useradd (passwd, Priority required, not Essential); the rest (coreutils, sed, findutils, util-linux's runuser) is Essential. */
const depends = 'passwd';
const scripts = ['postinst', 'prerm', 'postrm'] as const;

export interface AgentDebInput {
  arch: AgentArch;
  /** The build's folder name (edgefleet-agent-VERSION-linux-ARCH). */
  folder: string;
  agentVersion: string;
  /** The build as the .tar.gz holds it: a folder entry for `folder`, then paths under it. */
  entries: TarEntry[];
  nodeVersion: string;
  keySha256: string;
  /** Holds postinst, prerm and postrm (resources/agent/package/deb). */
  scriptsDir: string;
  mtime: number;
}

/**
 * A Debian version for an agentVersion (letters, digits and . + _ -, see checkVersion): a semver
 * pre-release hyphen becomes `~` (1.4.0-rc.1 → 1.4.0~rc.1, which dpkg sorts before 1.4.0), `_` becomes
 * `.`, and a version that does not start with a digit gets `0~` in front (dev → 0~dev).
 */
export function debVersion(agentVersion: string): string {
  const mapped = agentVersion.replace(/-/g, '~').replace(/_/g, '.');
  return /^[0-9]/.test(mapped) ? mapped : `0~${mapped}`;
}

/** One ar member header (the common format dpkg-deb writes: name padded, no trailing slash, mode 100644). */
function arHeader(name: string, size: number, mtime: number): Buffer {
  const field = (v: string, width: number) => v.padEnd(width, ' ');
  const h = field(name, 16) + field(String(mtime), 12) + field('0', 6) + field('0', 6) + field('100644', 8) + field(String(size), 10) + '`\n';
  return Buffer.from(h, 'latin1');
}

/** An ar archive of the members in order, each padded to an even length with "\n". */
export function arArchive(members: { name: string; data: Buffer }[], mtime: number): Buffer {
  const parts: Buffer[] = [Buffer.from('!<arch>\n')];
  for (const m of members) {
    parts.push(arHeader(m.name, m.data.length, mtime), m.data);
    if (m.data.length % 2) parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

async function md5Of(source: NonNullable<TarEntry['source']>): Promise<string> {
  const hash = createHash('md5');
  if ('bytes' in source) return hash.update(source.bytes).digest('hex');
  for await (const chunk of createReadStream(source.file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The control file: fields in dpkg's usual order, the long description indented one space. */
export function controlText(input: Pick<AgentDebInput, 'arch' | 'agentVersion' | 'nodeVersion' | 'keySha256'>, installedKiB: number): string {
  const platform = `linux-${input.arch}`;
  return [
    `Package: ${debPackageName}`,
    `Version: ${debVersion(input.agentVersion)}`,
    `Architecture: ${debArch[input.arch]}`,
    `Maintainer: ${maintainer}`,
    `Installed-Size: ${installedKiB}`,
    `Depends: ${depends}`,
    'Section: misc',
    'Priority: optional',
    'Homepage: https://edgefleet.invalid',
    'Description: EdgeFleet device agent, self-contained (own Node.js)',
    ` The EdgeFleet edge-ML device agent for ${platform}, version ${input.agentVersion},`,
    ` with its own Node.js ${input.nodeVersion}, onnxruntime-node and serialport: it needs no`,
    ' network and no Node.js on the machine. MANIFEST.json is signed by the',
    ` console key ${input.keySha256.slice(0, 16)}.`,
    ' .',
    " Installing runs the build's install.sh from /usr/lib/edgefleet-agent: it",
    ' checks every file against MANIFEST.json (sha256), creates the system user',
    ' edgefleet and the data folder /var/lib/edgefleet-agent, starts the systemd',
    ' unit (or prints a supervised command line) and prints the pairing code.',
    ' Settings: /etc/default/edgefleet-agent (PREFIX, DATA_DIR, AGENT_USER, PORT,',
    ' SERVE_PORT, LAYOUT, SYSTEMD=no), read if present.',
    '',
  ].join('\n');
}

/** Writes the build as a .deb to `target` (through a temporary file, so a failed build leaves nothing). */
export async function writeAgentDeb(target: string, input: AgentDebInput): Promise<void> {
  const base = `.${debInstallRoot}`;
  const dirs: TarEntry[] = ['.', './usr', './usr/lib', base].map((p) => ({ path: p, mode: 0o755 }));
  const data: TarEntry[] = [...dirs, ...input.entries.map((e) => ({ ...e, path: `${base}/${e.path}` }))];

  const sums: string[] = [];
  let installedKiB = 0;
  for (const e of data) {
    if (!e.source) {
      installedKiB += 1;
      continue;
    }
    const size = 'bytes' in e.source ? e.source.bytes.byteLength : e.source.size;
    installedKiB += Math.ceil(size / 1024);
    sums.push(`${await md5Of(e.source)}  ${e.path.slice(2)}`);
  }

  const buildDir = `${debInstallRoot}/${input.folder}`;
  const control: TarEntry[] = [
    { path: '.', mode: 0o755 },
    { path: './control', mode: 0o644, source: { bytes: Buffer.from(controlText(input, installedKiB)) } },
    { path: './md5sums', mode: 0o644, source: { bytes: Buffer.from(`${sums.join('\n')}\n`) } },
    ...scripts.map((s) => ({ path: `./${s}`, mode: 0o755, source: { bytes: Buffer.from(readFileSync(path.join(input.scriptsDir, s), 'utf8').replaceAll('@BUILD_DIR@', buildDir)) } })),
  ];

  const deb = arArchive(
    [
      { name: 'debian-binary', data: Buffer.from('2.0\n') },
      { name: 'control.tar.gz', data: await tarGzBuffer(control, input.mtime) },
      { name: 'data.tar.gz', data: await tarGzBuffer(data, input.mtime) },
    ],
    input.mtime,
  );
  await writeFileAtomic(target, deb, 0o644);
}
