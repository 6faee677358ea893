// The files that make the agent run on a host: the bundle (resources/agent/dist, `npm run build:agent`)
// and its one native dependency, onnxruntime-node, for the host's arch only (about 47 MB on x64).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { AppError } from '../api/errors.js';
import { appRoot } from '../util/app-root.js';
import { sha256File } from '../util/hash-file.js';

export interface BundleFile {
  local: string;
  /** Relative to the install folder, with forward slashes. */
  remote: string;
  size: number;
  sha256: string;
  mode: number;
}

export function agentDistDir(resourcesDir = path.join(appRoot(), 'resources')): string {
  return path.join(resourcesDir, 'agent', 'dist');
}

function filesUnder(dir: string, skip: (rel: string) => boolean = () => false, base = dir): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const rel = path.relative(base, full).split(path.sep).join('/');
    if (skip(rel)) continue;
    if (entry.isDirectory()) out.push(...filesUnder(full, skip, base));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** The folder of an installed package (onnxruntime-common does not export its package.json). */
function packageDir(name: string): string {
  let dir = path.dirname(createRequire(import.meta.url).resolve(name));
  while (path.basename(dir) !== name.split('/').pop() || !existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new AppError('AGENT_BUNDLE_MISSING', 'Agent dependency missing', `${name} is not installed next to EdgeFleet; reinstall EdgeFleet.`);
    dir = up;
  }
  return dir;
}

/** The bundle for a Linux host of `arch` ('x64' | 'arm64'), with each file's hash. */
export async function agentBundle(arch: string, distDir = agentDistDir()): Promise<BundleFile[]> {
  const agentJs = path.join(distDir, 'agent.js');
  if (!existsSync(agentJs)) {
    throw new AppError('AGENT_BUNDLE_MISSING', 'Agent bundle not built', `${agentJs} does not exist. Build it with \`npm run build:agent\`.`);
  }
  const ortDir = packageDir('onnxruntime-node');
  const binDir = path.join(ortDir, 'bin', 'napi-v6', 'linux', arch);
  if (!existsSync(binDir)) {
    throw new AppError('ARCH_UNSUPPORTED', 'No onnxruntime for this host', `onnxruntime-node ships no Linux ${arch} binaries (${binDir}); the agent runs on linux x64 and arm64.`);
  }
  const entries: { local: string; remote: string; mode: number }[] = [];
  for (const f of ['agent.js', 'package.json', 'edgefleet-agent.service']) entries.push({ local: path.join(distDir, f), remote: f, mode: 0o644 });
  const ortFiles = filesUnder(ortDir, (rel) => rel === 'bin' || rel === 'lib' || rel === 'script' || rel === 'node_modules');
  for (const f of ortFiles) entries.push({ local: f, remote: `node_modules/onnxruntime-node/${path.relative(ortDir, f).split(path.sep).join('/')}`, mode: 0o644 });
  for (const f of filesUnder(binDir)) entries.push({ local: f, remote: `node_modules/onnxruntime-node/bin/napi-v6/linux/${arch}/${path.basename(f)}`, mode: 0o755 });
  const commonDir = packageDir('onnxruntime-common');
  for (const f of filesUnder(commonDir, (rel) => rel === 'lib' || rel === 'node_modules')) {
    entries.push({ local: f, remote: `node_modules/onnxruntime-common/${path.relative(commonDir, f).split(path.sep).join('/')}`, mode: 0o644 });
  }
  return Promise.all(entries.map(async (e) => ({ ...e, size: statSync(e.local).size, sha256: await sha256File(e.local) })));
}
