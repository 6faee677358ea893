// The signed description of a model artifact. The console signs it with its ed25519 key; a device
// accepts an artifact only when the signature verifies with the key pinned at pairing and the bytes
// hash to the manifest's sha256.
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from './canonical-json.js';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');

/** The info capability of a device that takes deltas in format efd1 (manifest.delta). */
export const deltaCapability = 'delta-efd1';

/** Bytes an upload carries: the delta's when the manifest names one, else the model's. */
export function uploadBytes(manifest: Pick<Manifest, 'size' | 'delta'>): number {
  return manifest.delta?.bytes ?? manifest.size;
}

export const manifestSchema = z.object({
  name: z.string().min(1).max(200),
  version: z.string().min(1).max(100),
  sha256: sha256Hex,
  size: z.number().int().nonnegative().max(2 ** 40),
  created: z.iso.datetime({ offset: true }),
  /**
   * The console's release counter, one higher for every manifest it signs. A device refuses a release
   * at or below the highest one it has accepted, so an earlier deploy sent again cannot undo a newer
   * one. Absent in manifests from consoles before release counters: devices read that as release 0.
   */
  release: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
  /**
   * An explicit downgrade (older model content under a new release), signed for one device only, so
   * a captured downgrade cannot be sent to another device whose counter is still below its release.
   */
  downgrade: z.object({ deviceId: z.string().min(1).max(200) }).strict().optional(),
  /**
   * The artifact bytes are a delta (see delta/delta-format.ts) that rebuilds the model this manifest
   * names (sha256, size) from a model the device already holds. Signed with the rest, so a delta cannot
   * be applied to another base. Only for devices whose info lists the capability (deltaCapability):
   * older agents drop the unknown field and then refuse the signature.
   */
  delta: z
    .object({
      base: sha256Hex.describe('SHA-256 of the model the delta rebuilds from; the device must hold it in a slot.'),
      format: z.string().min(1).max(20).describe('The delta format: efd1.'),
      bytes: z.number().int().positive().max(2 ** 40).describe('Size of the delta: the bytes upload-chunk carries.'),
      sha256: sha256Hex.describe('SHA-256 of the delta bytes, checked before the model is rebuilt.'),
    })
    .strict()
    .optional()
    .describe('Set when the artifact is a delta against a model the device holds; sha256 and size still name the full model, checked after the rebuild.'),
});
export type Manifest = z.infer<typeof manifestSchema>;

export const signedManifestSchema = z.object({
  manifest: manifestSchema,
  /** base64 ed25519 signature over canonicalJson(manifest); empty means unsigned, which devices refuse. */
  signature: z.string().max(200),
});
export type SignedManifest = z.infer<typeof signedManifestSchema>;

export type KeyInput = KeyObject | string;

function privateKeyOf(key: KeyInput): KeyObject {
  return typeof key === 'string' ? createPrivateKey(key) : key;
}

function publicKeyOf(key: KeyInput): KeyObject {
  return typeof key === 'string' ? createPublicKey(key) : key;
}

export function manifestBytes(manifest: Manifest): Buffer {
  return Buffer.from(canonicalJson(manifestSchema.parse(manifest)), 'utf8');
}

/** Signs a manifest with an ed25519 private key (KeyObject or PEM); returns the base64 signature. */
export function signManifest(privateKey: KeyInput, manifest: Manifest): string {
  const key = privateKeyOf(privateKey);
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError('Manifests are signed with an ed25519 key.');
  return sign(null, manifestBytes(manifest), key).toString('base64');
}

/** True when `sig` is a valid ed25519 signature of the manifest; false for any malformed input. */
export function verifyManifest(publicKey: KeyInput, manifest: Manifest, sig: string): boolean {
  try {
    const key = publicKeyOf(publicKey);
    if (key.asymmetricKeyType !== 'ed25519') return false;
    const parsed = manifestSchema.safeParse(manifest);
    if (!parsed.success) return false;
    return verify(null, manifestBytes(parsed.data), key, Buffer.from(sig, 'base64'));
  } catch {
    return false;
  }
}

/** The release counter of a manifest; one signed before release counters is release 0. */
export function releaseOf(manifest: Manifest): number {
  return manifest.release ?? 0;
}

/** The manifest of an artifact's bytes; sign it with signManifest. */
export function describeArtifact(bytes: Uint8Array, name: string, version: string, created = new Date()): Manifest {
  return { name, version, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.byteLength, created: created.toISOString() };
}
