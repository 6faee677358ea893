// The SecAgg+ wire protocol: four stages, each a request from the server to every client still in the
// round and a reply back. Every message is plain JSON (bytes as base64) carrying the protocol tag, the
// round, the client it is from or for, the stage and its kind, so it can travel over MQTT, HTTP or a
// file; signing it with the device key is the transport's business (see the server's `verify` option).
//
//   setup          request: the round's settings               reply: two X25519 public keys (mask, encryption)
//   share-keys     request: the neighbourhood's public keys     reply: per neighbour, AES-GCM-sealed shares of sk and b_u
//   masked-input   request: the sealed shares addressed to it   reply: the masked fixed-point update
//   unmask         request: which neighbours survived/dropped   reply: b_u shares of survivors, sk shares of the dropped
import { z } from 'zod';
import { AppError } from '../../api/errors.js';
import { describeIssues } from '../../../../resources/device-protocol/protocol-error.js';
import { endianness } from 'node:os';

export const secaggProtocol = 'secagg+';
export const secaggStages = ['setup', 'share-keys', 'masked-input', 'unmask'] as const;
export type SecAggStage = (typeof secaggStages)[number];

/** Largest update accepted: 2^26 parameters (256 MiB of uint32). */
export const maxParams = 2 ** 26;
const maxIdChars = 200;
const maxClients = 1023;

const titles = {
  SECAGG_CONFIG: 'Invalid secure aggregation settings',
  SECAGG_BAD_MESSAGE: 'Secure aggregation message rejected',
  SECAGG_WRONG_ROUND: 'Secure aggregation message for another round',
  SECAGG_UNKNOWN_CLIENT: 'Secure aggregation message from an unknown client',
  SECAGG_DUPLICATE: 'Secure aggregation message already received',
  SECAGG_LATE: 'Secure aggregation message too late',
  SECAGG_DROPPED: 'Secure aggregation client already dropped',
  SECAGG_OUT_OF_ORDER: 'Secure aggregation message out of order',
  SECAGG_UNVERIFIED: 'Secure aggregation message not verified',
  SECAGG_THRESHOLD: 'Secure aggregation round failed: too few clients',
  SECAGG_ROUND_OVER: 'Secure aggregation round is over',
  SECAGG_RECONSTRUCTION: 'Secure aggregation could not unmask the sum',
  SECAGG_REFUSED: 'Secure aggregation request refused',
} as const;
export type SecAggErrorCode = keyof typeof titles;

/** An AppError with the protocol's code and its title. */
export function secaggError(code: SecAggErrorCode, detail: string): AppError {
  return new AppError(code, titles[code], detail);
}

const id = z.string().min(1).max(maxIdChars);
const base64 = (maxChars: number) =>
  z
    .string()
    .max(maxChars)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const key = base64(64);
/** A sealed share pair: nonce + JSON of two encoded shares + tag, well under 1 KiB of base64. */
const ciphertext = base64(2048);
const share = base64(512);

export const roundConfigSchema = z.object({
  numClients: z.number().int().min(2).max(maxClients),
  /** The neighbourhood size (itself included) actually used. */
  numShares: z.number().int().min(2).max(maxClients),
  threshold: z.number().int().min(2).max(maxClients),
  paramCount: z.number().int().min(1).max(maxParams),
  clippingRange: z.number().positive().finite(),
  quantizationRange: z.number().int().positive(),
  modulusRange: z.number().int().positive().max(2 ** 32),
  maxWeight: z.number().positive().finite(),
});
export type RoundConfig = z.infer<typeof roundConfigSchema>;

const head = { protocol: z.literal(secaggProtocol), roundId: id, clientId: id };
const request = { ...head, kind: z.literal('request') };
const reply = { ...head, kind: z.literal('reply') };

export const setupRequestSchema = z.object({ ...request, stage: z.literal('setup'), config: roundConfigSchema });
export const shareKeysRequestSchema = z.object({
  ...request,
  stage: z.literal('share-keys'),
  /** The neighbourhood members that answered setup, the client itself included. */
  neighbours: z.array(z.object({ clientId: id, maskKey: key, encryptionKey: key })).max(maxClients),
});
export const maskedInputRequestSchema = z.object({
  ...request,
  stage: z.literal('masked-input'),
  /** Sealed shares from the neighbours that answered share-keys. */
  shares: z.array(z.object({ from: id, ciphertext })).max(maxClients),
});
export const unmaskRequestSchema = z.object({
  ...request,
  stage: z.literal('unmask'),
  /** Neighbours whose masked input arrived: the client sends shares of their b_u. */
  survivors: z.array(id).max(maxClients),
  /** Neighbours that shared keys but sent no masked input: the client sends shares of their mask key. */
  dropped: z.array(id).max(maxClients),
});
export const secaggRequestSchema = z.discriminatedUnion('stage', [setupRequestSchema, shareKeysRequestSchema, maskedInputRequestSchema, unmaskRequestSchema]);

export const setupReplySchema = z.object({ ...reply, stage: z.literal('setup'), maskKey: key, encryptionKey: key });
export const shareKeysReplySchema = z.object({ ...reply, stage: z.literal('share-keys'), shares: z.array(z.object({ to: id, ciphertext })).max(maxClients) });
export const maskedInputReplySchema = z.object({
  ...reply,
  stage: z.literal('masked-input'),
  /** (paramCount + 1) uint32, little-endian, base64: [weight, weighted params] plus masks, mod modulusRange. */
  // No regex here: on a vector's megabytes it costs more than the canonical-base64 check decodeVector makes anyway.
  masked: z.string().max(Math.ceil((4 * (maxParams + 1)) / 3) * 4),
});
export const unmaskReplySchema = z.object({
  ...reply,
  stage: z.literal('unmask'),
  selfMaskShares: z.array(z.object({ owner: id, share })).max(maxClients),
  keyShares: z.array(z.object({ owner: id, share })).max(maxClients),
});
export const secaggReplySchema = z.discriminatedUnion('stage', [setupReplySchema, shareKeysReplySchema, maskedInputReplySchema, unmaskReplySchema]);

export type SetupRequest = z.infer<typeof setupRequestSchema>;
export type ShareKeysRequest = z.infer<typeof shareKeysRequestSchema>;
export type MaskedInputRequest = z.infer<typeof maskedInputRequestSchema>;
export type UnmaskRequest = z.infer<typeof unmaskRequestSchema>;
export type SecAggRequest = z.infer<typeof secaggRequestSchema>;
export type SetupReply = z.infer<typeof setupReplySchema>;
export type ShareKeysReply = z.infer<typeof shareKeysReplySchema>;
export type MaskedInputReply = z.infer<typeof maskedInputReplySchema>;
export type UnmaskReply = z.infer<typeof unmaskReplySchema>;
export type SecAggReply = z.infer<typeof secaggReplySchema>;

/** Validates a message against a schema; a mismatch is SECAGG_BAD_MESSAGE naming the fields. */
export function parseMessage<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw secaggError('SECAGG_BAD_MESSAGE', `The ${what} does not match the SecAgg+ protocol: ${describeIssues(what, parsed.error.issues, raw, schema)}.`);
  }
  return parsed.data;
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Strict base64 to bytes: non-canonical text or a wrong length is SECAGG_BAD_MESSAGE. */
export function fromBase64(text: string, what: string, length?: number): Buffer {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) throw secaggError('SECAGG_BAD_MESSAGE', `The ${what} is not canonical base64.`);
  if (length !== undefined && bytes.length !== length) throw secaggError('SECAGG_BAD_MESSAGE', `The ${what} is ${bytes.length} bytes, expected ${length}.`);
  return bytes;
}

const littleEndian = endianness() === 'LE';

/** A uint32 vector as little-endian base64. */
export function encodeVector(v: Uint32Array): string {
  const bytes = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return (littleEndian ? bytes : Buffer.from(bytes).swap32()).toString('base64');
}

/** The inverse of encodeVector, for exactly `length` values each below `modulusRange`. */
export function decodeVector(text: string, length: number, modulusRange: number, what: string): Uint32Array {
  let bytes = fromBase64(text, what, 4 * length);
  if (bytes.byteOffset % 4 !== 0 || !littleEndian) bytes = Buffer.from(bytes);
  if (!littleEndian) bytes.swap32();
  const v = new Uint32Array(bytes.buffer, bytes.byteOffset, length);
  if (modulusRange < 2 ** 32) {
    for (let i = 0; i < v.length; i++) if (v[i] >= modulusRange) throw secaggError('SECAGG_BAD_MESSAGE', `The ${what} has value ${v[i]} at ${i}, outside the modulus ${modulusRange}.`);
  }
  return v;
}
