// Shamir secret sharing over the prime field 2^255 − 19, in BigInt. A secret of any length (32 bytes here:
// an X25519 private key or a self-mask seed) is cut into 31-byte chunks, each below the prime, and every
// chunk is shared with its own random polynomial of degree threshold − 1; share i is the polynomials'
// values at x = i. Any `threshold` shares give the secret back; fewer give a value independent of it.
import { randomBytes } from 'node:crypto';
import { AppError } from '../../api/errors.js';

export const fieldPrime = 2n ** 255n - 19n;
const chunkBytes = 31;
const elementBytes = 32;
/** Share indices are 1..maxShares (x = 0 is the secret). */
export const maxShares = 0xffff;

export interface ShamirShare {
  /** The evaluation point, 1..maxShares. */
  x: number;
  /** One field element per 31-byte chunk of the secret. */
  ys: bigint[];
  /** The secret's length in bytes. */
  secretLength: number;
}

function shamirError(code: string, detail: string): AppError {
  return new AppError(code, 'Secret sharing failed', detail);
}

const mod = (a: bigint): bigint => {
  const r = a % fieldPrime;
  return r < 0n ? r + fieldPrime : r;
};

/** a^−1 mod p by the extended Euclidean algorithm (a ≠ 0). */
function inverse(a: bigint): bigint {
  let [r0, r1] = [mod(a), fieldPrime];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0);
}

/** A uniform field element, by rejection from 255 random bits. */
function randomElement(random: (n: number) => Uint8Array): bigint {
  for (;;) {
    const b = random(elementBytes);
    b[elementBytes - 1] &= 0x7f;
    const v = bytesToBigInt(b);
    if (v < fieldPrime) return v;
  }
}

/** Little-endian bytes to an unsigned integer. */
function bytesToBigInt(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

function bigIntToBytes(v: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (v !== 0n) throw shamirError('SHAMIR_INVALID_SHARE', 'A reconstructed chunk does not fit its length: the shares do not belong to one secret.');
  return out;
}

function chunkLengths(secretLength: number): number[] {
  const out: number[] = [];
  for (let left = secretLength; left > 0; left -= chunkBytes) out.push(Math.min(chunkBytes, left));
  return out;
}

/** Splits a secret into `shares` shares, any `threshold` of which reconstruct it. */
export function splitSecret(secret: Uint8Array, shares: number, threshold: number, random: (n: number) => Uint8Array = randomBytes): ShamirShare[] {
  if (secret.length === 0 || secret.length > 0xffff) throw shamirError('SHAMIR_INVALID_SECRET', `A secret must be 1 to 65535 bytes, got ${secret.length}.`);
  if (!Number.isInteger(threshold) || threshold < 1) throw shamirError('SHAMIR_INVALID_THRESHOLD', `The threshold must be a positive integer, got ${threshold}.`);
  if (!Number.isInteger(shares) || shares < threshold || shares > maxShares) {
    throw shamirError('SHAMIR_INVALID_THRESHOLD', `The number of shares must be an integer from the threshold (${threshold}) to ${maxShares}, got ${shares}.`);
  }
  const lengths = chunkLengths(secret.length);
  // coefficients[c][k]: chunk c's polynomial, k = 0 being the chunk itself.
  const coefficients = lengths.map((len, c) => {
    const chunk = secret.subarray(c * chunkBytes, c * chunkBytes + len);
    const poly = [bytesToBigInt(chunk)];
    for (let k = 1; k < threshold; k++) poly.push(randomElement(random));
    return poly;
  });
  const out: ShamirShare[] = [];
  for (let x = 1; x <= shares; x++) {
    const bx = BigInt(x);
    const ys = coefficients.map((poly) => {
      let y = 0n;
      for (let k = poly.length - 1; k >= 0; k--) y = mod(y * bx + poly[k]);
      return y;
    });
    out.push({ x, ys, secretLength: secret.length });
  }
  return out;
}

/** Reconstructs a secret from at least `threshold` shares (the first `threshold` are used). */
export function combineShares(shares: readonly ShamirShare[], threshold: number): Uint8Array {
  if (!Number.isInteger(threshold) || threshold < 1) throw shamirError('SHAMIR_INVALID_THRESHOLD', `The threshold must be a positive integer, got ${threshold}.`);
  if (shares.length < threshold) throw shamirError('SHAMIR_TOO_FEW_SHARES', `${shares.length} shares were given, at least ${threshold} are needed.`);
  const seen = new Set<number>();
  for (const s of shares) {
    if (!Number.isInteger(s.x) || s.x < 1 || s.x > maxShares) throw shamirError('SHAMIR_INVALID_SHARE', `Share index ${s.x} is outside 1..${maxShares}.`);
    if (seen.has(s.x)) throw shamirError('SHAMIR_DUPLICATE_SHARE', `Share index ${s.x} appears twice: each share counts once.`);
    seen.add(s.x);
  }
  const { secretLength } = shares[0];
  const lengths = chunkLengths(secretLength);
  for (const s of shares) {
    if (s.secretLength !== secretLength || s.ys.length !== lengths.length || s.ys.some((y) => y < 0n || y >= fieldPrime)) {
      throw shamirError('SHAMIR_INVALID_SHARE', `Share ${s.x} does not match the others (length or values): the shares do not belong to one secret.`);
    }
  }
  const used = shares.slice(0, threshold);
  // Lagrange basis at 0: l_i = Π_{j≠i} x_j / (x_j − x_i).
  const basis = used.map((si, i) => {
    let num = 1n;
    let den = 1n;
    for (let j = 0; j < used.length; j++) {
      if (j === i) continue;
      num = mod(num * BigInt(used[j].x));
      den = mod(den * BigInt(used[j].x - si.x));
    }
    return mod(num * inverse(den));
  });
  const out = new Uint8Array(secretLength);
  lengths.forEach((len, c) => {
    let v = 0n;
    for (let i = 0; i < used.length; i++) v = mod(v + used[i].ys[c] * basis[i]);
    out.set(bigIntToBytes(v, len), c * chunkBytes);
  });
  return out;
}

/** A share as bytes: x (uint16 BE), secret length (uint16 BE), then 32 bytes little-endian per chunk. */
export function encodeShare(share: ShamirShare): Uint8Array {
  const out = new Uint8Array(4 + elementBytes * share.ys.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, share.x);
  view.setUint16(2, share.secretLength);
  share.ys.forEach((y, c) => out.set(bigIntToBytes(y, elementBytes), 4 + c * elementBytes));
  return out;
}

/** The inverse of encodeShare; throws SHAMIR_INVALID_SHARE on a malformed one. */
export function decodeShare(bytes: Uint8Array): ShamirShare {
  const bad = (why: string) => shamirError('SHAMIR_INVALID_SHARE', `A share could not be read: ${why}.`);
  if (bytes.length < 4) throw bad('it is shorter than its header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const x = view.getUint16(0);
  const secretLength = view.getUint16(2);
  const chunks = chunkLengths(secretLength).length;
  if (x === 0) throw bad('its index is 0');
  if (secretLength === 0 || bytes.length !== 4 + chunks * elementBytes) throw bad(`${bytes.length} bytes do not fit a ${secretLength}-byte secret`);
  const ys: bigint[] = [];
  for (let c = 0; c < chunks; c++) {
    const y = bytesToBigInt(bytes.subarray(4 + c * elementBytes, 4 + (c + 1) * elementBytes));
    if (y >= fieldPrime) throw bad('a value lies outside the field');
    ys.push(y);
  }
  return { x, ys, secretLength };
}
