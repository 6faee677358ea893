// Enrolment by one-time token, as both sides see it. The token (one string, or a file provisioning
// writes) names the enrolment listener, a login that exists only for this token, a secret the
// console checks, and the SHA-256 fingerprints of the console's key and of the broker CA: the device
// trusts nothing the broker says. It publishes its request on its token's own topic; the console
// answers with the device's certificate, signed by the key whose fingerprint the token carries.
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../error-data.js';
import { canonicalJson } from '../canonical-json.js';
import { errorDataSchema } from '../messages.js';
import { deviceIdPattern, topicRoot } from './topics.js';

export const enrolVersion = 1 as const;
const tokenPrefix = 'eft1.';

/**
 * Token ids are broker usernames and one topic level: the "_" keeps them out of device ids
 * (deviceIdPattern has none) and they hold no "+", "#" or "/" for Mosquitto's %u.
 */
export const tokenIdPattern = /^enrol_[a-f0-9]{24}$/;

const hex64 = z.string().regex(/^[a-f0-9]{64}$/);

export const enrolTokenSchema = z.object({
  v: z.literal(enrolVersion),
  /** The enrolment listener, mqtts://host:port. */
  url: z.string().regex(/^mqtts:\/\/[^/\s]+$/),
  id: z.string().regex(tokenIdPattern),
  /** The broker login's password. */
  pw: z.string().min(32).max(128),
  /** The second secret; the console keeps only its hash. */
  secret: z.string().min(32).max(128),
  /** SHA-256 of the console's ed25519 public key (SPKI DER), hex. */
  consoleKey: hex64,
  /** SHA-256 of the broker CA certificate (DER), hex. */
  ca: hex64,
});
export type EnrolToken = z.infer<typeof enrolTokenSchema>;

export function encodeEnrolToken(t: EnrolToken): string {
  return tokenPrefix + Buffer.from(JSON.stringify(enrolTokenSchema.parse(t)), 'utf8').toString('base64url');
}

export function decodeEnrolToken(text: string): EnrolToken {
  const s = text.trim();
  const bad = (why: string) =>
    new AppError('ENROL_TOKEN_INVALID', 'Not an enrolment token', `${why}. An enrolment token starts with "${tokenPrefix}" and is printed whole by \`edgefleet broker enrol-token\` (or written as a file with --out); give it to --enrol as it is, or as @FILE.`);
  if (!s.startsWith(tokenPrefix)) throw bad(`The text given does not start with "${tokenPrefix}"`);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(s.slice(tokenPrefix.length), 'base64url').toString('utf8'));
  } catch {
    throw bad('Its contents are not readable (cut short or mistyped?)');
  }
  const parsed = enrolTokenSchema.safeParse(json);
  if (!parsed.success) throw bad(`It does not hold ${parsed.error.issues.map((i) => i.path.join('.') || 'its fields').join(', ')} as expected`);
  return parsed.data;
}

export function enrolTopics(tokenId: string): { req: string; res: string } {
  if (!tokenIdPattern.test(tokenId)) throw new TypeError(`"${tokenId}" is not an enrolment token id`);
  return { req: `${topicRoot}/enrol/${tokenId}/req`, res: `${topicRoot}/enrol/${tokenId}/res` };
}

export const enrolRequestsFilter = `${topicRoot}/enrol/+/req`;

/** The token id of an enrolment request topic; null for anything else. */
export function parseEnrolRequestTopic(topic: string): string | null {
  const parts = topic.split('/');
  if (parts.length !== 5 || `${parts[0]}/${parts[1]}` !== topicRoot || parts[2] !== 'enrol' || parts[4] !== 'req' || !tokenIdPattern.test(parts[3])) return null;
  return parts[3];
}

export const enrolRequestSchema = z.object({
  v: z.literal(enrolVersion),
  /** Random per request: the answer must name it. */
  id: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  token: z.string().regex(tokenIdPattern),
  secret: z.string().min(32).max(128),
  deviceId: z.string().regex(deviceIdPattern),
  /** PEM PKCS#10 request for the device's own EC P-256 key (CN = deviceId). */
  csr: z.string().min(64).max(8192),
  /** What `pair` would give the console: the bearer token for the HTTPS API and the device's TLS certificate fingerprint. */
  pairToken: z.string().min(16).max(128),
  certFingerprint: hex64,
  /** The device's `info` and `status`, for its inventory row (checked by the console with the message model's schemas). */
  info: z.unknown(),
  status: z.unknown(),
});
export type EnrolRequest = z.infer<typeof enrolRequestSchema>;

const grantSchema = z.object({
  v: z.literal(enrolVersion),
  id: z.string(),
  token: z.string(),
  ok: z.literal(true),
  deviceId: z.string().regex(deviceIdPattern),
  /** The device's certificate (CN = deviceId) and the CA that issued it, PEM. */
  cert: z.string(),
  ca: z.string(),
  /** The device listener. */
  url: z.string().regex(/^mqtts:\/\/[^/\s]+$/),
  consoleName: z.string().max(200),
  consolePublicKey: z.string(),
  sig: z.string().max(200),
});
const refusalSchema = z.object({
  v: z.literal(enrolVersion),
  id: z.string(),
  token: z.string(),
  ok: z.literal(false),
  error: errorDataSchema,
  consolePublicKey: z.string(),
  sig: z.string().max(200),
});
export const enrolAnswerSchema = z.discriminatedUnion('ok', [grantSchema, refusalSchema]);
export type EnrolAnswer = z.infer<typeof enrolAnswerSchema>;
export type EnrolGrant = z.infer<typeof grantSchema>;

/** SHA-256 of an ed25519 public key's SPKI DER, hex: what the token pins. */
export function keyFingerprint(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');
}

function signedBytes(answer: Omit<EnrolAnswer, 'sig'> & { sig?: string }): Buffer {
  const { sig: _sig, ...rest } = answer;
  return Buffer.from(canonicalJson(rest), 'utf8');
}

export function signEnrolAnswer<T extends Omit<EnrolAnswer, 'sig'>>(privateKey: KeyObject, answer: T): T & { sig: string } {
  return { ...answer, sig: sign(null, signedBytes(answer), privateKey).toString('base64') };
}

/** True when the answer is signed by its consolePublicKey and that key is the one the token pins. */
export function verifyEnrolAnswer(answer: EnrolAnswer, consoleKeyFingerprint: string): boolean {
  try {
    const key = createPublicKey(answer.consolePublicKey);
    if (key.asymmetricKeyType !== 'ed25519' || keyFingerprint(key) !== consoleKeyFingerprint) return false;
    return verify(null, signedBytes(answer), key, Buffer.from(answer.sig, 'base64'));
  } catch {
    return false;
  }
}
