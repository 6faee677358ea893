// Reference profiles per model version: made once from the evaluation data the registry knows (here the
// sample's eval_inputs.npy beside its source file), kept as <home>/drift/<sha256>.json and read back
// from there; without any data the lookup says why, in words the drift gates show.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReferenceStore, referencePath } from '../../electron/core/drift/reference-store.js';
import { artifactPath } from '../../electron/core/registry/artifact-store.js';
import { Registry } from '../../electron/core/registry/registry.js';

const sampleModelPath = path.resolve(import.meta.dirname, '../../resources/models/mobilenetv2-digits/model.onnx');
const home = mkdtempSync(path.join(tmpdir(), 'ef-drift-ref-'));
const registry = Registry.open(home);

afterAll(() => {
  registry.close();
  rmSync(home, { recursive: true, force: true });
});

function register(name: string, sourceFile: string | null): string {
  const bytes = readFileSync(sampleModelPath);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  mkdirSync(path.dirname(artifactPath(home, sha256)), { recursive: true });
  copyFileSync(sampleModelPath, artifactPath(home, sha256));
  registry.addModel({ name, sha256, sizeBytes: bytes.byteLength, sourceFile, inspect: null });
  return sha256;
}

describe('drift reference store', () => {
  it('says why there is no reference for a model without data, and for one it does not know', async () => {
    const store = new ReferenceStore(home, registry);
    const unknown = await store.get('f'.repeat(64));
    expect(unknown.profile).toBeNull();
    expect(unknown.reason).toMatch(/not in the registry/);
    const sha = register('no-data', null);
    const r = await store.get(sha);
    expect(r.profile).toBeNull();
    expect(r.reason).toMatch(/no-data v1: the registry knows no evaluation or calibration data/);
    expect(existsSync(referencePath(home, sha))).toBe(false);
    registry.removeModel(registry.findBySha256(sha)!.id);
  });

  it('builds the reference from the evaluation data beside the source file once, then reads the stored file', async () => {
    const sha = register('digits', sampleModelPath);
    const r = await new ReferenceStore(home, registry).get(sha);
    expect(r.reason).toBeNull();
    expect(r.profile?.data.source).toEqual({ file: 'eval_inputs.npy', split: 'evaluation', rows: 449 });
    const file = referencePath(home, sha);
    const written = readFileSync(file, 'utf8');
    // A fresh store (a new console process) reads the file instead of running the model again.
    const again = await new ReferenceStore(home, registry).get(sha);
    expect(again.profile?.data.createdAt).toBe(r.profile!.data.createdAt);
    expect(readFileSync(file, 'utf8')).toBe(written);
  }, 60_000);
});
