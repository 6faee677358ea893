#!/usr/bin/env node
// Bundles the device agent into resources/agent/dist/agent.js: one ESM file for Node 20 with every
// dependency inside except onnxruntime-node (native; shipped beside it, listed in dist/package.json).
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'resources', 'agent', 'dist');
// Native packages stay outside the bundle and ship beside it (serialport finds its binding from its own folder).
const external = ['onnxruntime-node', 'serialport'];
const require = createRequire(import.meta.url);

mkdirSync(out, { recursive: true });
await build({
  entryPoints: [path.join(root, 'resources', 'agent', 'src', 'main.ts')],
  outfile: path.join(out, 'agent.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  legalComments: 'none',
  logLevel: 'warning',
  // CommonJS dependencies inside an ESM bundle still call require().
  banner: { js: "import { createRequire as __efCreateRequire } from 'node:module'; const require = __efCreateRequire(import.meta.url);" },
});

// The unit runs the bundle, not the sources through tsx.
copyFileSync(path.join(root, 'resources', 'agent', 'edgefleet-agent.service'), path.join(out, 'edgefleet-agent.service'));

const dependencies = Object.fromEntries(external.map((name) => [name, require(`${name}/package.json`).version]));
const pkg = { name: 'edgefleet-agent', private: true, type: 'module', main: 'agent.js', engines: { node: '>=20.19' }, dependencies };
writeFileSync(path.join(out, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
process.stdout.write(`Agent bundle: ${path.relative(root, path.join(out, 'agent.js'))}\n`);
