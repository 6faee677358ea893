// `edgefleet agent build`: one .tar.gz a person can carry to a linux-arm64 or linux-x64 board with no
// network. It holds the bundled agent, its own pinned Node.js runtime, onnxruntime-node and serialport
// with native files for that architecture only, install.sh, run.sh, the systemd unit, and MANIFEST.json
// (every file's sha256, signed by the console key).
import { createHash, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { AppError } from '../api/errors.js';
import { agentBundle, agentDistDir } from '../ssh/agent-bundle.js';
import { appRoot, appVersion } from '../util/app-root.js';
import { sha256File } from '../util/hash-file.js';
import { agentArchSchema, formatSignedBuild, signAgentBuild, type AgentArch, type BuildFile, type SignedAgentBuild } from './build-manifest.js';
import { packageTree } from './package-tree.js';
import { writeTarGz, type TarEntry } from './tar-gz.js';

export interface AgentBuildOptions {
  arch: string;
  output: string;
  key: { privateKey: KeyObject; publicKey: KeyObject };
  /** EdgeFleet's resources folder (the agent bundle, the fetched runtimes, install.sh). */
  resourcesDir?: string;
  created?: Date;
}

export interface AgentBuildResult {
  output: string;
  arch: AgentArch;
  /** The folder the archive unpacks into. */
  folder: string;
  archiveBytes: number;
  unpackedBytes: number;
  signed: SignedAgentBuild;
}

interface Pin {
  version: string;
  arches: Record<AgentArch, { package: string; integrity: string; nodeSha256: string }>;
}

type Source = { file: string } | { bytes: Uint8Array };
interface Item {
  path: string;
  mode: number;
  source: Source;
}

const unitExecStart = 'ExecStart=/usr/bin/node /opt/edgefleet-agent/agent.js';

function parseArch(arch: string): AgentArch {
  const parsed = agentArchSchema.safeParse(arch);
  if (!parsed.success) throw new AppError('AGENT_BUILD_ARCH', 'Unknown architecture', `--arch must be arm64 or x64 (the agent runs on linux-arm64 and linux-x64); got "${arch}".`);
  return parsed.data;
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

/** The pinned Node runtime for `arch`, fetched beforehand (no network now) and checked against its pin. */
async function nodeRuntime(resourcesDir: string, arch: AgentArch): Promise<{ pin: Pin; dir: string; sha256: string }> {
  const pin = JSON.parse(readFileSync(path.join(resourcesDir, 'agent', 'node-runtimes.json'), 'utf8')) as Pin;
  const dir = path.join(resourcesDir, 'agent', 'runtimes', `linux-${arch}`);
  if (!existsSync(path.join(dir, 'node')) || !existsSync(path.join(dir, 'LICENSE'))) {
    throw new AppError(
      'AGENT_RUNTIME_MISSING',
      `No Node.js runtime for linux-${arch}`,
      `${dir} holds no fetched Node ${pin.version}. Run \`npm run fetch:agent-runtimes\` once in the EdgeFleet folder on a machine that reaches the npm registry (it checks the pinned integrity); building needs no network after that.`,
    );
  }
  const sha256 = await sha256File(path.join(dir, 'node'));
  if (sha256 !== pin.arches[arch].nodeSha256) {
    throw new AppError(
      'AGENT_RUNTIME_MISMATCH',
      `The Node.js runtime for linux-${arch} is not the pinned one`,
      `${path.join(dir, 'node')} hashes to ${sha256}, but node-runtimes.json pins ${pin.arches[arch].nodeSha256}. Fetch it again with \`npm run fetch:agent-runtimes\`.`,
    );
  }
  return { pin, dir, sha256 };
}

/** The folder holding the node_modules that serialport was installed in. */
function modulesRoot(): string {
  const main = createRequire(import.meta.url).resolve('serialport');
  const marker = `${path.sep}node_modules${path.sep}serialport${path.sep}`;
  const at = main.lastIndexOf(marker);
  return at === -1 ? appRoot() : main.slice(0, at);
}

function modeOf(file: string): number {
  return statSync(file).mode & 0o111 ? 0o755 : 0o644;
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
  if ('bytes' in item.source) {
    return { path: item.path, sha256: createHash('sha256').update(item.source.bytes).digest('hex'), size: item.source.bytes.byteLength, mode: item.mode };
  }
  return { path: item.path, sha256: await sha256File(item.source.file), size: statSync(item.source.file).size, mode: item.mode };
}

export async function buildAgentArchive(opts: AgentBuildOptions): Promise<AgentBuildResult> {
  const arch = parseArch(opts.arch);
  const output = checkOutput(opts.output);
  const resourcesDir = opts.resourcesDir ?? path.join(appRoot(), 'resources');
  const distDir = agentDistDir(resourcesDir);
  const runtime = await nodeRuntime(resourcesDir, arch);
  const packageDir = path.join(resourcesDir, 'agent', 'package');

  const items: Item[] = [];
  for (const f of await agentBundle(arch, distDir)) {
    if (f.remote !== 'edgefleet-agent.service') items.push({ path: f.remote, mode: f.mode, source: { file: f.local } });
  }
  const root = modulesRoot();
  for (const f of packageTree('serialport', root, arch)) items.push({ path: f.remote, mode: modeOf(f.local), source: { file: f.local } });
  items.push({ path: 'node/bin/node', mode: 0o755, source: { file: path.join(runtime.dir, 'node') } });
  items.push({ path: 'node/LICENSE', mode: 0o644, source: { file: path.join(runtime.dir, 'LICENSE') } });
  items.push({ path: 'edgefleet-agent.service', mode: 0o644, source: { bytes: serviceUnit(distDir) } });
  for (const f of ['install.sh', 'run.sh']) items.push({ path: f, mode: 0o755, source: { file: path.join(packageDir, f) } });
  items.sort((a, b) => (a.path < b.path ? -1 : 1));
  for (let i = 1; i < items.length; i++) {
    if (items[i].path === items[i - 1].path) throw new AppError('AGENT_BUILD_DUPLICATE', 'Two files at one path', `${items[i].path} comes twice into the build.`);
  }

  const files = await Promise.all(items.map(describe));
  const nodeEntry = files.find((f) => f.path === 'node/bin/node')!;
  if (nodeEntry.sha256 !== runtime.sha256) throw new AppError('AGENT_BUILD_CHANGED', 'A file changed during the build', `${path.join(runtime.dir, 'node')} changed while it was read; build again.`);
  const req = createRequire(import.meta.url);
  const created = opts.created ?? new Date();
  const pinned = runtime.pin.arches[arch];
  const signed = signAgentBuild(opts.key.privateKey, opts.key.publicKey, {
    kind: 'edgefleet-agent-build',
    agentVersion: appVersion(),
    platform: 'linux',
    arch,
    created: created.toISOString(),
    node: { version: runtime.pin.version, package: pinned.package, integrity: pinned.integrity, sha256: runtime.sha256 },
    onnxruntime: { version: (req('onnxruntime-node/package.json') as { version: string }).version },
    serialport: { version: JSON.parse(readFileSync(path.join(root, 'node_modules', 'serialport', 'package.json'), 'utf8')).version as string },
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
  await writeTarGz(output, entries, Math.floor(created.getTime() / 1000));
  return { output, arch, folder, archiveBytes: statSync(output).size, unpackedBytes: files.reduce((n, f) => n + f.size, 0), signed };
}
