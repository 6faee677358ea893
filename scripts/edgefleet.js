#!/usr/bin/env node
// The `edgefleet` bin: runs the compiled CLI from dist/ (built by `npm ci` through the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/electron/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('edgefleet: Not built yet: run `npm run build` in the EdgeFleet folder, then try again.\n');
  process.exit(2);
}
const { main } = await import(entry.href);
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Native add-ons may hold the event loop open after the work is done; do not hang a CI pipeline on them.
setTimeout(() => process.exit(code), 2000).unref();
