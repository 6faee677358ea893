// The signature test vector of SERIAL-PROTOCOL.md section 7.5, checked with the project's own code: the
// canonical JSON the console signs, the verifyManifest the agent checks with, and the agent's upload store.
import { createHash, createPrivateKey, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UploadStore } from '../../resources/agent/src/upload-store.js';
import { canonicalJson } from '../../resources/device-protocol/canonical-json.js';
import { manifestBytes, manifestSchema, signManifest, verifyManifest, type Manifest } from '../../resources/device-protocol/manifest.js';
import { docBlocks, protocolDocPath, vectorBlock } from '../helpers/protocol-doc-blocks.js';

const doc = readFileSync(protocolDocPath, 'utf8');
const blocks = docBlocks(doc);
const text = (name: string) => vectorBlock(blocks, name).body;
const line = (name: string) => text(name).trim();

const seed = Buffer.from(line('seed'), 'hex');
const sent = JSON.parse(text('manifest')) as Manifest;
const canonical = text('canonical').replace(/\n$/, '');
const signature = line('signature');
const artifact = Buffer.from(text('artifact'), 'utf8');

// PKCS#8 of an ed25519 key is a fixed 16-byte header followed by the 32-byte seed (RFC 8410).
const privateKey = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
const publicKey = createPublicKey(privateKey);

/** The public key as the device gets it: parsed from the PEM pairing sends. */
const pinned: KeyObject = createPublicKey(text('public-key-pem'));

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('signature test vector (SERIAL-PROTOCOL.md 7.5)', () => {
  it('derives the documented public key from the seed, raw and as PEM SPKI', () => {
    expect(seed).toHaveLength(32);
    const der = publicKey.export({ type: 'spki', format: 'der' });
    expect(der.subarray(0, 12).toString('hex')).toBe('302a300506032b6570032100');
    expect(der.subarray(12).toString('hex')).toBe(line('public-key-hex'));
    expect(publicKey.export({ type: 'spki', format: 'pem' }).toString()).toBe(text('public-key-pem'));
  });

  it('describes the documented artifact', () => {
    expect(sent.size).toBe(artifact.length);
    expect(sent.sha256).toBe(createHash('sha256').update(artifact).digest('hex'));
  });

  it('has the documented canonical bytes, length and digest', () => {
    expect(canonicalJson(manifestSchema.parse(sent))).toBe(canonical);
    expect(manifestBytes(sent).toString('utf8')).toBe(canonical);
    const stated = /\(shown as text: (\d+) bytes of UTF-8/.exec(doc);
    expect(Number(stated?.[1])).toBe(Buffer.byteLength(canonical, 'utf8'));
    expect(createHash('sha256').update(canonical, 'utf8').digest('hex')).toBe(line('canonical-sha256'));
  });

  it('has the documented signature, which the agent verifies with the pinned key', () => {
    expect(signManifest(privateKey, sent)).toBe(signature);
    expect(Buffer.from(signature, 'base64')).toHaveLength(64);
    expect(verifyManifest(pinned, sent, signature)).toBe(true);
    // Pure ed25519 over the canonical bytes themselves, as section 7.3 says.
    expect(verify(null, Buffer.from(canonical, 'utf8'), pinned, Buffer.from(signature, 'base64'))).toBe(true);
  });

  it('fails for every one-byte change of the signed bytes or the signature', () => {
    const bytes = Buffer.from(canonical, 'utf8');
    const sig = Buffer.from(signature, 'base64');
    for (let i = 0; i < bytes.length; i++) {
      const changed = Buffer.from(bytes);
      changed[i] ^= 0x01;
      expect(verify(null, changed, pinned, sig), `byte ${i} changed`).toBe(false);
    }
    for (let i = 0; i < sig.length; i++) {
      const changed = Buffer.from(sig);
      changed[i] ^= 0x01;
      expect(verify(null, bytes, pinned, changed), `signature byte ${i} changed`).toBe(false);
    }
  });

  it('fails when a one-byte change of the manifest reaches verifyManifest', () => {
    const changes: Manifest[] = [
      { ...sent, version: '1.2.1' },
      { ...sent, name: 'digits-classifieR' },
      { ...sent, size: sent.size + 1 },
      { ...sent, release: 8 },
      { ...sent, sha256: `${sent.sha256.slice(0, 63)}7` },
      { ...sent, created: '2025-01-15T09:30:01.000Z' },
    ];
    for (const m of changes) expect(verifyManifest(pinned, m, signature), JSON.stringify(m)).toBe(false);
    // Absent is not zero (rule 2): the same manifest without its release counter has other bytes.
    const { release: _release, ...withoutRelease } = sent;
    expect(verifyManifest(pinned, withoutRelease, signature)).toBe(false);
  });

  it('is accepted by the agent upload store, which refuses it changed by one byte', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'edgefleet-vector-'));
    dirs.push(dir);
    mkdirSync(path.join(dir, 'staging')); // the agent's slot store makes it at start
    const store = await UploadStore.open(dir);
    const floor = { deviceId: 'ef-test', release: 0 };
    await expect(store.begin({ manifest: { ...sent, version: '1.2.1' }, signature }, pinned, floor)).rejects.toMatchObject({ code: 'MANIFEST_SIGNATURE_INVALID' });
    expect(await store.begin({ manifest: sent, signature }, pinned, floor)).toMatchObject({ offset: 0, size: 24, complete: false });
    expect(await store.chunk(0, artifact)).toMatchObject({ offset: 24, complete: true });
  });

  it('signs the upload-begin example of section 6.5', () => {
    const example = blocks.find((b) => b.tag?.kind === 'example' && b.tag.name === 'upload-begin.request');
    const req = (JSON.parse(example!.body) as { req: { manifest: Manifest; signature: string } }).req;
    expect(canonicalJson(req.manifest)).toBe(canonical);
    expect(req.signature).toBe(signature);
  });
});
