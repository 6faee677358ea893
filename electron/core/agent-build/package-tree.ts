// The installed files of an npm package and of everything it depends on, at the node_modules paths
// Node resolves them from, with native prebuilds for one linux architecture only.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../api/errors.js';

export interface TreeFile {
  local: string;
  /** Relative to the folder holding the top node_modules, with forward slashes (node_modules/…). */
  remote: string;
}

function findPackage(name: string, fromDir: string, stopAt: string): string | null {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === stopAt || path.dirname(dir) === dir) return null;
  }
}

function filesOf(pkgDir: string, arch: string, rel = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(pkgDir, rel), { withFileTypes: true })) {
    const sub = rel ? `${rel}/${entry.name}` : entry.name;
    if (sub === 'node_modules') continue;
    // node-gyp-build picks prebuilds/<platform>-<arch>; the others are dead weight on the device.
    if (rel === 'prebuilds' && entry.name !== `linux-${arch}`) continue;
    if (entry.isDirectory()) out.push(...filesOf(pkgDir, arch, sub));
    else if (entry.isFile()) out.push(sub);
  }
  return out;
}

/** `name` and its dependency closure as installed under `root` (the folder holding node_modules). */
export function packageTree(name: string, root: string, arch: string): TreeFile[] {
  const seen = new Set<string>();
  const files: TreeFile[] = [];
  const visit = (pkg: string, fromDir: string) => {
    const dir = findPackage(pkg, fromDir, root);
    if (!dir) throw new AppError('AGENT_BUNDLE_MISSING', 'Agent dependency missing', `${pkg} is not installed under ${root}; run \`npm ci\` in the EdgeFleet folder.`);
    if (seen.has(dir)) return;
    seen.add(dir);
    const remoteDir = path.relative(root, dir).split(path.sep).join('/');
    for (const f of filesOf(dir, arch)) files.push({ local: path.join(dir, f), remote: `${remoteDir}/${f}` });
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep, dir);
  };
  visit(name, root);
  return files.sort((a, b) => (a.remote < b.remote ? -1 : 1));
}
