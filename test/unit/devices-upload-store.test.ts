// The agent's staging store: the per-chunk form and the streamed form of upload-chunk, durable
// checkpoints, and recovery from a part file that holds more than the last checkpoint.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeArtifact, signManifest, type SignedManifest } from '../../resources/device-protocol/messages.js';
import { UploadStore } from '../../resources/agent/src/upload-store.js';

const root = mkdtempSync(path.join(tmpdir(), 'ef-upload-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const keys = generateKeyPairSync('ed25519');
const MB = 1024 * 1024;
/** A device that has accepted no counted release yet. */
const noFloor = { deviceId: 'dev-test', release: 0 };

function newDataDir(name: string): string {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, 'staging'), { recursive: true });
  return dir;
}

function signedFor(bytes: Uint8Array, version = '1'): SignedManifest {
  const manifest = describeArtifact(bytes, 'blob', version);
  return { manifest, signature: signManifest(keys.privateKey, manifest) };
}

/** `bytes` in pieces of `piece` bytes, failing after `failAfter` bytes when given (a dropped connection). */
async function* pieces(bytes: Uint8Array, piece: number, failAfter?: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += piece) {
    if (failAfter !== undefined && at >= failAfter) throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    yield bytes.subarray(at, at + piece);
  }
}

describe('upload store', () => {
  it('takes chunks one at a time, each durable, and verifies at the last', async () => {
    const dir = newDataDir('chunks');
    const bytes = randomBytes(300_000);
    const store = await UploadStore.open(dir);
    await store.begin(signedFor(bytes), keys.publicKey, noFloor);
    expect((await store.chunk(0, bytes.subarray(0, 100_000))).offset).toBe(100_000);
    await expect(store.chunk(50, bytes.subarray(0, 10))).rejects.toMatchObject({ code: 'UPLOAD_OFFSET_MISMATCH' });
    // A restart keeps every acknowledged chunk.
    const again = await UploadStore.open(dir);
    expect(again.status()).toMatchObject({ offset: 100_000, complete: false });
    const done = await again.chunk(100_000, bytes.subarray(100_000));
    expect(done).toMatchObject({ offset: 300_000, complete: true });
    expect(readFileSync(again.readyPath).equals(bytes)).toBe(true);
  });

  it('streams with checkpoints, keeps what arrived when the stream breaks, and resumes from the durable offset', async () => {
    const dir = newDataDir('stream');
    const bytes = randomBytes(10 * MB + 12_345);
    const signed = signedFor(bytes);
    const store = await UploadStore.open(dir);
    await store.begin(signed, keys.publicKey, noFloor);
    await expect(store.stream(0, pieces(bytes, 16 * 1024, 5 * MB))).rejects.toMatchObject({ code: 'ECONNRESET' });
    // Everything received before the break was made durable.
    expect(store.status()).toMatchObject({ offset: 5 * MB, complete: false });

    // A restart after a kill: the part file holds unrecorded bytes past the checkpoint, which are cut.
    appendFileSync(path.join(dir, 'staging/artifact.part'), randomBytes(777));
    const again = await UploadStore.open(dir);
    expect(again.status()).toMatchObject({ offset: 5 * MB, complete: false });
    expect(statSync(path.join(dir, 'staging/artifact.part')).size).toBe(5 * MB);
    const done = await again.stream(5 * MB, pieces(bytes.subarray(5 * MB), 64 * 1024));
    expect(done).toMatchObject({ offset: bytes.byteLength, complete: true });
    expect(readFileSync(again.readyPath).equals(bytes)).toBe(true);
  });

  it('never trusts a recorded offset beyond the bytes on disk', async () => {
    const dir = newDataDir('ahead');
    const bytes = randomBytes(2 * MB);
    const store = await UploadStore.open(dir);
    await store.begin(signedFor(bytes), keys.publicKey, noFloor);
    await store.chunk(0, bytes.subarray(0, MB));
    writeFileSync(path.join(dir, 'staging/upload.offset'), `${MB + 10}\n`);
    const again = await UploadStore.open(dir);
    expect(again.status()).toBeNull();
  });

  it('refuses a stream longer than the manifest and one whose bytes do not hash to it', async () => {
    const dir = newDataDir('bad');
    const bytes = randomBytes(MB);
    const store = await UploadStore.open(dir);
    await store.begin(signedFor(bytes), keys.publicKey, noFloor);
    await expect(store.stream(0, pieces(Buffer.concat([bytes, Buffer.alloc(10)]), 64 * 1024))).rejects.toMatchObject({ code: 'UPLOAD_TOO_LONG' });
    expect(store.status()).toBeNull();
    await store.begin(signedFor(bytes, '2'), keys.publicKey, noFloor);
    const tampered = Buffer.from(bytes);
    tampered[1000] ^= 1;
    await expect(store.stream(0, pieces(tampered, 64 * 1024))).rejects.toMatchObject({ code: 'ARTIFACT_HASH_MISMATCH' });
    expect(store.status()).toBeNull();
  });
});
