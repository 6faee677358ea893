// The enrolment token's format, its ids, the signed answer, token lifetimes, and the Mosquitto
// password hash (byte for byte what mosquitto_passwd 2.0.11 wrote for a known salt).
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/api/errors.js';
import { parseTtl } from '../../electron/core/mqtt-broker/enrol-tokens.js';
import { passwdHash, passwdMatches } from '../../electron/core/mqtt-broker/mosquitto-passwd.js';
import { decodeEnrolToken, encodeEnrolToken, enrolTopics, keyFingerprint, signEnrolAnswer, tokenIdPattern, verifyEnrolAnswer, type EnrolToken } from '../../resources/device-protocol/mqtt/enrol.js';
import { isTopicId } from '../../resources/device-protocol/mqtt/topics.js';

const token: EnrolToken = {
  v: 1,
  url: 'mqtts://broker.site.example:8885',
  id: 'enrol_0123456789abcdef01234567',
  pw: 'p'.repeat(43),
  secret: 's'.repeat(43),
  consoleKey: 'a'.repeat(64),
  ca: 'b'.repeat(64),
};

function refused(text: string): AppError {
  try {
    decodeEnrolToken(text);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('accepted');
}

describe('enrolment token', () => {
  it('is one string that decodes to what was encoded, with whitespace around it ignored', () => {
    const text = encodeEnrolToken(token);
    expect(text).toMatch(/^eft1\.[A-Za-z0-9_-]+$/);
    expect(decodeEnrolToken(`  ${text}\n`)).toEqual(token);
  });

  it.each([
    ['another prefix', (t: string) => t.replace('eft1.', 'eft2.')],
    ['cut short', (t: string) => t.slice(0, t.length - 12)],
    ['no prefix', (t: string) => t.slice(5)],
    ['a wrong field', () => `eft1.${Buffer.from(JSON.stringify({ ...token, url: 'mqtt://plain:1883' })).toString('base64url')}`],
    ['a device id as token id', () => `eft1.${Buffer.from(JSON.stringify({ ...token, id: 'ef-1234' })).toString('base64url')}`],
  ])('refuses a token with %s, saying what a token looks like', (_what, mangle) => {
    const e = refused(mangle(encodeEnrolToken(token)));
    expect(e.code).toBe('ENROL_TOKEN_INVALID');
    expect(e.detail).toContain('edgefleet broker enrol-token');
  });

  it('ids are never device ids and hold nothing Mosquitto substitutes into more than one level', () => {
    expect(tokenIdPattern.test(token.id)).toBe(true);
    expect(isTopicId(token.id)).toBe(false);
    expect(token.id).not.toMatch(/[+#/]/);
    expect(enrolTopics(token.id)).toEqual({ req: `ef/v1/enrol/${token.id}/req`, res: `ef/v1/enrol/${token.id}/res` });
    expect(() => enrolTopics('ef-1234')).toThrow();
  });
});

describe('signed answers', () => {
  const consoleKey = generateKeyPairSync('ed25519');
  const pem = consoleKey.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const fp = keyFingerprint(pem);
  const refusal = { v: 1 as const, id: 'r'.repeat(22), token: token.id, ok: false as const, error: { code: 'X', title: 'T', detail: 'D' }, consolePublicKey: pem };

  it('verify by the pinned key only, and not once a field changed', () => {
    const signed = signEnrolAnswer(consoleKey.privateKey, refusal);
    expect(verifyEnrolAnswer(signed, fp)).toBe(true);
    expect(verifyEnrolAnswer({ ...signed, id: 'x'.repeat(22) }, fp)).toBe(false);
    expect(verifyEnrolAnswer(signed, 'c'.repeat(64))).toBe(false);
    const other = generateKeyPairSync('ed25519');
    const otherPem = other.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(verifyEnrolAnswer(signEnrolAnswer(other.privateKey, { ...refusal, consolePublicKey: otherPem }), fp)).toBe(false);
    expect(verifyEnrolAnswer(signEnrolAnswer(other.privateKey, refusal), fp)).toBe(false);
  });
});

describe('token lifetime', () => {
  it('takes s, m, h and d from 1 s to 30 days', () => {
    expect(parseTtl('24h')).toBe(86_400_000);
    expect(parseTtl('90s')).toBe(90_000);
    expect(parseTtl('30d')).toBe(30 * 86_400_000);
  });

  it.each(['0s', '31d', '24', 'h', '1.5h', '-1h', ''])('refuses %j with a clear error', (text) => {
    expect(() => parseTtl(text)).toThrow(expect.objectContaining({ code: 'ENROL_BAD_TTL' }));
  });
});

describe('Mosquitto password hash', () => {
  // Written by `mosquitto_passwd -b FILE alice secret` (Debian's 2.0.11).
  const fromMosquitto = '$7$101$mu6q3btChZigOe94$BqvU4WfngCsXz/yiEKzEzhoHOYAH2bSIun2x4ycJMeupMKPW90YAN2XTZfbMkUL9rPbQYExrHBGOZQclXhLoAQ==';

  it('is what mosquitto_passwd writes for the same salt and iterations', () => {
    expect(passwdHash('secret', { iterations: 101, salt: Buffer.from('mu6q3btChZigOe94', 'base64') })).toBe(fromMosquitto);
    expect(passwdMatches('secret', fromMosquitto)).toBe(true);
    expect(passwdMatches('Secret', fromMosquitto)).toBe(false);
  });

  it('salts every hash anew, and each one checks', () => {
    const [a, b] = [passwdHash('pw'), passwdHash('pw')];
    expect(a).not.toBe(b);
    expect(a).toMatch(/^\$7\$1000\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);
    expect(passwdMatches('pw', a) && passwdMatches('pw', b)).toBe(true);
    expect(passwdMatches('pw', 'garbage')).toBe(false);
  });
});
