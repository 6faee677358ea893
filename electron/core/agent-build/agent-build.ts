// `edgefleet agent build`: one .tar.gz (or .deb, see agent-deb.ts) a person can carry to a linux-arm64 or linux-x64 board with no
// network. It holds the bundled agent, its own pinned Node.js runtime, onnxruntime-node and serialport
// with native files for that architecture only, install.sh, run.sh, the systemd unit, and MANIFEST.json
// (every file's sha256, signed by the console key).
import { createHash, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { AppError } from '../api/errors.js';
import { agentDistDir } from '../ssh/agent-bundle.js';
import { appVersion } from '../util/app-root.js';
import { sha256File } from '../util/hash-file.js';
import { writeAgentDeb } from './agent-deb.js';
import { agentFiles, defaultResourcesDir, serialportVersion } from './agent-files.js';
import { agentArchSchema, formatSignedBuild, signAgentBuild, type AgentArch, type BuildFile, type SignedAgentBuild } from './build-manifest.js';
import { writeTarGz, type TarEntry } from './tar-gz.js';

/** The udev rule that lets the agent's group read RAPL energy counters (resources/agent/udev). */
const energyRuleName = '90-edgefleet-energy.rules';

export interface AgentBuildOptions {
  arch: string;
  output: string;
  key: { privateKey: KeyObject; publicKey: KeyObject };
  /** EdgeFleet's resources folder (the agent bundle, the fetched runtimes, install.sh). */
  resourcesDir?: string;
  created?: Date;
  /**
   * The agentVersion MANIFEST.json records (default: this console's version). The agent reports it and
   * compares it at an upgrade, so builds of the same code can be told apart (a patched build, tests).
   */
  agentVersion?: string;
  /** tgz (default): a .tar.gz to unpack and install.sh; deb: a Debian package whose postinst runs install.sh. */
  format?: AgentBuildFormat;
}

export const agentBuildFormats = ['tgz', 'deb'] as const;
export type AgentBuildFormat = (typeof agentBuildFormats)[number];

export interface AgentBuildResult {
  output: string;
  arch: AgentArch;
  format: AgentBuildFormat;
  /** The folder the archive unpacks into (the .deb: under /usr/lib/edgefleet-agent). */
  folder: string;
  archiveBytes: number;
  unpackedBytes: number;
  signed: SignedAgentBuild;
}

type Source = { file: string } | { bytes: Uint8Array };
interface Item {
  path: string;
  mode: number;
  source: Source;
  /** Already hashed (the files agentFiles lists and checks). */
  described?: BuildFile;
}

const unitExecStart = 'ExecStart=/usr/bin/node /opt/edgefleet-agent/agent.js';

function parseArch(arch: string): AgentArch {
  const parsed = agentArchSchema.safeParse(arch);
  if (!parsed.success) throw new AppError('AGENT_BUILD_ARCH', 'Unknown architecture', `--arch must be arm64 or x64 (the agent runs on linux-arm64 and linux-x64); got "${arch}".`);
  return parsed.data;
}

function checkVersion(version: string): string {
  // It names the folder the archive unpacks into and the release folder on the board; install.sh reads it with sed.
  if (!/^[0-9A-Za-z][0-9A-Za-z.+_-]{0,99}$/.test(version)) {
    throw new AppError('AGENT_BUILD_VERSION', 'Unusable agent version', `"${version}" cannot name a build: use letters, digits and . + _ - (e.g. 1.4.2), starting with a letter or digit.`);
  }
  return version;
}

function checkOutput(output: string): string {
  const target = path.resolve(output);
  if (existsSync(target) && statSync(target).isDirectory()) {
    throw new AppError('AGENT_BUILD_OUTPUT', 'Output is a folder', `${target} is a folder; give a file name, e.g. -o ${path.join(target, 'edgefleet-agent-linux-arm64.tar.gz')}.`);
  }
  if (!existsSync(path.dirname(target))) {
    throw new AppError('AGENT_BUILD_OUTPUT', 'Output folder missing', `${path.dirname(target)} does not exist; create it or write the build elsewhere with -o FILE.`);
  }
  return target;
}

function serviceUnit(distDir: string): Uint8Array {
  const text = readFileSync(path.join(distDir, 'edgefleet-agent.service'), 'utf8');
  if (!text.includes(unitExecStart)) {
    throw new AppError('AGENT_BUILD_UNIT', 'Unexpected systemd unit', `${path.join(distDir, 'edgefleet-agent.service')} has no "${unitExecStart}" line to point at the build's own Node; rebuild it with \`npm run build:agent\`.`);
  }
  const own = text.replace(unitExecStart, 'ExecStart=/opt/edgefleet-agent/node/bin/node /opt/edgefleet-agent/agent.js');
  return Buffer.from(`# Installed by install.sh of a self-contained agent build (its own Node in node/bin).\n${own}`);
}

async function describe(item: Item): Promise<BuildFile> {
  if (item.described) return item.described;
  if ('bytes' in item.source) {
    return { path: item.path, sha256: createHash('sha256').update(item.source.bytes).digest('hex'), size: item.source.bytes.byteLength, mode: item.mode };
  }
  return { path: item.path, sha256: await sha256File(item.source.file), size: statSync(item.source.file).size, mode: item.mode };
}

export async function buildAgentArchive(opts: AgentBuildOptions): Promise<AgentBuildResult> {
  const arch = parseArch(opts.arch);
  const format = opts.format ?? 'tgz';
  if (!agentBuildFormats.includes(format)) throw new AppError('AGENT_BUILD_FORMAT', 'Unknown build format', `--format must be ${agentBuildFormats.join(' or ')}; got "${String(format)}".`);
  const agentVersion = checkVersion(opts.agentVersion ?? appVersion());
  const output = checkOutput(opts.output);
  const resourcesDir = opts.resourcesDir ?? defaultResourcesDir();
  const distDir = agentDistDir(resourcesDir);
  const { files: agent, runtime } = await agentFiles(arch, { resourcesDir, runtime: `The build for linux-${arch} carries its own Node.js.` });
  const packageDir = path.join(resourcesDir, 'agent', 'package');

  const items: Item[] = [];
  for (const f of agent) {
    if (f.remote !== 'edgefleet-agent.service') items.push({ path: f.remote, mode: f.mode, source: { file: f.local }, described: { path: f.remote, sha256: f.sha256, size: f.size, mode: f.mode } });
  }
  items.push({ path: 'edgefleet-agent.service', mode: 0o644, source: { bytes: serviceUnit(distDir) } });
  for (const f of ['install.sh', 'run.sh']) items.push({ path: f, mode: 0o755, source: { file: path.join(packageDir, f) } });
  // The rule install.sh puts in /etc/udev/rules.d: the agent's group may read root-only RAPL counters.
  items.push({ path: energyRuleName, mode: 0o644, source: { file: path.join(resourcesDir, 'agent', 'udev', energyRuleName) } });
  items.sort((a, b) => (a.path < b.path ? -1 : 1));
  for (let i = 1; i < items.length; i++) {
    if (items[i].path === items[i - 1].path) throw new AppError('AGENT_BUILD_DUPLICATE', 'Two files at one path', `${items[i].path} comes twice into the build.`);
  }

  const files = await Promise.all(items.map(describe));
  const req = createRequire(import.meta.url);
  const created = opts.created ?? new Date();
  const pin = runtime!.pin;
  const signed = signAgentBuild(opts.key.privateKey, opts.key.publicKey, {
    kind: 'edgefleet-agent-build',
    agentVersion,
    platform: 'linux',
    arch,
    created: created.toISOString(),
    node: { version: pin.version, package: pin.package, integrity: pin.integrity, sha256: pin.nodeSha256 },
    onnxruntime: { version: (req('onnxruntime-node/package.json') as { version: string }).version },
    serialport: { version: serialportVersion() },
    files,
  });

  const folder = `edgefleet-agent-${signed.manifest.agentVersion}-linux-${arch}`;
  const dirs = new Set<string>([folder]);
  for (const f of files) for (let d = path.posix.dirname(f.path); d !== '.'; d = path.posix.dirname(d)) dirs.add(`${folder}/${d}`);
  const entries: TarEntry[] = [...dirs].sort().map((d) => ({ path: d, mode: 0o755 }));
  entries.push({ path: `${folder}/MANIFEST.json`, mode: 0o644, source: { bytes: Buffer.from(formatSignedBuild(signed)) } });
  items.forEach((item, i) => {
    const source = 'bytes' in item.source ? item.source : { file: item.source.file, size: files[i].size };
    entries.push({ path: `${folder}/${item.path}`, mode: item.mode, source });
  });
  const mtime = Math.floor(created.getTime() / 1000);
  if (format === 'deb') {
    await writeAgentDeb(output, { arch, folder, agentVersion, entries, nodeVersion: pin.version, keySha256: signed.keySha256, scriptsDir: path.join(packageDir, 'deb'), mtime });
  } else {
    await writeTarGz(output, entries, mtime);
  }
  return { output, arch, format, folder, archiveBytes: statSync(output).size, unpackedBytes: files.reduce((n, f) => n + f.size, 0), signed };
}
