// The keys and masks of SecAgg+: X25519 key pairs (one for pairwise masks, one for encrypting shares, as
// in Flower), seeds derived from a Diffie–Hellman secret with HKDF-SHA256 bound to the round and the two
// clients, masks expanded from a seed with AES-256-CTR into uint32 vectors, and AES-256-GCM for the
// shares a client sends its neighbours through the server. node:crypto only; nothing here is stateful.
import { createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { endianness } from 'node:os';
import { AppError } from '../../api/errors.js';

export const keyBytes = 32;
// DER framing of a raw X25519 key (RFC 8410): PKCS#8 private, SubjectPublicKeyInfo public (export only
// for the public one: JWK import is faster).
const pkcs8Prefix = Buffer.from('302e020100300506032b656e04220420', 'hex');
const spkiPrefix = Buffer.from('302a300506032b656e032100', 'hex');
const littleEndian = endianness() === 'LE';

export interface X25519KeyPair {
  /** 32 raw bytes (RFC 7748 u-coordinate). */
  publicKey: Uint8Array;
  /** 32 raw bytes; it is what gets secret-shared. */
  privateKey: Uint8Array;
  /** The private key as node:crypto holds it: importing raw bytes again costs ~0.1–0.7 ms a time. */
  handle: KeyObject;
}

/** A raw private key, or one already imported (faster when used for many agreements). */
export type PrivateKeyInput = Uint8Array | KeyObject;

/** The X25519 base point (u = 9): X25519(sk, basePoint) is sk's public key. */
const basePoint = Uint8Array.from({ length: keyBytes }, (_, i) => (i === 0 ? 9 : 0));

function keyError(detail: string): AppError {
  return new AppError('SECAGG_BAD_KEY', 'Invalid secure aggregation key', detail);
}

export function generateKeyPair(): X25519KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  return {
    publicKey: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }).subarray(spkiPrefix.length)),
    privateKey: new Uint8Array(privateKey.export({ type: 'pkcs8', format: 'der' }).subarray(pkcs8Prefix.length)),
    handle: privateKey,
  };
}

/**
 * Imports a raw private key. With its public key at hand the JWK path is used (several times faster
 * than PKCS#8 DER); node:crypto derives the key from `d` alone, and checkKeyPair confirms the pair.
 */
export function importPrivateKey(raw: Uint8Array, publicKey?: Uint8Array): KeyObject {
  if (raw.length !== keyBytes) throw keyError(`An X25519 private key is ${keyBytes} bytes, got ${raw.length}.`);
  if (publicKey && publicKey.length === keyBytes) {
    return createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: Buffer.from(raw).toString('base64url'), x: Buffer.from(publicKey).toString('base64url') }, format: 'jwk' });
  }
  return createPrivateKey({ key: Buffer.concat([pkcs8Prefix, raw]), format: 'der', type: 'pkcs8' });
}

function publicKeyObject(raw: Uint8Array): KeyObject {
  if (raw.length !== keyBytes) throw keyError(`An X25519 public key is ${keyBytes} bytes, got ${raw.length}.`);
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

/** The public key of a private key, computed as X25519(sk, 9) (to check a reconstructed key against what its owner published). */
export function publicKeyOf(privateKey: PrivateKeyInput): Uint8Array {
  return new Uint8Array(x25519(privateKey, basePoint));
}

/** X25519(privateKey, publicKey); throws SECAGG_BAD_KEY for a low-order public key (an all-zero secret). */
export function x25519(privateKey: PrivateKeyInput, publicKey: Uint8Array): Buffer {
  const priv = privateKey instanceof Uint8Array ? importPrivateKey(privateKey) : privateKey;
  try {
    return diffieHellman({ privateKey: priv, publicKey: publicKeyObject(publicKey) });
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw keyError(`Key agreement failed (${(err as Error).message}): the peer's public key is not usable.`);
  }
}

export type SeedPurpose = 'pairwise-mask' | 'share-encryption' | 'self-mask';

/**
 * HKDF-SHA256 of a secret into a 32-byte key for one purpose, one round and the clients involved (sorted,
 * so both ends of a pair derive the same key). The context is hashed because HKDF's info is capped at 1 KiB.
 */
export function deriveKey(secret: Uint8Array, purpose: SeedPurpose, roundId: string, clients: readonly string[]): Buffer {
  const context = JSON.stringify(['edgefleet-secagg+/v1', purpose, roundId, [...clients].sort()]);
  const info = createHash('sha256').update(context).digest();
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), info, keyBytes));
}

/** The seed of the mask between `self` and `peer`, from self's mask private key and peer's mask public key. */
export function pairwiseSeed(privateKey: PrivateKeyInput, peerPublicKey: Uint8Array, roundId: string, self: string, peer: string): Buffer {
  return deriveKey(x25519(privateKey, peerPublicKey), 'pairwise-mask', roundId, [self, peer]);
}

/** The AES-256-GCM key for shares between `self` and `peer`. */
export function shareKey(privateKey: PrivateKeyInput, peerPublicKey: Uint8Array, roundId: string, self: string, peer: string): Buffer {
  return deriveKey(x25519(privateKey, peerPublicKey), 'share-encryption', roundId, [self, peer]);
}

/** The seed of a client's self mask, from its random b_u. */
export function selfMaskSeed(b: Uint8Array, roundId: string, clientId: string): Buffer {
  return deriveKey(b, 'self-mask', roundId, [clientId]);
}

/** A fresh random b_u. */
export function randomSeed(): Buffer {
  return randomBytes(keyBytes);
}

/**
 * +1 when self adds the pairwise mask and −1 when it subtracts it: the larger id (UTF-16 code-unit order)
 * adds, as Flower's `nid > neighbor_nid`, so the pair cancels in the sum.
 */
export function pairwiseSign(self: string, peer: string): 1 | -1 {
  if (self === peer) throw new AppError('SECAGG_BAD_MESSAGE', 'Invalid secure aggregation message', `Client ${self} cannot share a mask with itself.`);
  return self > peer ? 1 : -1;
}

let zeros = Buffer.alloc(0);

/** `length` uniform uint32 values from a 32-byte seed (AES-256-CTR keystream, zero IV: each seed is used once). */
export function expandMask(seed: Uint8Array, length: number): Uint32Array {
  if (seed.length !== keyBytes) throw keyError(`A mask seed is ${keyBytes} bytes, got ${seed.length}.`);
  const bytes = length * 4;
  if (zeros.length < bytes) zeros = Buffer.alloc(bytes);
  const cipher = createCipheriv('aes-256-ctr', seed, Buffer.alloc(16));
  let out = cipher.update(zeros.subarray(0, bytes));
  if (out.byteOffset % 4 !== 0) out = Buffer.from(out);
  if (!littleEndian) out.swap32();
  return new Uint32Array(out.buffer, out.byteOffset, length);
}

const nonceBytes = 12;
const tagBytes = 16;

/** AES-256-GCM: nonce (12) ‖ ciphertext ‖ tag (16), with `aad` authenticated. */
export function seal(key: Uint8Array, plaintext: Uint8Array, aad: string): Buffer {
  const nonce = randomBytes(nonceBytes);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

/** The inverse of seal; throws SECAGG_DECRYPT when the ciphertext, key or aad do not match. */
export function open(key: Uint8Array, sealed: Uint8Array, aad: string): Buffer {
  const fail = (why: string) => new AppError('SECAGG_DECRYPT', 'Encrypted shares could not be read', why);
  if (sealed.length < nonceBytes + tagBytes) throw fail(`The ciphertext is ${sealed.length} bytes, shorter than its nonce and tag.`);
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, nonceBytes));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(sealed.subarray(sealed.length - tagBytes));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(nonceBytes, sealed.length - tagBytes)), decipher.final()]);
  } catch {
    throw fail('The ciphertext failed authentication: it was altered, or it was not meant for this client and round.');
  }
}
