// The files that make the agent run on a linux-arm64 or linux-x64 machine, listed and checked in one
// place for both the self-contained build (agent-build.ts) and SSH provisioning (ssh/provision-task.ts):
// the bundle with onnxruntime-node's natives for that arch, serialport with that arch's prebuilds, and,
// when the machine has no usable Node, the pinned Node runtime fetched beforehand by
// scripts/fetch-agent-runtimes.js and checked here against resources/agent/node-runtimes.json. Never the
// console's own node binary, never anything from the network.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { AppError } from '../api/errors.js';
import { agentBundle, agentDistDir, type BundleFile } from '../ssh/agent-bundle.js';
import { appRoot } from '../util/app-root.js';
import { sha256File } from '../util/hash-file.js';
import type { AgentArch } from './build-manifest.js';
import { packageTree } from './package-tree.js';

export interface NodePin {
  version: string;
  package: string;
  integrity: string;
  nodeSha256: string;
}

export interface PinnedRuntime {
  pin: NodePin;
  /** node/bin/node and node/LICENSE, at the paths run.sh and the provisioned service start them from. */
  files: BundleFile[];
}

/** Where the runtime goes in an install folder (the same in a build and on a provisioned host). */
export const runtimeNodePath = 'node/bin/node';

export function defaultResourcesDir(): string {
  return path.join(appRoot(), 'resources');
}

function readPin(resourcesDir: string, arch: AgentArch): NodePin {
  const file = path.join(resourcesDir, 'agent', 'node-runtimes.json');
  const pins = JSON.parse(readFileSync(file, 'utf8')) as { version: string; arches: Partial<Record<AgentArch, Omit<NodePin, 'version'>>> };
  const pin = pins.arches[arch];
  if (!pin) throw new AppError('AGENT_RUNTIME_MISSING', `No Node.js runtime pinned for linux-${arch}`, `${file} pins no runtime for linux-${arch}.`);
  return { version: pins.version, ...pin };
}

/**
 * The pinned Node runtime for `arch`, fetched beforehand (no network now) and checked against its pin.
 * `why` opens the error's detail, to say what needed the runtime.
 */
export async function pinnedRuntime(arch: AgentArch, resourcesDir = defaultResourcesDir(), why = ''): Promise<PinnedRuntime> {
  const pin = readPin(resourcesDir, arch);
  const dir = path.join(resourcesDir, 'agent', 'runtimes', `linux-${arch}`);
  const node = path.join(dir, 'node');
  const license = path.join(dir, 'LICENSE');
  const lead = why ? `${why} ` : '';
  if (!existsSync(node) || !existsSync(license)) {
    throw new AppError(
      'AGENT_RUNTIME_MISSING',
      `No Node.js runtime for linux-${arch}`,
      `${lead}${dir} holds no fetched Node ${pin.version}. Run \`npm run fetch:agent-runtimes\` once in the EdgeFleet folder on a machine that reaches the npm registry (it checks the pinned integrity); building and provisioning need no network after that.`,
    );
  }
  const sha256 = await sha256File(node);
  if (sha256 !== pin.nodeSha256) {
    throw new AppError(
      'AGENT_RUNTIME_MISMATCH',
      `The Node.js runtime for linux-${arch} is not the pinned one`,
      `${lead}${node} hashes to ${sha256}, but node-runtimes.json pins ${pin.nodeSha256}. Fetch it again with \`npm run fetch:agent-runtimes\`.`,
    );
  }
  const files: BundleFile[] = [
    { local: node, remote: runtimeNodePath, size: statSync(node).size, sha256, mode: 0o755 },
    { local: license, remote: 'node/LICENSE', size: statSync(license).size, sha256: await sha256File(license), mode: 0o644 },
  ];
  return { pin, files };
}

/** The folder holding the node_modules that serialport was installed in. */
function modulesRoot(): string {
  const main = createRequire(import.meta.url).resolve('serialport');
  const marker = `${path.sep}node_modules${path.sep}serialport${path.sep}`;
  const at = main.lastIndexOf(marker);
  return at === -1 ? appRoot() : main.slice(0, at);
}

export function serialportVersion(): string {
  return (JSON.parse(readFileSync(path.join(modulesRoot(), 'node_modules', 'serialport', 'package.json'), 'utf8')) as { version: string }).version;
}

/** serialport and its dependencies, with native prebuilds for `arch` only. */
async function serialportFiles(arch: AgentArch): Promise<BundleFile[]> {
  return Promise.all(
    packageTree('serialport', modulesRoot(), arch).map(async (f) => {
      const st = statSync(f.local);
      return { ...f, size: st.size, sha256: await sha256File(f.local), mode: st.mode & 0o111 ? 0o755 : 0o644 };
    }),
  );
}

export interface AgentFilesOptions {
  resourcesDir?: string;
  /** Carry the pinned Node runtime; the string says why (it opens the error when the runtime is missing). */
  runtime: string | false;
}

/** Everything an install folder on linux-`arch` holds for the agent to run, each file with its sha256. */
export async function agentFiles(arch: AgentArch, opts: AgentFilesOptions): Promise<{ files: BundleFile[]; runtime: PinnedRuntime | null }> {
  const resourcesDir = opts.resourcesDir ?? defaultResourcesDir();
  // The runtime first: a missing one is the likeliest failure and the cheapest to find.
  const runtime = opts.runtime === false ? null : await pinnedRuntime(arch, resourcesDir, opts.runtime);
  const files = [...(await agentBundle(arch, agentDistDir(resourcesDir))), ...(await serialportFiles(arch)), ...(runtime?.files ?? [])];
  return { files, runtime };
}
