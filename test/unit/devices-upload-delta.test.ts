// The agent's staging store taking a delta: the base found by sha256 among the slots, the model rebuilt
// into a new file and checked against the signed manifest before it counts as staged; a missing base,
// a damaged base, a damaged delta, an unknown format or a tampered manifest refused with its code and
// nothing staged; a restart mid-upload resumes the delta.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDelta } from '../../resources/device-protocol/delta/build-delta.js';
import { deltaFormat } from '../../resources/device-protocol/delta/delta-format.js';
import { describeArtifact, signManifest, verifyManifest, type Manifest, type SignedManifest } from '../../resources/device-protocol/messages.js';
import { UploadStore } from '../../resources/agent/src/upload-store.js';
import { headFineTune, sampleModelPath } from '../helpers/model-variants.js';

const root = mkdtempSync(path.join(tmpdir(), 'ef-upload-delta-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const keys = generateKeyPairSync('ed25519');
const noFloor = { deviceId: 'dev-test', release: 0 };
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const base = new Uint8Array(readFileSync(sampleModelPath));
const target = headFineTune(7);
const { delta } = buildDelta(base, target);

/** A data dir whose "slot" holds `slotBytes`; findModel answers it for the base's sha256. */
function device(name: string, slotBytes: Uint8Array = base): { dir: string; find: (s: string) => string | null; slotFile: string } {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, 'staging'), { recursive: true });
  const slotFile = path.join(dir, 'slot-a.onnx');
  writeFileSync(slotFile, slotBytes);
  return { dir, slotFile, find: (s) => (s === sha(base) && existsSync(slotFile) ? slotFile : null) };
}

function signed(m: Manifest): SignedManifest {
  return { manifest: m, signature: signManifest(keys.privateKey, m) };
}

function deltaManifest(o: Partial<NonNullable<Manifest['delta']>> = {}, d: Uint8Array = delta): SignedManifest {
  return signed({ ...describeArtifact(target, 'digits', '2'), delta: { base: sha(base), format: deltaFormat, bytes: d.byteLength, sha256: sha(d), ...o } });
}

function staged(dir: string): string[] {
  return readdirSync(path.join(dir, 'staging')).filter((f) => !f.startsWith('.'));
}

describe('upload store: deltas', () => {
  it('takes the delta in chunks, rebuilds the model and stages exactly its bytes', async () => {
    const d = device('ok');
    const store = await UploadStore.open(d.dir, d.find);
    const s = deltaManifest();
    const begun = await store.begin(s, keys.publicKey, noFloor);
    expect(begun).toMatchObject({ size: delta.byteLength, offset: 0, complete: false });
    const half = Math.floor(delta.byteLength / 2);
    await store.chunk(0, delta.subarray(0, half));
    // A restart between chunks keeps the delta's durable prefix.
    const again = await UploadStore.open(d.dir, d.find);
    expect(again.status()).toMatchObject({ offset: half, size: delta.byteLength, complete: false });
    const done = await again.chunk(half, delta.subarray(half));
    expect(done).toMatchObject({ offset: delta.byteLength, size: delta.byteLength, complete: true });
    expect(readFileSync(again.readyPath).equals(Buffer.from(target))).toBe(true);
    expect(again.ready().signed.manifest.sha256).toBe(sha(target));
    // The delta itself and the rebuild's temporary file are gone; the model waits for activate.
    expect(staged(d.dir)).toContain('artifact.ready');
    expect(staged(d.dir)).not.toContain('artifact.part');
    expect(staged(d.dir)).not.toContain('artifact.rebuild');
    // Reopened after completion: still complete.
    expect((await UploadStore.open(d.dir, d.find)).status()).toMatchObject({ complete: true, offset: delta.byteLength });
  });

  it('streams a delta too (the HTTPS form)', async () => {
    const d = device('stream');
    const store = await UploadStore.open(d.dir, d.find);
    await store.begin(deltaManifest(), keys.publicKey, noFloor);
    const done = await store.stream(0, (async function* () {
      for (let at = 0; at < delta.byteLength; at += 4096) yield delta.subarray(at, at + 4096);
    })());
    expect(done.complete).toBe(true);
    expect(readFileSync(store.readyPath).equals(Buffer.from(target))).toBe(true);
  });

  it('refuses at upload-begin a delta whose base no slot holds, and one in an unknown format: nothing stored', async () => {
    const d = device('no-base');
    rmSync(d.slotFile);
    const store = await UploadStore.open(d.dir, d.find);
    await expect(store.begin(deltaManifest(), keys.publicKey, noFloor)).rejects.toMatchObject({ code: 'DELTA_BASE_MISSING' });
    await expect(store.begin(deltaManifest({ format: 'efd9' }), keys.publicKey, noFloor)).rejects.toMatchObject({ code: 'DELTA_UNSUPPORTED' });
    expect(store.status()).toBeNull();
    expect(staged(d.dir)).toEqual([]);
    // A store that cannot look into slots (no findModel) refuses every delta.
    await expect((await UploadStore.open(device('no-finder').dir)).begin(deltaManifest(), keys.publicKey, noFloor)).rejects.toMatchObject({ code: 'DELTA_BASE_MISSING' });
  });

  it('a base slot whose file was damaged: the rebuild is refused as DELTA_BASE_MISSING and nothing stays staged', async () => {
    const damaged = Uint8Array.from(base);
    damaged[1000] ^= 0xff;
    const d = device('damaged-base', damaged);
    const store = await UploadStore.open(d.dir, d.find);
    await store.begin(deltaManifest(), keys.publicKey, noFloor);
    await expect(store.chunk(0, delta)).rejects.toMatchObject({ code: 'DELTA_BASE_MISSING' });
    expect(store.status()).toBeNull();
    expect(staged(d.dir)).toEqual([]);
  });

  it('a damaged delta: a changed byte fails its signed sha256; a delta that hashes right but rebuilds wrong fails the rebuild', async () => {
    const d = device('damaged-delta');
    const store = await UploadStore.open(d.dir, d.find);
    const flipped = Uint8Array.from(delta);
    flipped[flipped.byteLength - 5] ^= 1;
    await store.begin(deltaManifest(), keys.publicKey, noFloor);
    await expect(store.chunk(0, flipped)).rejects.toMatchObject({ code: 'ARTIFACT_HASH_MISMATCH' });
    expect(staged(d.dir)).toEqual([]);
    // Signed for what it is, yet not a delta to this model.
    await store.begin(deltaManifest({}, flipped), keys.publicKey, noFloor);
    await expect(store.chunk(0, flipped)).rejects.toMatchObject({ code: 'DELTA_INVALID' });
    expect(store.status()).toBeNull();
    expect(staged(d.dir)).toEqual([]);
  });

  it('the signature covers the delta: another base under the same signature is refused', async () => {
    const d = device('tampered');
    const store = await UploadStore.open(d.dir, d.find);
    const s = deltaManifest();
    const tampered = { ...s, manifest: { ...s.manifest, delta: { ...s.manifest.delta!, base: sha(target) } } };
    expect(verifyManifest(keys.publicKey, tampered.manifest, tampered.signature)).toBe(false);
    await expect(store.begin(tampered, keys.publicKey, noFloor)).rejects.toMatchObject({ code: 'MANIFEST_SIGNATURE_INVALID' });
    // Without its delta field (what an agent that predates deltas reads) the signature fails as well.
    const { delta: _d, ...plain } = s.manifest;
    expect(verifyManifest(keys.publicKey, plain, s.signature)).toBe(false);
  });
});
