// What travels on the MQTT topics: today's message model in a small envelope. A request names its
// device, the topic to answer on and a deadline, and is signed by the console's key over all of it,
// so neither a broker nor anyone its ACL lets in can command a device, redirect its answers or
// replay a request after its deadline. Answers are the model's responses or its errors as data;
// progress frames tell the console a long operation is still running.
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../canonical-json.js';
import { errorDataSchema } from '../messages.js';
import { deviceIdPattern } from './topics.js';

export const envelopeVersion = 1;
/** How far ahead a request's deadline may be: the device remembers every request id until its deadline. */
export const maxDeadlineAheadMs = 60 * 60_000;
/** Clocks of consoles and boards disagree; a deadline this far in the past still counts as now. */
export const clockSkewMs = 5 * 60_000;
/** Largest MQTT packet either side takes (an upload chunk of 64 KiB is about 88 KB in base64). */
export const maxPacketBytes = 1024 * 1024;

export const requestIdPattern = /^[A-Za-z0-9_-]{16,64}$/;

export const requestEnvelopeSchema = z.object({
  v: z.literal(envelopeVersion),
  id: z.string().regex(requestIdPattern, '16–64 of A-Z, a-z, 0-9, "_" and "-"'),
  op: z.string().min(1).max(64),
  dev: z.string().regex(deviceIdPattern),
  /** The topic the device answers on; signed, so a replayed request cannot be answered elsewhere. */
  reply: z.string().min(1).max(256),
  /** Epoch milliseconds after which the device must not run the request. */
  deadline: z.number().int().positive(),
  req: z.unknown(),
  /** base64 ed25519 signature over canonicalJson of every other field; only `pair` goes unsigned. */
  sig: z.string().max(200).optional(),
});
export type RequestEnvelope = z.infer<typeof requestEnvelopeSchema>;
export type UnsignedRequest = Omit<RequestEnvelope, 'sig'>;

export const responseEnvelopeSchema = z.union([
  z.object({ v: z.literal(envelopeVersion), id: z.string(), ok: z.literal(true), res: z.unknown() }),
  z.object({ v: z.literal(envelopeVersion), id: z.string(), ok: z.literal(false), error: errorDataSchema }),
  /** The operation is still running (sent every few seconds): the console's timer measures silence, not wall time. */
  z.object({ v: z.literal(envelopeVersion), id: z.string(), progress: z.object({ elapsedMs: z.number().nonnegative() }) }),
]);
export type ResponseEnvelope = z.infer<typeof responseEnvelopeSchema>;

export const presenceSchema = z.object({
  online: z.boolean(),
  /** One per connection: an "offline" will from an older session must not hide a newer online. */
  session: z.string().min(1).max(64),
  at: z.string(),
  agentVersion: z.string().optional(),
});
export type Presence = z.infer<typeof presenceSchema>;

function signedBytes(env: UnsignedRequest): Buffer {
  const { v, id, op, dev, reply, deadline, req } = env;
  return Buffer.from(canonicalJson({ v, id, op, dev, reply, deadline, req: req ?? null }), 'utf8');
}

export function signRequest(privateKey: KeyObject | string, env: UnsignedRequest): RequestEnvelope {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  return { ...env, sig: sign(null, signedBytes(env), key).toString('base64') };
}

/** True when the envelope carries a valid signature by this public key (PEM or KeyObject). */
export function verifyRequest(publicKey: KeyObject | string, env: RequestEnvelope): boolean {
  if (!env.sig) return false;
  try {
    const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return verify(null, signedBytes(env), key, Buffer.from(env.sig, 'base64'));
  } catch {
    return false;
  }
}
