// `npm test` needs a few system packages; say exactly how to install a missing one instead of skipping.
import { existsSync } from 'node:fs';

const needs = [
  { what: 'Chromium (browser end-to-end tests)', path: '/usr/bin/chromium', pkg: 'chromium' },
  { what: 'ONNX conformance corpus (codec round-trip and fuzz tests)', path: '/usr/share/libonnx-testdata/data', pkg: 'libonnx-testdata' },
];
const missing = needs.filter((n) => !existsSync(n.path));
if (missing.length > 0) {
  for (const m of missing) console.error(`missing: ${m.what} (${m.path})`);
  console.error(`Install with: sudo apt-get install -y ${missing.map((m) => m.pkg).join(' ')}`);
  process.exit(1);
}
