// Desired and reported state, the twin pattern: the console keeps, per device, the model it wants the
// device to run as a retained message on `state/desired`, with a version that only goes up. On every
// connect the device reads it and applies it when the version is newer than the one it last applied,
// so a device that was away for a week converges by itself. The document is signed by the console
// key like every request (the broker is only a carrier); the device reports what it did with each
// version in its status.
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../canonical-json.js';
import { signedManifestSchema } from '../manifest.js';
import { deviceIdPattern } from './topics.js';

export const desiredVersion = 1;

export const desiredActivateSchema = z
  .object({
    /** The trial confirms itself after this many healthy seconds: nobody is there to confirm it. */
    healthyWindowSec: z.number().positive().max(7 * 24 * 3600),
    maxLatencyMs: z.number().positive().max(600_000).optional(),
    selfTestRuns: z.number().int().min(1).max(100).optional(),
  })
  .strict();

export const desiredModelSchema = z
  .object({
    signed: signedManifestSchema,
    /** Where the device pulls the artifact (content-addressed, checked by signature and sha256); absent when only the console can upload it. */
    url: z.string().min(8).max(2048).regex(/^https?:\/\//, 'an http:// or https:// URL').optional(),
    activate: desiredActivateSchema,
  })
  .strict();

export const desiredStateSchema = z
  .object({
    v: z.literal(desiredVersion),
    dev: z.string().regex(deviceIdPattern),
    /** Goes up by one with every change; the device applies only a version above the last it applied. */
    version: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    at: z.string().max(64),
    /** The model to run; null: the console wants nothing in particular (a rollback cleared it). */
    model: desiredModelSchema.nullable(),
    /** Who set it, for people reading the device's report: "rollout r-…", "operator". */
    source: z.string().max(200),
    sig: z.string().max(200),
  })
  .strict();
export type DesiredState = z.infer<typeof desiredStateSchema>;
export type UnsignedDesiredState = Omit<DesiredState, 'sig'>;
export type DesiredModel = z.infer<typeof desiredModelSchema>;

/** What the device did with a desired version. */
export const desiredOutcomes = [
  /** Nothing to change: it already ran the model, or the document asks for none. */
  'in-sync',
  /** Pulled and activated; on trial until its healthy window passes (then it confirms itself). */
  'trial',
  /** Activated, failed its health check, and went back to the previous model. */
  'reverted',
  /** Refused for good (signature, release counter, hash): a new version is needed. */
  'refused',
  /** Could not be applied yet (no URL, the artifact server unreachable); tried again later. */
  'pending',
] as const;
export type DesiredOutcome = (typeof desiredOutcomes)[number];

export const reportedDesiredSchema = z.object({
  version: z.number().int().nonnegative(),
  outcome: z.enum(desiredOutcomes),
  sha256: z.string().nullable(),
  detail: z.string().max(2000).nullable(),
  at: z.string(),
});
export type ReportedDesired = z.infer<typeof reportedDesiredSchema>;

function signedBytes(doc: UnsignedDesiredState): Buffer {
  const { v, dev, version, at, model, source } = doc;
  return Buffer.from(canonicalJson({ v, dev, version, at, model, source }), 'utf8');
}

export function signDesiredState(privateKey: KeyObject | string, doc: UnsignedDesiredState): DesiredState {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  return { ...doc, sig: sign(null, signedBytes(doc), key).toString('base64') };
}

export function verifyDesiredState(publicKey: KeyObject | string, doc: DesiredState): boolean {
  try {
    const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return verify(null, signedBytes(doc), key, Buffer.from(doc.sig, 'base64'));
  } catch {
    return false;
  }
}
