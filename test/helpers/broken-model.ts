// A registry model whose bytes do not load (the sample cut short), registered around the import,
// which would refuse it: what a bad build looks like to a device.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { artifactPath } from '../../electron/core/registry/artifact-store.js';
import { Registry } from '../../electron/core/registry/registry.js';
import { sampleModel } from './agent-process.js';

export function registerBrokenModel(home: string, name = 'broken-digits'): string {
  const bytes = sampleModel.subarray(0, 400_000);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  mkdirSync(dirname(artifactPath(home, sha256)), { recursive: true });
  writeFileSync(artifactPath(home, sha256), bytes);
  const registry = Registry.open(home);
  try {
    return registry.addModel({ name, sha256, sizeBytes: bytes.byteLength, sourceFile: null, inspect: null }).model.id;
  } finally {
    registry.close();
  }
}
