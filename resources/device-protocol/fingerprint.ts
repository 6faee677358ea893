import { createHash, X509Certificate } from 'node:crypto';

export { fingerprintMatches, isFingerprintInput, normalizeFingerprint, shortFingerprint } from './fingerprint-text.js';

/** SHA-256 of a certificate's DER bytes, lowercase hex: the value a console pins at pairing. */
export function certFingerprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

export function pemFingerprint(pem: string): string {
  return certFingerprint(new X509Certificate(pem).raw);
}
