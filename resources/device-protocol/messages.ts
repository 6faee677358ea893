// Device operations as one message model, independent of the transport that carries them. HTTPS is
// one binding (see http/binding.ts); serial, MQTT or a signed bundle on a USB stick carry the same
// requests and responses later. Every request and response is validated with these schemas on both sides.
import { z } from 'zod';
import type { ProfileResult } from './profile-result.js';
import { manifestSchema, signedManifestSchema } from './manifest.js';
import { reportedDesiredSchema } from './mqtt/desired-state.js';
import { signedReportSchema } from './device-report.js';
import { metricNamePattern } from './metric-name.js';

export { canonicalJson } from './canonical-json.js';

export { reportCapability, signedReportSchema, type DeviceReport, type SignedReport } from './device-report.js';
export { deltaCapability, describeArtifact, manifestSchema, releaseOf, uploadBytes, signManifest, signedManifestSchema, verifyManifest, type Manifest, type SignedManifest } from './manifest.js';

export const errorDataSchema = z.object({
  code: z.string().describe('Stable code for programs, UPPER_SNAKE_CASE (REQUEST_INVALID, MANIFEST_SIGNATURE_INVALID, ...).'),
  title: z.string().describe('A short human title ("Wrong pairing code").'),
  detail: z.string().describe('What happened and what to do, in a sentence or two, for a person.'),
});

export const slotIdSchema = z.enum(['a', 'b']).describe('One of the two model slots.');
export type SlotId = z.infer<typeof slotIdSchema>;

export const slotInfoSchema = z.object({ slot: slotIdSchema, manifest: manifestSchema.describe('The signed manifest the model in this slot was accepted with (without its signature).') });
export type SlotInfo = z.infer<typeof slotInfoSchema>;

export const healthReportSchema = z.object({
  ok: z.boolean().describe('The verdict: true keeps the model on trial, false reverts it.'),
  loaded: z.boolean().describe('The model loaded into the runtime (a store-only device: it parsed and checked the file).'),
  finite: z.boolean().describe('Every floating-point output of the self-test runs was finite (no NaN, no infinity); false when nothing ran.'),
  runs: z.number().int().describe('Self-test runs timed (after one untimed warm-up); 0 when the model was not run.'),
  /** Median self-test run (robust to one slow run on a busy device); null when the model did not run. */
  latencyMs: z.number().nullable().describe('Median self-test run in milliseconds; null when the model did not run.'),
  maxLatencyMs: z.number().describe("The bound the median was held to (the activate request's maxLatencyMs)."),
  reason: z.string().nullable().describe('Why the check failed, one sentence; null when ok.'),
  checkedAt: z.string().describe('When the check ran, ISO 8601 UTC (2025-01-15T09:31:02.000Z).'),
});
export type HealthReport = z.infer<typeof healthReportSchema>;

export const trialSchema = z.object({
  slot: slotIdSchema.describe('The slot on trial: always the active slot.'),
  since: z.string().describe('When the trial started, ISO 8601 UTC.'),
  healthyWindowSec: z.number().describe('From the activate request; 0: the trial waits for confirm.'),
  /** When the trial confirms itself if the model stayed healthy. */
  deadline: z.string().describe('since + healthyWindowSec, ISO 8601 UTC: when the trial confirms itself if the model stayed healthy (equal to since when the window is 0).'),
});
export type TrialInfo = z.infer<typeof trialSchema>;

export const uploadStatusSchema = z.object({
  manifest: manifestSchema.describe('The manifest of the upload in progress (from upload-begin).'),
  /** Bytes durably stored: send the next chunk from here. */
  offset: z.number().int().nonnegative().describe('Bytes durably stored (they survive a power cut): the next chunk starts here.'),
  size: z.number().int().nonnegative().describe("Bytes to upload: manifest.size, or manifest.delta.bytes when the artifact is a delta."),
  /** All bytes received and the sha256 verified: ready to activate. */
  complete: z.boolean().describe("All bytes are in and their SHA-256 equals manifest.sha256 (a delta: its bytes hash to manifest.delta.sha256 and the model rebuilt from it to manifest.sha256): ready to activate."),
});
export type UploadStatus = z.infer<typeof uploadStatusSchema>;

export const deviceStateSchema = z.enum(['empty', 'running', 'trial']).describe('empty: no model; running: a confirmed model is active; trial: the active model is on trial.');
export type DeviceState = z.infer<typeof deviceStateSchema>;

/**
 * A staged upload with this manifest name is a self-contained agent build (the .tar.gz of `edgefleet
 * agent build`), not a model: activate then upgrades the agent itself (see resources/agent/src/agent-upgrade.ts).
 * Only for devices whose info lists agentUpgradeCapability; others would try it as a model and revert.
 */
export const agentBuildArtifactName = 'edgefleet-agent-build';
/** The info capability of a device that upgrades itself from a staged agent build (.tar.gz, release layout). */
export const agentUpgradeCapability = 'agent-upgrade-tgz1';

export const agentUpgradeSchema = z.object({
  outcome: z.enum(['trial', 'upgraded', 'reverted']).describe('trial: the new build is starting and has not confirmed itself yet; upgraded: it confirmed itself; reverted: it failed and the previous build runs again.'),
  from: z.string().describe('The agent version before the upgrade.'),
  to: z.string().describe('The agent version the upgrade installed.'),
  reason: z.string().nullable().describe('Why it was reverted, one sentence; null otherwise.'),
  at: z.string().describe('When the outcome was reached, ISO 8601 UTC.'),
});
export type AgentUpgradeInfo = z.infer<typeof agentUpgradeSchema>;

export const deviceStatusSchema = z.object({
  deviceId: z.string().describe('The id the device answered at pairing.'),
  state: deviceStateSchema,
  active: slotInfoSchema.nullable().describe('The slot that serves, on trial or confirmed; null when the device runs nothing.'),
  previous: slotInfoSchema.nullable().describe('The slot rollback returns to; null when there is none.'),
  trial: trialSchema.nullable().describe('Set while the active model is on trial; null otherwise.'),
  upload: uploadStatusSchema.nullable().describe('The staged upload, in progress or complete; null when none.'),
  lastHealth: healthReportSchema.nullable().describe('The last health check (activate), null before the first.'),
  /** What the device last did on its own (revert at start, auto-confirm), for the console's log. */
  lastEvent: z
    .object({
      at: z.string().describe('ISO 8601 UTC.'),
      kind: z.string().describe('trial-started, confirmed, auto-confirmed, rolled-back, trial-unhealthy, reverted-at-start, active-unloadable.'),
      detail: z.string().describe('One sentence for a person.'),
    })
    .nullable()
    .describe('What the device last did (a revert at start, an auto-confirm), for the console to show; null when nothing yet.'),
  /**
   * The highest release counter the device has accepted; the console signs every deploy above it.
   * Absent from agents before release counters, which take manifests without one (see manifest.ts).
   */
  release: z.number().int().nonnegative().optional().describe('The highest manifest release counter the device has accepted (0 before any); the console signs the next deploy above it.'),
  /** What the device did with the console's desired state (MQTT binding; absent elsewhere and from older agents). */
  desired: reportedDesiredSchema.optional().describe('MQTT binding only: what the device did with the desired state; leave it out on serial.'),
  /** The last upgrade of the agent itself (agents that cannot upgrade themselves, and firmware, leave it out). */
  agentUpgrade: agentUpgradeSchema.optional().describe('The last upgrade of the device software itself; leave it out when the device cannot upgrade itself.'),
});
export type DeviceStatus = z.infer<typeof deviceStatusSchema>;

/** What a board is (agents before this report leave it out of info). */
export const boardInfoSchema = z.object({
  /** The CPU by name; on arm64 derived from the implementer and part numbers, e.g. "ARM Cortex-A72". */
  cpu: z.string().describe('The CPU by name ("ARM Cortex-A72").'),
  /** The board, from /proc/cpuinfo or the device tree ("Raspberry Pi 4 Model B Rev 1.1"); null when unknown. */
  model: z.string().nullable().describe('The board ("Raspberry Pi 4 Model B Rev 1.1"); null when unknown.'),
  /** Instruction-set features inference kernels use: asimd (NEON), asimddp, i8mm, sve on arm64; avx2, avx512_vnni, amx_int8 on x86. */
  cpuFeatures: z.array(z.string()).describe('Instruction-set features inference kernels use (asimd, asimddp, i8mm, sve; avx2, avx512_vnni); empty when none or unknown.'),
  os: z.object({ type: z.string(), release: z.string(), distro: z.string().nullable() }).describe('The operating system: kernel type and release, distribution (null when unknown).'),
  onnxruntime: z.object({ version: z.string(), executionProviders: z.array(z.string()) }).describe('The ONNX runtime and its execution providers (a device without one: its runtime name and version, providers empty).'),
});
export type BoardInfo = z.infer<typeof boardInfoSchema>;

/** Where the device's energy per inference would come from (resources/agent/src/energy/energy-source.ts). */
export const energySourceSchema = z.object({
  available: z.literal(true),
  id: z.string().describe('Stable within a boot: "powercap:intel-rapl:0", "ina3221:hwmon1:in1".'),
  name: z.string().describe('For people: "RAPL package-0 (CPU package)".'),
  driver: z.enum(['powercap', 'hwmon', 'ina3221', 'rpi5-pmic', 'battery']).describe('The kernel interface read.'),
  scope: z.enum(['board', 'platform', 'package', 'battery', 'device', 'core', 'uncore', 'dram', 'rail']).describe('What the number covers; compare energies only on one source.'),
  kind: z.enum(['counter', 'power-sampled']).describe('counter: cumulative µJ read at start and end; power-sampled: µW integrated over time.'),
  unit: z.enum(['µJ', 'µW']).describe('The unit the source reads in.'),
  resolution: z.object({ value: z.number().nullable(), unit: z.enum(['µJ', 'µW', 'mWh', 'µAh']), note: z.string() }).describe('The smallest step of the hardware, when known, and where that comes from.'),
  wrapRangeUj: z.number().nullable().describe('A counter that wraps: its range in µJ; null when it does not or the interface does not say.'),
  sampleIntervalMs: z.number().describe('How often a meter must read it.'),
  reading: z.object({ value: z.number(), unit: z.enum(['µJ', 'µW', 'µWh', 'µAh']), files: z.array(z.string()) }).describe('A snapshot of the source when it was discovered, in its own unit, and the sysfs files behind it.'),
});

export const energyUnavailableSchema = z.object({
  available: z.literal(false),
  reason: z.string().describe('Why there is no energy figure, naming the files looked for and the error ("/sys/class/powercap does not exist").'),
  fix: z.string().describe('What makes it available, or what to use instead.'),
});

export const energyInfoSchema = z
  .discriminatedUnion('available', [energySourceSchema.extend({ others: z.number().int().nonnegative().describe('Further readable sources besides this one.') }), energyUnavailableSchema])
  .describe('The energy source the device measures with, or plainly why it has none (never 0 W).');
export type EnergyInfo = z.infer<typeof energyInfoSchema>;

/** Devices whose info lists this answer `energy` (an interleaved candidate/baseline energy measurement). */
export const energyCapability = 'energy-compare1';

const energyBlockSchema = z.object({
  energyJ: z.number().describe('Joules the source counted over the block (idle included).'),
  durationS: z.number().describe('Seconds between the first and last reading.'),
  inferences: z.number().int().nonnegative().describe('Inferences run back to back in the block.'),
});

export const energyComparisonSchema = z.object({
  baselineSha256: z.string(),
  candidateSha256: z.string(),
  source: energySourceSchema.omit({ reading: true }).describe('The source measured with; compare only figures from one source.'),
  idle: z.array(z.object({ energyJ: z.number(), durationS: z.number() })).describe('Idle blocks, before the first load block and after the last.'),
  idlePowerW: z.number().describe('Idle power over the idle blocks (W): subtracted from each block by the console.'),
  pairs: z.array(z.object({ candidate: energyBlockSchema, parent: energyBlockSchema })).describe('Interleaved blocks, ABBA order: baseline first in even pairs, candidate first in odd ones.'),
  measuredAt: z.string(),
});
export type EnergyComparison = z.infer<typeof energyComparisonSchema>;

export const deviceInfoSchema = z.object({
  deviceId: z.string().describe('The same id as in pair and status.'),
  name: z.string().describe('A name for people (the host name, a board label).'),
  agentVersion: z.string().describe("The device software's version (the firmware's)."),
  arch: z.string().describe('CPU architecture in Node terms: arm64, x64, arm; a microcontroller may say e.g. "armv7e-m".'),
  platform: z.string().describe('Operating system in Node terms (linux, darwin, win32); firmware without one may say "none".'),
  cpu: z.string().describe('The CPU model by name.'),
  cores: z.number().int().describe('CPU cores.'),
  totalMemoryBytes: z.number().describe('RAM in bytes.'),
  runtime: z.object({ name: z.string(), version: z.string() }).describe('The inference runtime that runs the models (onnxruntime-node 1.x, tflite-micro ...).'),
  consoleName: z.string().nullable().describe('The consoleName of the pair request; null before pairing.'),
  /** Loopback port of the local inference endpoint, null when serving over a unix socket. */
  servePort: z.number().int().nullable().describe('Loopback port of the local inference endpoint; null when there is none.'),
  board: boardInfoSchema.optional().describe('What the board is; optional.'),
  /** Optional features (agents before this field, and firmware, leave it out: none). */
  capabilities: z
    .array(z.string().min(1).max(64))
    .max(64)
    .optional()
    .describe("Optional features the device takes: delta-efd1 = model deltas in format efd1 (manifest.delta). Leave it out when there are none."),
  energy: energyInfoSchema.optional().describe('Energy counters: the source used, or why none is available; optional (devices before this field leave it out).'),
});
export type DeviceInfo = z.infer<typeof deviceInfoSchema>;

const latencySchema = z.object({ mean: z.number(), p50: z.number(), p95: z.number(), p99: z.number(), min: z.number(), max: z.number() });

/** One application metric over one telemetry window (resources/agent/src/app-metrics.ts). */
export const appMetricSummarySchema = z.union([
  z
    .object({
      n: z.number().int().nonnegative().describe('Events counted in this window.'),
      inferences: z.number().int().nonnegative().describe('Inferences the same model served in the same window: the rate per inference is n / inferences.'),
    })
    .strict(),
  z
    .object({
      n: z.number().int().positive().describe('Observations in this window.'),
      sum: z.number().describe('Sum of the observed values.'),
      sumSq: z.number().describe('Sum of their squares.'),
      min: z.number().describe('Smallest value.'),
      max: z.number().describe('Largest value.'),
    })
    .strict(),
]);
export type AppMetricSummary = z.infer<typeof appMetricSummarySchema>;

export const telemetrySummarySchema = z.object({
  seq: z.number().int().describe('Summary number, 1 for the first after start, +1 each summary.'),
  at: z.string().describe('When the summary was made, ISO 8601 UTC.'),
  /** Seconds this summary covers (since the previous one). */
  windowSec: z.number().describe('Seconds this summary covers (since the previous one).'),
  requests: z.number().int().describe('Inference requests since start (a counter that goes down means the device restarted).'),
  errors: z.number().int().describe('Failed inference requests since start.'),
  windowRequests: z.number().int().describe('Inference requests in this window.'),
  windowErrors: z.number().int().describe('Failed inference requests in this window.'),
  /** Over the most recent requests (bounded), null before the first one. */
  latencyMs: latencySchema.nullable().describe('Latency of the most recent successful requests (the agent keeps the last 2,048) of the model serving now, in ms; null before the first one.'),
  histogram: z
    .object({
      boundsMs: z.array(z.number()).describe('Upper bucket bounds in ms, ascending.'),
      counts: z.array(z.number().int()).describe('Requests per bucket since start: one more entry than boundsMs, the last counting everything slower.'),
    })
    .describe('Latency histogram of every successful request since start.'),
  /** Max softmax probability of the first output, per request. */
  confidence: z
    .object({ mean: z.number(), p50: z.number(), min: z.number() })
    .nullable()
    .describe("Largest softmax probability of the first output, per request, over the recent requests (0 ... 1); null when none or the device cannot tell."),
  rssBytes: z.number().describe("Memory the device software uses, bytes (a process's resident set; on firmware the heap in use)."),
  cpuPercent: z.number().describe("CPU time of the device software since the previous summary, percent of one core (may exceed 100 on several cores)."),
  loadAvg1: z.number().describe('One-minute load average; 0 where there is none.'),
  temperatureC: z.number().nullable().describe('SoC temperature in degrees Celsius; null when unknown.'),
  model: z.object({ name: z.string(), version: z.string() }).nullable().describe('The model serving now (manifest name and version); null when none.'),
  state: deviceStateSchema,
  drift: z
    .array(z.unknown())
    .max(12)
    .optional()
    .describe('Drift sketch windows (resources/device-protocol/drift/sketch-set.ts, format v1) finished since the previous summary: t-digests, histograms and class counts of input and output statistics, never raw values. The console validates each with SketchSet.fromJSON.'),
  metrics: z
    .record(z.string().regex(metricNamePattern), appMetricSummarySchema)
    .optional()
    .describe("The application's own metrics (POST /v1/metrics on the local endpoint) since the previous summary, by name: counts {n, inferences} or values {n, sum, sumSq, min, max}, all under the model serving now; absent when none were reported."),
});
export type TelemetrySummary = z.infer<typeof telemetrySummarySchema>;

const empty = z.object({}).strict();
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');

/** The info capability of a device that takes fl-train, fl-secagg and fl-evaluate (it holds local training data). */
export const flTrainCapability = 'fl-train1';

const flRoundIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, '8 to 64 of A-Z a-z 0-9 _ -')
  .describe('The federated round (8 to 64 of A-Z a-z 0-9 _ -). The same request again gets the same answer; a different request with the same id is refused (FL_ROUND_REUSED).');
/** Base64 (RFC 4648, padded) of little-endian float32 values; at most 2^22 of them. */
const float32Base64 = z
  .string()
  .max(Math.ceil((4 * 2 ** 22) / 3) * 4)
  .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'base64');

/** The SecAgg+ settings of a secure round; the same fields as electron/core/federated/secagg/messages.ts roundConfigSchema. */
export const flSecureConfigSchema = z
  .object({
    numClients: z.number().int().min(2).max(1023).describe('Clients sampled for the round.'),
    numShares: z.number().int().min(2).max(1023).describe('Neighbourhood size, the client itself included.'),
    threshold: z.number().int().min(2).max(1023).describe('Shares needed to rebuild a secret.'),
    paramCount: z.number().int().min(1).max(2 ** 26).describe('Parameters per update: must equal the active model\'s (else FL_SHAPE_MISMATCH).'),
    clippingRange: z.number().positive().describe('Parameters are clipped to ± this before quantization.'),
    quantizationRange: z.number().int().positive().describe('Quantization levels across the clipping range.'),
    modulusRange: z.number().int().positive().max(2 ** 32).describe('The masked sum is taken modulo this.'),
    maxWeight: z.number().positive().describe('Largest weight (sample count) one client contributes.'),
  })
  .describe('The SecAgg+ round settings, as the SecAgg+ setup request will carry them.');

export const flTrainRequestSchema = z
  .object({
    roundId: flRoundIdSchema,
    expectActiveSha256: sha256Hex.describe('Precondition: the global model the device must be serving (else PRECONDITION_FAILED).'),
    epochs: z.number().int().min(1).max(100).describe('Passes over the training windows.'),
    batchSize: z.number().int().min(1).max(4096).describe('Windows per Adam step.'),
    learningRate: z.number().positive().max(1).describe('Adam learning rate, (0, 1].'),
    proxMu: z.number().nonnegative().default(0).describe('FedProx strength towards the global model; 0: plain FedAvg training.'),
    clipNorm: z.number().positive().optional().describe("Largest L2 norm of a step's gradient; absent: no clipping."),
    timeBudgetMs: z.number().int().min(100).max(3_600_000).describe('Training stops at the first batch after this long (stoppedBy time-budget).'),
    heldOutFraction: z.number().min(0.05).max(0.5).default(0.2).describe('The latest fraction of the windows, by time, held out of training for evaluation.'),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional().describe('Seeds the shuffle; absent: derived from roundId and the device id. The same seed, model and data give the same update.'),
    secure: z
      .object({ config: flSecureConfigSchema })
      .strict()
      .optional()
      .describe('Secure aggregation: the device keeps its update and answers none; fl-secagg then runs the SecAgg+ stages.'),
    updateClipNorm: z
      .number()
      .positive()
      .finite()
      .optional()
      .describe('Differential privacy in a secure round: the device clips its update (trained − global parameters) to this L2 norm and weighs it as maxWeight, so the unmasked mean is the equal-weight mean of clipped updates; needs secure.'),
  })
  .strict()
  .refine((v) => v.updateClipNorm === undefined || v.secure !== undefined, { message: 'updateClipNorm applies to secure rounds only (in a plain round the console clips)', path: ['updateClipNorm'] });

export const flTrainResponseSchema = z.object({
  roundId: z.string().describe('The request\'s roundId.'),
  deviceId: z.string().describe('The device that trained.'),
  samples: z.number().int().nonnegative().describe('Training windows used: the weight of this update in FedAvg.'),
  heldOut: z.number().int().nonnegative().describe('Held-out windows (never trained on).'),
  lossBefore: z.number().describe('Mean squared reconstruction error of the global model on the training windows.'),
  lossAfter: z.number().describe('The same for the locally trained model.'),
  heldOutLossBefore: z.number().describe('The global model on the held-out windows.'),
  heldOutLossAfter: z.number().describe('The locally trained model on the held-out windows.'),
  epochsRun: z.number().int().nonnegative().describe('Whole epochs finished.'),
  stoppedBy: z.enum(['epochs', 'time-budget']).describe('epochs: all ran; time-budget: timeBudgetMs ran out first.'),
  elapsedMs: z.number().nonnegative().describe('Training time, ms.'),
  update: float32Base64.optional().describe('Base64 of the trained flattened parameters, little-endian float32; absent in a secure round.'),
  paramCount: z.number().int().positive().describe('Parameters of the model (float32 values in update).'),
  clipped: z.boolean().optional().describe('Some step\'s gradient was clipped to clipNorm; absent without clipNorm.'),
  updateClipped: z.boolean().optional().describe('The update was longer than updateClipNorm and was scaled down (one bit, so the console can report the clipped fraction); absent without updateClipNorm.'),
});

export const flSecAggRequestSchema = z
  .object({
    roundId: flRoundIdSchema,
    message: z.record(z.string(), z.unknown()).describe('A SecAgg+ request (setup, share-keys, masked-input or unmask; electron/core/federated/secagg/messages.ts); the device\'s SecAgg+ client checks it.'),
  })
  .strict();

export const flSecAggResponseSchema = z.object({
  roundId: z.string().describe('The request\'s roundId.'),
  reply: z.record(z.string(), z.unknown()).describe("The SecAgg+ client's reply to the message; the console's SecAgg+ server checks it."),
});

export const flEvaluateRequestSchema = z
  .object({
    roundId: flRoundIdSchema,
    modelSha256: sha256Hex.describe('SHA-256 of the candidate model the parameters are of, for the record.'),
    parameters: float32Base64.describe("Base64 of the candidate's flattened parameters, little-endian float32, in the active model's layout (else FL_SHAPE_MISMATCH)."),
  })
  .strict();

export const flEvaluateResponseSchema = z.object({
  roundId: z.string().describe('The request\'s roundId.'),
  heldOut: z.number().int().positive().describe('Held-out windows evaluated on.'),
  loss: z.number().describe('Mean squared reconstruction error of the candidate on them.'),
  lossActive: z.number().describe('The same for the active model.'),
});

export type FlTrainRequest = z.input<typeof flTrainRequestSchema>;
export type FlTrainResponse = z.output<typeof flTrainResponseSchema>;
export type FlSecAggRequest = z.input<typeof flSecAggRequestSchema>;
export type FlSecAggResponse = z.output<typeof flSecAggResponseSchema>;
export type FlEvaluateRequest = z.input<typeof flEvaluateRequestSchema>;
export type FlEvaluateResponse = z.output<typeof flEvaluateResponseSchema>;

/**
 * One entry per operation: its request and its response. upload-chunk's `data` travels as raw bytes
 * where the transport can (the HTTPS body), as base64 where it cannot.
 */
export const deviceOps = {
  pair: {
    request: z.object({
      code: z.string().min(4).max(16).describe('The one-time pairing code the device shows (the agent: 8 characters of ABCDEFGHJKMNPQRSTUVWXYZ23456789, compared after trimming and upper-casing).'),
      /** PEM (SPKI) of the console's ed25519 key; manifests must verify with it. */
      consolePublicKey: z.string().min(1).max(4000).describe("The console's ed25519 public key, PEM SPKI (-----BEGIN PUBLIC KEY-----): every manifest must verify with it. Keep it."),
      consoleName: z.string().min(1).max(200).describe('A name for the console, for people; info answers it as consoleName.'),
    }),
    response: z.object({
      deviceId: z.string().describe('A stable id for this device; the console keys its inventory by it.'),
      token: z.string().describe('A new secret bearer token; every later request carries it. Keep only its hash.'),
      certFingerprint: z.string().describe("SHA-256 (lowercase hex) of the device's TLS certificate DER; must not be empty (see Semantics)."),
    }),
  },
  info: { request: empty, response: deviceInfoSchema },
  status: { request: empty, response: deviceStatusSchema },
  telemetry: {
    request: z.object({ limit: z.number().int().positive().max(10_000).optional().describe('Most history entries wanted; the agent answers 120 when absent.') }),
    response: z.object({
      current: telemetrySummarySchema.describe('A summary made now for this request (it joins the history).'),
      history: z.array(telemetrySummarySchema).describe('The most recent summaries, oldest first, at most limit.'),
    }),
  },
  'upload-begin': { request: signedManifestSchema, response: uploadStatusSchema },
  'upload-chunk': {
    request: z.object({
      offset: z.number().int().nonnegative().describe("Where this chunk goes in the artifact: must equal the device's durable offset."),
      data: z.instanceof(Uint8Array),
    }),
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
      healthyWindowSec: z.number().nonnegative().max(7 * 24 * 3600).default(0).describe('The trial confirms itself after this many healthy seconds; 0 waits for confirm.'),
      /** Largest allowed median self-test run. */
      maxLatencyMs: z.number().positive().max(600_000).default(1000).describe('Largest allowed median self-test run, ms.'),
      selfTestRuns: z.number().int().min(1).max(100).default(5).describe('Timed self-test runs (after one warm-up).'),
      /** Precondition: the staged artifact must be this one (a duplicate or late request cannot activate another). */
      expectStagedSha256: sha256Hex.optional().describe('Precondition: activate only if the staged artifact has this SHA-256 (else PRECONDITION_FAILED). The serial console leaves it out.'),
    }),
    response: z.object({
      outcome: z.enum(['trial', 'reverted']).describe('trial: the model passed its health check and serves on trial; reverted: it failed and the device went back.'),
      health: healthReportSchema,
      status: deviceStatusSchema.describe('The status after the activation.'),
    }),
  },
  /** Preconditions: confirm only this trial model; roll back only from this active model. */
  confirm: {
    request: z.object({ expectTrialSha256: sha256Hex.optional().describe('Precondition: confirm only if the model on trial has this SHA-256.') }).strict(),
    response: deviceStatusSchema,
  },
  rollback: {
    request: z.object({ ifActiveSha256: sha256Hex.optional().describe('Precondition: roll back only if the active model has this SHA-256.') }).strict(),
    response: deviceStatusSchema,
  },
  profile: {
    request: z.object({
      runs: z.number().int().min(1).max(10_000).default(50).describe('Timed runs.'),
      warmup: z.number().int().min(0).max(1000).default(5).describe('Untimed runs first.'),
      threads: z.number().int().min(0).max(256).default(0).describe('Inference threads; 0: the runtime decides.'),
      /** Profile the complete staged upload (a candidate the console is measuring) instead of the active model; nothing is activated. */
      staged: z.boolean().default(false).describe('true: profile the complete staged upload instead of the active model. Nothing is activated and the upload stays staged; an agent build or an incomplete upload is refused (PRECONDITION_FAILED, UPLOAD_INCOMPLETE).'),
      /** Precondition with staged: the staged artifact must be this one. */
      expectStagedSha256: sha256Hex.optional().describe('With staged: profile only if the staged artifact has this SHA-256 (else PRECONDITION_FAILED).'),
      energySec: z.number().min(1).max(3600).optional().describe('Also measure energy per inference over this many seconds of load (devices whose info lists energy-compare1): the answer\'s energy, or why there is none.'),
    }),
    response: z.custom<ProfileResult>((v) => !!v && typeof v === 'object'),
  },
  /**
   * Energy per inference, candidate against baseline, interleaved on the device (devices whose info lists
   * energyCapability). Holds the device's queue while it runs: no deploy meanwhile. ENERGY_UNAVAILABLE
   * when the board has no energy source, with the reason and the fix.
   */
  energy: {
    request: z
      .object({
        candidate: z.enum(['staged', 'active']).default('active').describe('active: the active model against the previous one (after a deploy); staged: the complete staged upload against the active model (nothing is activated).'),
        expectCandidateSha256: sha256Hex.optional().describe('Precondition: the candidate must be this artifact (else PRECONDITION_FAILED).'),
        seconds: z.number().min(2).max(3600).default(60).describe('Load time over all blocks, both models together (at least a minute for a decision; less only to try it).'),
        pairs: z.number().int().min(2).max(50).default(6).describe('Candidate/baseline block pairs.'),
        idleSec: z.number().min(0.5).max(120).default(5).describe('Idle measured before the first block and after the last, this long each.'),
      })
      .strict(),
    response: energyComparisonSchema,
  },
  /** A signed report of what the device runs (devices whose info lists reportCapability). */
  report: {
    request: z.object({ nonce: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/).describe('A fresh random value from the console (16 to 128 of A-Z a-z 0-9 _ -): the report echoes it, so an old report cannot be passed off as new.') }).strict(),
    response: signedReportSchema,
  },
  /**
   * Federated learning (devices whose info lists flTrainCapability): trains the active model on the
   * device's own windows and answers losses and, unless secure, the trained parameters. The data never
   * leaves the device. The answer comes when training ends (up to timeBudgetMs): call with a long timeout.
   */
  'fl-train': { request: flTrainRequestSchema, response: flTrainResponseSchema },
  /** One SecAgg+ stage of a secure fl-train round: the message goes to the round's SecAgg+ client, its reply comes back. */
  'fl-secagg': { request: flSecAggRequestSchema, response: flSecAggResponseSchema },
  /** The held-out loss of a candidate (the round's aggregate) next to the active model's, on the device's held-out windows. */
  'fl-evaluate': { request: flEvaluateRequestSchema, response: flEvaluateResponseSchema },
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
