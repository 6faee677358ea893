// Certificate fingerprints as people read, type and compare them. No Node imports: the renderer uses
// these too (fingerprint.ts re-exports them next to the hashing).

/** Hex digits in the short form: 64 bits, enough that nobody makes a certificate to match it by chance. */
export const shortFingerprintDigits = 16;

/** Accepts "AB:CD:…" (OpenSSL style), "3F2A 9C1B …" (the short form) or plain hex, in any case. */
export function normalizeFingerprint(value: string): string {
  return value.replace(/[\s:]/g, '').toLowerCase();
}

/** The short form shown next to the pairing code: the first 16 hex digits of the SHA-256, in groups of 4. */
export function shortFingerprint(fingerprint: string): string {
  const hex = normalizeFingerprint(fingerprint).slice(0, shortFingerprintDigits).toUpperCase();
  return hex.replace(/(.{4})(?=.)/g, '$1 ');
}

/** Whether a fingerprint someone typed is one: the short form or the full SHA-256 (64 hex digits). */
export function isFingerprintInput(value: string): boolean {
  const hex = normalizeFingerprint(value);
  return /^[0-9a-f]+$/.test(hex) && (hex.length === shortFingerprintDigits || hex.length === 64);
}

/** Whether the fingerprint someone gave (short or full) names the certificate with SHA-256 `actual`. */
export function fingerprintMatches(given: string, actual: string): boolean {
  const want = normalizeFingerprint(given);
  const got = normalizeFingerprint(actual);
  return isFingerprintInput(want) && got.length === 64 && (want.length === 64 ? got === want : got.startsWith(want));
}
