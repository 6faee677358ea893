// A device's signed report of what it runs, for results that travel back without a network (Uptane's
// ECU version report): what is installed where, the release counter, the latest time it can vouch for,
// a hash-chained log of its own events, and the console's nonce, signed with the device's TLS key so the
// console that pinned that key at pairing (and whoever trusts that console) can check it came from it.
import { createHash, createPublicKey, sign, verify } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from './canonical-json.js';
import { pemFingerprint } from './fingerprint.js';

/** The info capability of a device that answers the `report` operation. */
export const reportCapability = 'report-v1';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');

export const deviceEventSchema = z.object({
  seq: z.number().int().min(1).describe('1 for the first event this device logged, +1 each.'),
  at: z.string().describe('Device clock, ISO 8601.'),
  kind: z.string().describe('What happened (trial, confirmed, reverted, rolled-back, ...).'),
  detail: z.string(),
  prev: z.string().describe('hash of the event before (64 zeros for the first).'),
  hash: sha256Hex.describe('sha256 of prev + canonical JSON of {seq, at, kind, detail}.'),
});
export type DeviceLogEvent = z.infer<typeof deviceEventSchema>;

const installedSchema = z.object({ name: z.string(), version: z.string(), sha256: sha256Hex, release: z.number().int().optional() }).nullable();

export const deviceReportSchema = z.object({
  format: z.literal('edgefleet-device-report-1'),
  deviceId: z.string(),
  nonce: z.string().describe('The nonce of the report request, echoed.'),
  seq: z.number().int().min(1).describe('Reports this device has made, this one included (persisted).'),
  at: z.string().describe('Device clock when the report was made.'),
  latestVerifiedTime: z.string().nullable().describe('The newest signed time the device has checked (the created time of the newest manifest it accepted).'),
  release: z.number().int().describe('Highest release counter accepted.'),
  active: installedSchema,
  previous: installedSchema,
  trial: z.boolean(),
  slots: z.object({ a: installedSchema, b: installedSchema }),
  events: z.array(deviceEventSchema).max(500).describe('The newest events, oldest first; each links to the one before by prev.'),
});
export type DeviceReport = z.infer<typeof deviceReportSchema>;

export const signedReportSchema = z.object({
  report: deviceReportSchema,
  /** base64 signature (ECDSA P-256 with SHA-256, DER) over the canonical JSON of `report`. */
  signature: z.string().min(1).max(1024),
  /** The device's TLS certificate (PEM): its sha256 is the fingerprint the console pinned. */
  certPem: z.string().min(1).max(16_000),
});
export type SignedReport = z.infer<typeof signedReportSchema>;

export const zeroHash = '0'.repeat(64);

export function eventHash(prev: string, e: Pick<DeviceLogEvent, 'seq' | 'at' | 'kind' | 'detail'>): string {
  return createHash('sha256').update(prev).update(canonicalJson({ seq: e.seq, at: e.at, kind: e.kind, detail: e.detail })).digest('hex');
}

export function signReport(report: DeviceReport, keyPem: string, certPem: string): SignedReport {
  return { report, signature: sign('sha256', Buffer.from(canonicalJson(report)), keyPem).toString('base64'), certPem };
}

/** Problems with a signed report, empty when it is sound: signature, pinned certificate, event chain. */
export function checkSignedReport(r: SignedReport, expect: { certFingerprint: string; deviceId?: string; nonce?: string }): string[] {
  const problems: string[] = [];
  let fp: string;
  try {
    fp = pemFingerprint(r.certPem);
  } catch {
    return ['the certificate is not readable'];
  }
  if (fp !== expect.certFingerprint.toLowerCase()) problems.push(`the certificate (${fp.slice(0, 16)}…) is not the one pinned at pairing (${expect.certFingerprint.slice(0, 16)}…)`);
  const ok = verify('sha256', Buffer.from(canonicalJson(r.report)), createPublicKey(r.certPem), Buffer.from(r.signature, 'base64'));
  if (!ok) problems.push('the signature does not verify with the device certificate');
  if (expect.deviceId && r.report.deviceId !== expect.deviceId) problems.push(`it is for device ${r.report.deviceId}, not ${expect.deviceId}`);
  if (expect.nonce && r.report.nonce !== expect.nonce) problems.push('it answers another request (nonce)');
  const ev = r.report.events;
  for (let i = 0; i < ev.length; i++) {
    if (i > 0 && (ev[i].prev !== ev[i - 1].hash || ev[i].seq !== ev[i - 1].seq + 1)) problems.push(`event ${ev[i].seq} does not follow event ${ev[i - 1].seq}`);
    if (eventHash(ev[i].prev, ev[i]) !== ev[i].hash) problems.push(`event ${ev[i].seq} was changed after it was logged`);
  }
  return problems;
}
