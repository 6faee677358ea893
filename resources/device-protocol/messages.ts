// Device operations as one message model, independent of the transport that carries them. HTTPS is
// one binding (see http/binding.ts); serial, MQTT or a signed bundle on a USB stick carry the same
// requests and responses later. Every request and response is validated with these schemas on both sides.
import { z } from 'zod';
import type { ProfileResult } from './profile-result.js';
import { manifestSchema, signedManifestSchema } from './manifest.js';
import { reportedDesiredSchema } from './mqtt/desired-state.js';

export { canonicalJson } from './canonical-json.js';
export { describeArtifact, manifestSchema, releaseOf, signManifest, signedManifestSchema, verifyManifest, type Manifest, type SignedManifest } from './manifest.js';

export const errorDataSchema = z.object({ code: z.string(), title: z.string(), detail: z.string() });

export const slotIdSchema = z.enum(['a', 'b']);
export type SlotId = z.infer<typeof slotIdSchema>;

export const slotInfoSchema = z.object({ slot: slotIdSchema, manifest: manifestSchema });
export type SlotInfo = z.infer<typeof slotInfoSchema>;

export const healthReportSchema = z.object({
  ok: z.boolean(),
  loaded: z.boolean(),
  finite: z.boolean(),
  runs: z.number().int(),
  /** Median self-test run (robust to one slow run on a busy device); null when the model did not run. */
  latencyMs: z.number().nullable(),
  maxLatencyMs: z.number(),
  reason: z.string().nullable(),
  checkedAt: z.string(),
});
export type HealthReport = z.infer<typeof healthReportSchema>;

export const trialSchema = z.object({
  slot: slotIdSchema,
  since: z.string(),
  healthyWindowSec: z.number(),
  /** When the trial confirms itself if the model stayed healthy. */
  deadline: z.string(),
});
export type TrialInfo = z.infer<typeof trialSchema>;

export const uploadStatusSchema = z.object({
  manifest: manifestSchema,
  /** Bytes durably stored: send the next chunk from here. */
  offset: z.number().int().nonnegative(),
  size: z.number().int().nonnegative(),
  /** All bytes received and the sha256 verified: ready to activate. */
  complete: z.boolean(),
});
export type UploadStatus = z.infer<typeof uploadStatusSchema>;

export const deviceStateSchema = z.enum(['empty', 'running', 'trial']);
export type DeviceState = z.infer<typeof deviceStateSchema>;

export const deviceStatusSchema = z.object({
  deviceId: z.string(),
  state: deviceStateSchema,
  active: slotInfoSchema.nullable(),
  previous: slotInfoSchema.nullable(),
  trial: trialSchema.nullable(),
  upload: uploadStatusSchema.nullable(),
  lastHealth: healthReportSchema.nullable(),
  /** What the device last did on its own (revert at start, auto-confirm), for the console's log. */
  lastEvent: z.object({ at: z.string(), kind: z.string(), detail: z.string() }).nullable(),
  /**
   * The highest release counter the device has accepted; the console signs every deploy above it.
   * Absent from agents before release counters, which take manifests without one (see manifest.ts).
   */
  release: z.number().int().nonnegative().optional(),
  /** What the device did with the console's desired state (MQTT binding; absent elsewhere and from older agents). */
  desired: reportedDesiredSchema.optional(),
});
export type DeviceStatus = z.infer<typeof deviceStatusSchema>;

/** What a board is (agents before this report leave it out of info). */
export const boardInfoSchema = z.object({
  /** The CPU by name; on arm64 derived from the implementer and part numbers, e.g. "ARM Cortex-A72". */
  cpu: z.string(),
  /** The board, from /proc/cpuinfo or the device tree ("Raspberry Pi 4 Model B Rev 1.1"); null when unknown. */
  model: z.string().nullable(),
  /** Instruction-set features inference kernels use: asimd (NEON), asimddp, i8mm, sve on arm64; avx2, avx512_vnni, amx_int8 on x86. */
  cpuFeatures: z.array(z.string()),
  os: z.object({ type: z.string(), release: z.string(), distro: z.string().nullable() }),
  onnxruntime: z.object({ version: z.string(), executionProviders: z.array(z.string()) }),
});
export type BoardInfo = z.infer<typeof boardInfoSchema>;

export const deviceInfoSchema = z.object({
  deviceId: z.string(),
  name: z.string(),
  agentVersion: z.string(),
  arch: z.string(),
  platform: z.string(),
  cpu: z.string(),
  cores: z.number().int(),
  totalMemoryBytes: z.number(),
  runtime: z.object({ name: z.string(), version: z.string() }),
  consoleName: z.string().nullable(),
  /** Loopback port of the local inference endpoint, null when serving over a unix socket. */
  servePort: z.number().int().nullable(),
  board: boardInfoSchema.optional(),
});
export type DeviceInfo = z.infer<typeof deviceInfoSchema>;

const latencySchema = z.object({ mean: z.number(), p50: z.number(), p95: z.number(), p99: z.number(), min: z.number(), max: z.number() });

export const telemetrySummarySchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  /** Seconds this summary covers (since the previous one). */
  windowSec: z.number(),
  requests: z.number().int(),
  errors: z.number().int(),
  windowRequests: z.number().int(),
  windowErrors: z.number().int(),
  /** Over the most recent requests (bounded), null before the first one. */
  latencyMs: latencySchema.nullable(),
  histogram: z.object({ boundsMs: z.array(z.number()), counts: z.array(z.number().int()) }),
  /** Max softmax probability of the first output, per request. */
  confidence: z.object({ mean: z.number(), p50: z.number(), min: z.number() }).nullable(),
  rssBytes: z.number(),
  cpuPercent: z.number(),
  loadAvg1: z.number(),
  temperatureC: z.number().nullable(),
  model: z.object({ name: z.string(), version: z.string() }).nullable(),
  state: deviceStateSchema,
});
export type TelemetrySummary = z.infer<typeof telemetrySummarySchema>;

const empty = z.object({}).strict();
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');

/**
 * One entry per operation: its request and its response. upload-chunk's `data` travels as raw bytes
 * where the transport can (the HTTPS body), as base64 where it cannot.
 */
export const deviceOps = {
  pair: {
    request: z.object({
      code: z.string().min(4).max(16),
      /** PEM (SPKI) of the console's ed25519 key; manifests must verify with it. */
      consolePublicKey: z.string().min(1).max(4000),
      consoleName: z.string().min(1).max(200),
    }),
    response: z.object({ deviceId: z.string(), token: z.string(), certFingerprint: z.string() }),
  },
  info: { request: empty, response: deviceInfoSchema },
  status: { request: empty, response: deviceStatusSchema },
  telemetry: {
    request: z.object({ limit: z.number().int().positive().max(10_000).optional() }),
    response: z.object({ current: telemetrySummarySchema, history: z.array(telemetrySummarySchema) }),
  },
  'upload-begin': { request: signedManifestSchema, response: uploadStatusSchema },
  'upload-chunk': {
    request: z.object({ offset: z.number().int().nonnegative(), data: z.instanceof(Uint8Array) }),
    response: uploadStatusSchema,
  },
  'upload-status': { request: empty, response: z.object({ upload: uploadStatusSchema.nullable() }) },
  /**
   * upload-begin, then the device pulls the artifact itself from `url` (HTTP or HTTPS, resuming with
   * a Range request from its durable offset) and checks the sha256 the signed manifest names. The
   * response is the upload's status once every byte is in, or the error that stopped it.
   */
  'upload-fetch': {
    request: z.object({ signed: signedManifestSchema, url: z.string().min(8).max(2048).regex(/^https?:\/\//, 'an http:// or https:// URL') }).strict(),
    response: uploadStatusSchema,
  },
  activate: {
    request: z.object({
      /** The trial confirms itself after this many healthy seconds; 0 waits for `confirm`. */
      healthyWindowSec: z.number().nonnegative().max(7 * 24 * 3600).default(0),
      /** Largest allowed median self-test run. */
      maxLatencyMs: z.number().positive().max(600_000).default(1000),
      selfTestRuns: z.number().int().min(1).max(100).default(5),
      /** Precondition: the staged artifact must be this one (a duplicate or late request cannot activate another). */
      expectStagedSha256: sha256Hex.optional(),
    }),
    response: z.object({ outcome: z.enum(['trial', 'reverted']), health: healthReportSchema, status: deviceStatusSchema }),
  },
  /** Preconditions: confirm only this trial model; roll back only from this active model. */
  confirm: { request: z.object({ expectTrialSha256: sha256Hex.optional() }).strict(), response: deviceStatusSchema },
  rollback: { request: z.object({ ifActiveSha256: sha256Hex.optional() }).strict(), response: deviceStatusSchema },
  profile: {
    request: z.object({
      runs: z.number().int().min(1).max(10_000).default(50),
      warmup: z.number().int().min(0).max(1000).default(5),
      threads: z.number().int().min(0).max(256).default(0),
    }),
    response: z.custom<ProfileResult>((v) => !!v && typeof v === 'object'),
  },
} as const;

/**
 * Operations of the MQTT binding itself, not of the device handler: they change the credentials the
 * binding connects with, so only a binding with a client certificate (mqtts) answers them. Rotation is
 * cert-request (the device makes a new key, keeps it pending, answers a CSR for its own id), then
 * cert-install (the device checks the certificate, connects with the new pair and answers only once
 * that connection is up; a refused pair puts it back on the old one).
 */
export const certOps = {
  'cert-request': {
    request: empty,
    response: z.object({
      csr: z.string().min(1).max(8000),
      /** The certificate the device connects with now: the console revokes this serial once the new one is in. */
      current: z.object({ serial: z.string().regex(/^[0-9a-f]{1,64}$/), notAfter: z.string() }).nullable(),
    }),
  },
  'cert-install': {
    request: z.object({ cert: z.string().min(1).max(16_000), ca: z.string().min(1).max(16_000) }).strict(),
    response: z.object({ serial: z.string(), notAfter: z.string(), previousSerial: z.string().nullable() }),
  },
} as const;

export type CertOp = keyof typeof certOps;
export type CertRequest<Op extends CertOp> = z.input<(typeof certOps)[Op]['request']>;
export type CertResponse<Op extends CertOp> = z.output<(typeof certOps)[Op]['response']>;

export function isCertOp(name: string): name is CertOp {
  return Object.prototype.hasOwnProperty.call(certOps, name);
}

export type DeviceOp = keyof typeof deviceOps;
export type DeviceRequest<Op extends DeviceOp> = z.input<(typeof deviceOps)[Op]['request']>;
export type DeviceRequestParsed<Op extends DeviceOp> = z.output<(typeof deviceOps)[Op]['request']>;
export type DeviceResponse<Op extends DeviceOp> = z.output<(typeof deviceOps)[Op]['response']>;

export const deviceOpNames = Object.keys(deviceOps) as DeviceOp[];

export function isDeviceOp(name: string): name is DeviceOp {
  return Object.prototype.hasOwnProperty.call(deviceOps, name);
}

/** Messages a device pushes on its own (the WebSocket events stream in the HTTPS binding). */
export const deviceEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('telemetry'), payload: telemetrySummarySchema }),
  z.object({ type: z.literal('status'), payload: deviceStatusSchema }),
]);
export type DeviceEvent = z.infer<typeof deviceEventSchema>;
