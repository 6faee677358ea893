// Every message a device sees or sends, as the zod schemas that validate it, in the form the serial
// wire carries it (upload-chunk's bytes travel in the message's binary part, not in its JSON).
import { z } from 'zod';
import { manifestSchema, signedManifestSchema } from '../../resources/device-protocol/manifest.js';
import {
  deviceOps,
  deviceOpNames,
  deviceStatusSchema,
  errorDataSchema,
  healthReportSchema,
  slotInfoSchema,
  telemetrySummarySchema,
  trialSchema,
  uploadStatusSchema,
  type DeviceOp,
} from '../../resources/device-protocol/messages.js';
import { profileResultSchema } from './profile-result-schema.js';

export interface WireMessage {
  /** File stem and example tag: `status.response` → reference/status.response.schema.json, ```json example=status.response. */
  name: string;
  title: string;
  description: string;
  schema: z.ZodType;
}

/** What each operation does, for the firmware author (the first line of its section in MESSAGES.md). */
export const opSummaries: Record<DeviceOp, string> = {
  pair: 'Trades the one-time pairing code for a token, and pins the console key that every manifest must verify with. The only request without a token.',
  info: 'What the device is.',
  status: 'Slots, trial, staged upload and last health check.',
  telemetry: 'A summary made now, and the most recent ones.',
  'upload-begin': 'Starts, or resumes, the upload of a signed artifact: answers the durable offset to send from. Refuses a manifest whose signature does not verify.',
  'upload-chunk': "The next bytes of the artifact. Serial: `req` is `{offset}` and the bytes are the message's binary part (HTTPS: the request body).",
  'upload-status': 'The staged upload, to resume from its offset.',
  'upload-fetch': 'upload-begin, then the device fetches the artifact itself from `url` (HTTP Range from its durable offset). Only the MQTT console sends it; a serial device may answer NOT_FOUND.',
  activate: 'Installs the complete upload in the inactive slot, health-checks it, and runs it on trial (outcome trial) or goes back (outcome reverted).',
  confirm: 'Ends the trial: the model on trial stays.',
  rollback: 'During a trial: reverts it. Otherwise: back to the previous slot (the two swap).',
  profile: 'A layer-by-layer profile of the active model.',
  energy: 'Energy per inference of a candidate (the active model, or the staged upload) against its baseline (the previous model, or the active one): an idle block, interleaved load blocks in ABBA order, an idle block; totals only. Devices whose info lists energy-compare1; others answer NOT_FOUND, boards without a counter ENERGY_UNAVAILABLE.',
  report: 'A report of what the device runs (slots, release counter, its hash-chained event log), signed with its TLS key and echoing the nonce; devices whose info lists report-v1. Others answer NOT_FOUND.',
  'fl-train': 'Federated learning: trains the active model on the device\'s own windows (the latest heldOutFraction held out) and answers the losses and, unless secure, the trained parameters. Answers when training ends. Devices whose info lists fl-train1; others answer FL_NO_DATA or NOT_FOUND.',
  'fl-secagg': 'One SecAgg+ stage (setup, share-keys, masked-input, unmask) of a secure fl-train round: the device\'s SecAgg+ client answers it; masked-input masks the update fl-train kept.',
  'fl-evaluate': 'The held-out loss of a candidate model (flattened parameters in the active model\'s layout) and of the active model.',
};

/** Shapes that appear in several messages: titled in the JSON Schemas, tabled once in MESSAGES.md. */
export const sharedShapes: { title: string; schema: z.ZodType }[] = [
  { title: 'DeviceStatus', schema: deviceStatusSchema },
  { title: 'SlotInfo', schema: slotInfoSchema },
  { title: 'Trial', schema: trialSchema },
  { title: 'HealthReport', schema: healthReportSchema },
  { title: 'UploadStatus', schema: uploadStatusSchema },
  { title: 'SignedManifest', schema: signedManifestSchema },
  { title: 'Manifest', schema: manifestSchema },
  { title: 'TelemetrySummary', schema: telemetrySummarySchema },
];

/** Descriptions for fields whose schemas live in a file the reference does not own (manifest.ts). */
export const extraDescriptions = new Map<z.ZodType, string>([
  [manifestSchema.shape.name, 'Model name, for people.'],
  [manifestSchema.shape.version, 'Model version, for people.'],
  [manifestSchema.shape.sha256, "SHA-256 of the artifact's bytes, lowercase hex: the device checks the bytes it stores against it."],
  [manifestSchema.shape.size, "The artifact's size in bytes."],
  [manifestSchema.shape.created, 'When the console signed it: ISO 8601 with Z or an offset (2025-01-15T09:30:00.000Z).'],
  [manifestSchema.shape.release, 'Release counter, one higher for every manifest the console signs: refuse one at or below the highest accepted (absent: 0, accepted only while the counter is 0).'],
  [manifestSchema.shape.downgrade, 'A downgrade signed for one device only: refuse it unless deviceId is this device.'],
  [signedManifestSchema.shape.signature, 'Base64 (RFC 4648, padded, 88 characters) of the 64-byte ed25519 signature of the canonical JSON of manifest; empty means unsigned, which a device refuses.'],
]);

const requestEnvelope = z
  .object({
    op: z.enum(deviceOpNames as [DeviceOp, ...DeviceOp[]]).describe('The operation.'),
    token: z.string().optional().describe('The token pair answered; every operation but pair needs it (else UNAUTHORIZED).'),
    req: z.record(z.string(), z.unknown()).describe("The operation's request object ({} when it takes none)."),
  })
  .describe('The JSON of a request message (kind 1).');

function wireRequest(op: DeviceOp): z.ZodType {
  return op === 'upload-chunk' ? deviceOps['upload-chunk'].request.omit({ data: true }) : deviceOps[op].request;
}

function wireResponse(op: DeviceOp): z.ZodType {
  return op === 'profile' ? profileResultSchema : deviceOps[op].response;
}

export function wireMessages(): WireMessage[] {
  const out: WireMessage[] = [
    { name: 'envelope.request', title: 'Request message', description: 'The JSON of every request message (kind 1): the operation, the token, and the request.', schema: requestEnvelope },
    { name: 'error', title: 'Error message', description: 'The JSON of an error message (kind 3), the answer to a request that failed.', schema: errorDataSchema },
  ];
  for (const op of deviceOpNames) {
    out.push({ name: `${op}.request`, title: `${op} request`, description: `The req object of ${op}. ${opSummaries[op]}`, schema: wireRequest(op) });
    out.push({ name: `${op}.response`, title: `${op} response`, description: `The JSON of ${op}'s response message (kind 2).`, schema: wireResponse(op) });
  }
  return out;
}
