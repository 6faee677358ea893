// Writes the device protocol's message reference (JSON Schemas and MESSAGES.md) from the zod schemas:
// npm run gen:protocol. test/unit/protocol-reference.test.ts fails when the committed files differ.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildReference, referenceDir } from './protocol-reference/build-reference.js';

const root = path.resolve(import.meta.dirname, '..');
const dir = path.join(root, referenceDir);
const files = buildReference();
mkdirSync(dir, { recursive: true });
// A schema of an operation that no longer exists must not stay behind.
for (const name of existsSync(dir) ? readdirSync(dir) : []) if (!files.has(name)) rmSync(path.join(dir, name));
for (const [name, text] of files) writeFileSync(path.join(dir, name), text);
console.log(`Wrote ${files.size} files to ${referenceDir}/`);
