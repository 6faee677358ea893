import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { normalizeFingerprint } from '../../resources/device-protocol/fingerprint.js';
import {
  canonicalJson,
  describeArtifact,
  deviceEventSchema,
  deviceOps,
  isDeviceOp,
  signManifest,
  verifyManifest,
  type Manifest,
} from '../../resources/device-protocol/messages.js';
import { maxSoftmaxConfidence } from '../../resources/agent/src/telemetry.js';

const keys = generateKeyPairSync('ed25519');
const manifest: Manifest = {
  name: 'digits',
  version: '1.2.0',
  sha256: 'a'.repeat(64),
  size: 1234,
  created: '2026-01-02T03:04:05.000Z',
};

describe('canonical JSON', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[{"y":2,"z":1}]},"b":1}');
  });

  it('gives the same text whatever the key order', () => {
    const reordered = { size: 1234, created: manifest.created, version: '1.2.0', sha256: manifest.sha256, name: 'digits' };
    expect(canonicalJson(reordered)).toBe(canonicalJson(manifest));
  });
});

describe('manifest signatures', () => {
  it('verifies a signature made with the matching key, from KeyObjects or PEM', () => {
    const sig = signManifest(keys.privateKey, manifest);
    expect(verifyManifest(keys.publicKey, manifest, sig)).toBe(true);
    const pem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(verifyManifest(pem, { ...manifest }, sig)).toBe(true);
  });

  it('refuses a changed manifest, another key, garbage and non-ed25519 keys', () => {
    const sig = signManifest(keys.privateKey, manifest);
    expect(verifyManifest(keys.publicKey, { ...manifest, version: '1.2.1' }, sig)).toBe(false);
    expect(verifyManifest(keys.publicKey, { ...manifest, sha256: 'b'.repeat(64) }, sig)).toBe(false);
    expect(verifyManifest(generateKeyPairSync('ed25519').publicKey, manifest, sig)).toBe(false);
    expect(verifyManifest(keys.publicKey, manifest, '')).toBe(false);
    expect(verifyManifest(keys.publicKey, manifest, 'not base64 !!')).toBe(false);
    expect(verifyManifest('not a key', manifest, sig)).toBe(false);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(verifyManifest(ec.publicKey, manifest, sig)).toBe(false);
    expect(() => signManifest(ec.privateKey, manifest)).toThrow(/ed25519/);
  });

  it('describes an artifact by its hash and size', () => {
    const m = describeArtifact(new TextEncoder().encode('abc'), 'n', '1', new Date(0));
    expect(m).toEqual({ name: 'n', version: '1', sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', size: 3, created: '1970-01-01T00:00:00.000Z' });
  });
});

describe('message schemas', () => {
  it('knows its operations', () => {
    expect(isDeviceOp('activate')).toBe(true);
    expect(isDeviceOp('toString')).toBe(false);
    expect(isDeviceOp('nope')).toBe(false);
  });

  it('fills activate defaults and rejects out-of-range bounds', () => {
    expect(deviceOps.activate.request.parse({})).toEqual({ healthyWindowSec: 0, maxLatencyMs: 1000, selfTestRuns: 5 });
    expect(deviceOps.activate.request.safeParse({ maxLatencyMs: -1 }).success).toBe(false);
  });

  it('rejects an unsigned or malformed upload-begin', () => {
    expect(deviceOps['upload-begin'].request.safeParse({ manifest }).success).toBe(false);
    expect(deviceOps['upload-begin'].request.safeParse({ manifest: { ...manifest, sha256: 'xyz' }, signature: 's' }).success).toBe(false);
    expect(deviceOps['upload-begin'].request.safeParse({ manifest, signature: 's' }).success).toBe(true);
  });

  it('takes chunk data as bytes and rejects negative offsets', () => {
    expect(deviceOps['upload-chunk'].request.safeParse({ offset: 0, data: new Uint8Array(3) }).success).toBe(true);
    expect(deviceOps['upload-chunk'].request.safeParse({ offset: -1, data: new Uint8Array(3) }).success).toBe(false);
    expect(deviceOps['upload-chunk'].request.safeParse({ offset: 0, data: 'abc' }).success).toBe(false);
  });

  it('refuses unknown fields in empty requests and unknown event types', () => {
    expect(deviceOps.confirm.request.safeParse({ force: true }).success).toBe(false);
    expect(deviceEventSchema.safeParse({ type: 'other', payload: {} }).success).toBe(false);
  });
});

describe('helpers', () => {
  it('normalizes OpenSSL-style fingerprints', () => {
    expect(normalizeFingerprint('AB:CD:EF')).toBe('abcdef');
  });

  it('computes the mean max-softmax confidence per row', () => {
    expect(maxSoftmaxConfidence(new Float32Array([0, 0, 0, 0]), [2, 2])).toBeCloseTo(0.5);
    expect(maxSoftmaxConfidence(new Float32Array([100, 0]), [1, 2])).toBeCloseTo(1);
    expect(maxSoftmaxConfidence(new Float32Array([1, 2, 3]), [1, 2])).toBeNull();
  });
});
