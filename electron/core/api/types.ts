// Result and event payload types shared by the core, the CLI and the renderer.
// Pure types only: this file is imported by the renderer bundle.

import type { ErrorData } from '../../../resources/device-protocol/error-data.js';
import type { ProfileEnergy, ProfileSummary } from '../../../resources/device-protocol/profile-result.js';
import type { BoardInfo } from '../../../resources/device-protocol/messages.js';

export type { ErrorData } from '../../../resources/device-protocol/error-data.js';
export type { LatencyStats, ProfileDevice, GraphOptimization, ProfileEnergy, ProfileOptions, ProfileResult, ProfileRow, ProfileSummary } from '../../../resources/device-protocol/profile-result.js';
export type { BoardInfo } from '../../../resources/device-protocol/messages.js';

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** Progress of a job, one variant per kind of work (see progress.ts for the formatter). */
export type JobProgress =
  | { phase: 'queued'; fraction: 0; message?: string }
  | { phase: 'reading'; fraction: number | null; message?: string; bytes?: number; totalBytes?: number }
  | { phase: 'decoding' | 'analysing' | 'load-check' | 'saving'; fraction: number | null; message?: string }
  | { phase: 'warmup' | 'profiling'; fraction: number; message?: string; run: number; runs: number }
  | { phase: 'parsing-trace'; fraction: number | null; message?: string }
  | { phase: 'calibrating' | 'quantizing' | 'converting' | 'evaluating' | 'tuning'; fraction: number | null; message?: string }
  | { phase: 'deploying'; fraction: number; message?: string; devices: DeployDeviceProgress[] }
  | { phase: 'done'; fraction: 1; message?: string };

export type JobPhase = JobProgress['phase'];

export interface Job {
  id: string;
  kind: string;
  title: string;
  state: JobState;
  progress: JobProgress;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: ErrorData | null;
  /** Small JSON result (ids, summaries); big results are stored and fetched by id. */
  result: unknown;
}

export interface AppInfo {
  name: 'EdgeFleet';
  version: string;
  mode: 'electron' | 'browser' | 'cli';
  home: string;
  node: string;
  onnxruntime: string | null;
  platform: string;
  arch: string;
  cpu: CpuInfo;
}

export interface CpuInfo {
  model: string;
  cores: number;
  /** Integer dot-product features that INT8 kernels use (avx512_vnni, avx_vnni, asimddp, ...). */
  int8Features: string[];
}

export type Dim = number | string | null;

export interface TensorInfo {
  name: string;
  elemType: string;
  /** null when the rank is unknown; symbolic dims are kept as their names. */
  shape: Dim[] | null;
  /** Formats that record it (TFLite): real = scale · (q − zeroPoint), one entry per slice along `axis` when per-axis. */
  quantization?: { scale: number[]; zeroPoint: number[]; axis: number | null };
}

/** What inspect adds for a TFLite file. */
export interface TfliteInspect {
  schemaVersion: number;
  subgraphs: number;
  signatures: { key: string; subgraphIndex: number; inputs: string[]; outputs: string[] }[];
  minRuntimeVersion: string | null;
  metadataNames: string[];
  /** Whether the main subgraph converts to ONNX. */
  convertible: boolean;
  /** Every operator that stops the conversion, with its count and why ('model' for problems of the file as a whole). */
  unsupported: { op: string; count: number; reasons: string[] }[];
  /** Quirks of the file the reader normalised, and conversion notes. */
  notes: string[];
}

export interface NodeMacs {
  name: string;
  opType: string;
  macs: number;
}

export interface InspectReport {
  format: string;
  fileBytes: number;
  irVersion: number;
  opsets: { domain: string; version: number }[];
  producer: { name: string; version: string };
  graphName: string;
  docString: string;
  metadata: Record<string, string>;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  nodeCount: number;
  opCounts: Record<string, number>;
  parameterCount: number;
  /** Initializer bytes by ONNX data type name (FLOAT, FLOAT16, INT8, ...). */
  weightBytes: Record<string, number>;
  weightBytesTotal: number;
  externalData: boolean;
  macs: { total: number; perNode: NodeMacs[]; unresolved: string[] };
  /** For a TFLite file: whether its ONNX conversion loads in ONNX Runtime. */
  loadable: { ok: boolean; error: string | null };
  tflite?: TfliteInspect;
}

export interface GraphNode {
  id: string;
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
}

export interface ModelGraph {
  nodes: GraphNode[];
  /** Edges between node ids, labelled with the tensor that flows. */
  edges: { from: string; to: string; tensor: string }[];
  inputs: string[];
  outputs: string[];
}

export interface ModelSummary {
  id: string;
  name: string;
  version: number;
  sha256: string;
  sizeBytes: number;
  createdAt: string;
  sourceFile: string | null;
  tags: string[];
  parentId: string | null;
  recipe: unknown;
  metrics: unknown;
  profileCount: number;
  /** A short line such as "opset 13 · 105 nodes · 0.7 M params". */
  summary: string;
}

export interface ModelDetail extends ModelSummary {
  inspect: InspectReport | null;
  profiles: ProfileSummary[];
}

export interface ProfileComparisonRow {
  key: string;
  opType: string;
  aUs: number | null;
  bUs: number | null;
  /** aUs / bUs: above 1 means b is faster. */
  speedup: number | null;
}

export interface ProfileComparison {
  a: ProfileSummary;
  b: ProfileSummary;
  speedup: number;
  rows: ProfileComparisonRow[];
}

export type DeviceState = 'discovered' | 'online' | 'offline' | 'busy' | 'trial' | 'error';

export interface DeviceTelemetry {
  at: string;
  requests: number;
  errors: number;
  latencyMs: { p50: number; p95: number; p99: number } | null;
  rssBytes: number | null;
  cpuLoad: number | null;
  temperatureC: number | null;
  /** Mean top-1 confidence of served requests (drift shows here first). */
  confidenceMean: number | null;
}

export interface DeviceSlot {
  slot: 'a' | 'b';
  modelName: string | null;
  version: string | null;
  sha256: string | null;
  role: 'active' | 'trial' | 'previous' | 'empty';
}

export interface DeviceSummary {
  id: string;
  name: string;
  transport: 'lan' | 'serial' | 'ssh' | 'mqtt';
  /** host:port for LAN agents, a port path for serial, user@host for SSH. */
  address: string;
  state: DeviceState;
  paired: boolean;
  /** SHA-256 of the agent's TLS certificate, pinned at pairing. */
  fingerprint: string | null;
  arch: string | null;
  agentVersion: string | null;
  activeModel: { name: string; version: string; sha256: string | null } | null;
  /** 'trial' while an activation waits for confirmation. */
  slotState: 'confirmed' | 'trial' | 'empty' | null;
  health: 'ok' | 'warning' | 'error' | 'unknown';
  /** Why the last refresh or operation on the device failed (a reply it could not read, no answer); null once it answers. */
  lastError: ErrorData | null;
  /** The last change to what the device serves (a trial, a confirm, a revert it made by itself); null before any. */
  lastChange: DeviceChange | null;
  lastSeen: string | null;
  tags: string[];
  groups: string[];
  telemetry: DeviceTelemetry | null;
  /** The drift of the model the device serves, over its last hour of windows; null before any was judged. */
  drift: DeviceDriftSummary | null;
}

/** A device's drift in a line: the worst statistic's PSI against the active model's reference, and its level. */
export interface DeviceDriftSummary {
  /** Worst PSI over the input and output statistics. */
  psi: number;
  inputPsi: number | null;
  outputPsi: number | null;
  level: 'ok' | 'watch' | 'act';
  /** SHA-256 of the model it was judged for. */
  model: string;
  samples: number;
  /** When it was judged (ISO 8601 UTC). */
  at: string;
}

/** A device as the Fleet grid shows it: its summary without the fingerprint, agent version, model hash, telemetry and last error. */
export type DeviceListItem = Omit<DeviceSummary, 'fingerprint' | 'agentVersion' | 'activeModel' | 'telemetry' | 'lastError' | 'lastChange'> & {
  activeModel: { name: string; version: string } | null;
  lastChange: Omit<DeviceChange, 'detail'> | null;
};

/**
 * A DeviceListItem as `devices.listRows` sends it: one array per device, the fields in this order, the active
 * model as its name and version (no model without a name). A third of the JSON of the summaries at fleet scale.
 */
export type DeviceListRow = [
  id: string,
  name: string,
  transport: DeviceSummary['transport'],
  address: string,
  state: DeviceState,
  paired: boolean,
  arch: string | null,
  modelName: string | null,
  modelVersion: string | null,
  slotState: DeviceSummary['slotState'],
  health: DeviceSummary['health'],
  lastSeen: string | null,
  tags: string[],
  groups: string[],
  /** The last change without its sentence (the device page has it). */
  lastChange: Omit<DeviceChange, 'detail'> | null,
  drift: DeviceDriftSummary | null,
];

/**
 * A change to what a device serves, as the device reported it (status.lastEvent) or the console saw it (a deploy
 * that reverted). A revert is an event beside the device's health, not a fault: the device serves its good model.
 */
export interface DeviceChange {
  /** trial-started, confirmed, auto-confirmed, rolled-back, trial-unhealthy, reverted-at-start, active-unloadable. */
  kind: string;
  /** ISO 8601 UTC. */
  at: string;
  detail: string;
  /** The device took a model off by itself (its trial failed, or it did not load at start). */
  reverted: boolean;
  /** The rollout whose deploy caused it, when one did. */
  rolloutId?: string;
}

export interface DeviceDetail extends DeviceSummary {
  slots: DeviceSlot[];
  history: DeviceTelemetry[];
  profiles: ProfileSummary[];
  /** The last few exchanges of the device's protocol log, oldest first (`edgefleet devices log ID` prints them all). */
  exchanges: ProtocolExchange[];
  /** What the board is, from the device's info; null when the device does not report it (the C reference device, older agents) or its info was never read. */
  board: BoardInfo | null;
  /** Cores and memory from the same info; null before the console has read the device's info. */
  hardware: DeviceHardware | null;
  /** The active model held against this board; null when nothing runs or the registry does not know the model. */
  activeModelFit: ModelFit | null;
}

/** What a device said about itself in the info the console last read (at pairing, or on its page). */
export interface DeviceHardware {
  /** When the console read it, ISO 8601 UTC. */
  readAt: string;
  cores: number;
  totalMemoryBytes: number;
  /** null: the device does not report a board. */
  board: BoardInfo | null;
}

/** How a registry model computes, as far as its lineage and graph say (see devices/variant-fit.ts). */
export interface VariantPrecision {
  kind: 'float' | 'fp16' | 'int8-static' | 'int8-dynamic' | 'unknown';
  /** Static INT8: the activation type its recipe records; null when unknown or not static. */
  activationType: 'uint8' | 'int8' | null;
  /** For people: "static INT8 (QDQ), uint8 activations". */
  label: string;
}

export type FitWarningCode = 'FP16_EMULATED' | 'FP16_PARTIAL' | 'INT8_NO_DOT_PRODUCT' | 'INT8_U8S8_SATURATION';

/** A model variant that needs instructions a board lacks; a warning, never a refusal. */
export interface FitWarning {
  code: FitWarningCode;
  title: string;
  detail: string;
}

export interface ModelFit {
  modelId: string;
  precision: VariantPrecision;
  warnings: FitWarning[];
}

/** `devices.checkFit`: one model against the boards of several devices, each warning once with the devices it concerns. */
export interface FitCheck extends ModelFit {
  /** "mobilenetv2-digits-fp16 v1". */
  model: string;
  warnings: (FitWarning & { devices: { id: string; name: string }[] })[];
  /** Devices whose board is not known (not reported, or info not read yet): nothing can be said about them. */
  unreported: { id: string; name: string }[];
}

/** One operation with a device as the protocol log keeps it: never a body, token or model byte. */
export interface ProtocolExchange {
  /** When the exchange started, ISO 8601 UTC. */
  at: string;
  /** The operation (status, telemetry, upload …). */
  op: string;
  /** How the device was reached: a host:port, a serial port, a broker. */
  where: string;
  ok: boolean;
  durationMs: number;
  /** The error as the console reported it; null when ok. */
  error: ErrorData | null;
}

export interface DeployDeviceProgress {
  deviceId: string;
  name: string;
  phase: 'queued' | 'upload' | 'verify' | 'activate' | 'health-check' | 'trial' | 'confirmed' | 'reverted' | 'failed';
  bytes: number;
  totalBytes: number;
  /** Bytes per second over the last second of upload. */
  rateBps: number | null;
  etaSec: number | null;
  error: ErrorData | null;
  /**
   * How the model travelled: a delta against a model the device held (bytes sent, that model's sha256),
   * or in full, with why not as a delta (absent before the upload started).
   */
  transfer?: { mode: 'delta'; bytes: number; base: string } | { mode: 'full'; bytes: number; reason: string };
}

export interface DeployResult {
  modelId: string;
  devices: DeployDeviceProgress[];
}

export type OptimizeMode = 'static' | 'dynamic' | 'fp16' | 'ort' | 'optimized' | 'tune';

/**
 * How a folder of images becomes model inputs: resize to size (H, W, bilinear), pixel/255, then
 * (x - mean) / std per RGB channel, laid out as NCHW or NHWC. Unset: size and layout come from the
 * model input shape, mean 0, std 1. One mean/std value stands for all three channels.
 */
export interface ImagePreprocess {
  size?: [number, number];
  mean?: number[];
  std?: number[];
  layout?: 'NCHW' | 'NHWC';
}

/** Everything that decides a derived model; stored with it as its lineage recipe. */
export interface OptimizeRecipe {
  mode: OptimizeMode;
  method?: 'minmax' | 'percentile' | 'entropy';
  perChannel?: boolean;
  activationType?: 'uint8' | 'int8';
  exclude?: string[];
  // The *Npy names predate image data: calibrationNpy and evalInputsNpy may also name a folder of
  // PNG/JPEG images (read with `preprocess`); evalLabelsNpy may be left out when the eval folder is
  // labelled by its class subfolders.
  calibrationNpy?: string;
  evalInputsNpy?: string;
  evalLabelsNpy?: string;
  /** Preprocessing of image-folder data; ignored for .npy files. */
  preprocess?: ImagePreprocess;
  /** tune: largest allowed top-1 drop against float (0.005 = half a point). */
  maxDrop?: number;
  /** Safety net: agreement with the parent below this is flagged (0..1). */
  minAgreement?: number;
  /** Safety net: SQNR below this is flagged (dB). */
  minSqnrDb?: number;
}

export interface VariantFlag {
  level: 'warning' | 'error';
  code: 'SLOWER_THAN_PARENT' | 'LOW_AGREEMENT' | 'LOW_SQNR' | 'ACCURACY_DROP' | 'NOT_EVALUATED';
  message: string;
}

export interface VariantMetrics {
  sizeBytes: number;
  latencyP50Ms: number | null;
  /** Variant latency / parent latency, measured side by side (below 1 is faster). */
  latencyRatio: number | null;
  top1: number | null;
  top5: number | null;
  agreement: number | null;
  sqnrDb: number | null;
  /** Share of Conv/Gemm/MatMul nodes that ran as integer kernels (null for float variants). */
  integerCoverage: number | null;
  evaluatedOn: string | null;
  flags: VariantFlag[];
  /** Nodes kept in float with the reason (quantized variants). */
  floatNodes?: { name: string; opType: string; reason: string | null }[];
  /** ORT format: the operators a minimal build must include. */
  requiredOperators?: string[];
  /** tune: what stayed float and what each choice cost. */
  tuning?: {
    steps: { keptFloat: string[]; top1: number; sizeBytes: number; latencyP50Ms: number }[];
    /** tune --device: quantized layers measured slower in INT8 than in float on the device, and whether they were kept float. */
    deviceLayers?: LayerTimingDecision[];
  };
  /** Where latencyP50Ms and latencyRatio were measured (absent in variants made before targets: the workstation). */
  timing?: TimingSource;
  /** Device timing: p95 and peak memory of the variant on the device (null when the profiler gave none). */
  deviceLatency?: { p50Ms: number; p95Ms: number; peakBytes: number | null };
  /** Device timing: what the job sent to the device and how long it waited on it. */
  deviceCost?: DeviceTimingCost;
}

/** The device side of a device-timed optimize job: candidates uploaded (artifact bytes), profiles run, time spent on both. */
export interface DeviceTimingCost {
  uploads: number;
  bytesSent: number;
  profiles: number;
  deviceMs: number;
}

/** Where a variant's latency was measured: this workstation's CPU, or a paired device through its agent's profiler. */
export type TimingSource =
  | { kind: 'workstation'; cpu: string; cpuFeatures: string[]; runtime: string }
  | { kind: 'device'; deviceId: string; deviceName: string; cpu: string; cpuFeatures: string[]; runtime: string; board: string | null };

/** One quantized layer in tune --device's per-layer check: its device time in float and in INT8. */
export interface LayerTimingDecision {
  node: string;
  opType: string;
  floatMs: number;
  int8Ms: number;
  /** true: the layer went back to float (the rebuilt model stayed within the accuracy budget). */
  keptFloat: boolean;
  reason: string;
}

export interface VariantRow {
  modelId: string;
  name: string;
  version: number;
  mode: OptimizeMode | 'float';
  recipe: OptimizeRecipe | null;
  metrics: VariantMetrics | null;
  createdAt: string;
}

export interface OptimizeComparison {
  parent: VariantRow;
  variants: VariantRow[];
  cpu: CpuInfo;
}

/** How a variant was made, in the words of the comparison on devices. */
export type VariantKind = 'float' | 'fp16' | 'int8-static' | 'int8-dynamic' | 'tuned' | 'ort' | 'optimized';

/** A device a model family was timed on (optimize.timeOnDevices). */
export interface TargetDevice {
  deviceId: string;
  deviceName: string;
  cpu: string;
  /** The CPU's INT8-relevant features in words ("avx2, vnni"; "none reported"). */
  cpuFeatures: string;
}

/** One model's latest timing on one device. */
export interface TargetTiming {
  deviceId: string;
  deviceName: string;
  cpuFeatures: string;
  p50Ms: number;
  p95Ms: number;
  peakBytes: number | null;
  /** p50 / the float parent's p50 on the same device (null when the parent was not timed there). */
  ratio: number | null;
  /** Energy per inference there, when the timing measured it; or why there is none. */
  energy?: ProfileEnergy;
  /** Energy per inference / the float parent's on the same device (null without both). */
  energyRatio?: number | null;
  at: string;
  profileId: string;
}

export interface TargetVariant {
  modelId: string;
  name: string;
  version: number;
  kind: VariantKind;
  top1: number | null;
  /** Agreement with the float parent's top-1 (null for the parent itself). */
  agreement: number | null;
  sizeBytes: number;
  workstationP50Ms: number | null;
  /** One entry per device in OptimizeTargets.devices where this model was timed. */
  devices: TargetTiming[];
}

/** One quantized layer's device times in float (parent) and INT8 (the chosen variant), per device. */
export interface TargetLayerRow {
  node: string;
  opType: string;
  perDevice: { deviceId: string; floatMs: number; int8Ms: number }[];
}

export interface TargetLayers {
  variantId: string;
  rows: TargetLayerRow[];
  /** Per device: the matched layers' total in float and in INT8 (with the Q/DQ conversions a target runs as separate nodes, charged to their layers); paysOff when INT8 is over 5 % faster there. */
  verdicts: { deviceId: string; deviceName: string; floatMs: number; int8Ms: number; layers: number; paysOff: boolean }[];
}

/** optimize.targets: a float model and its variants, side by side on the workstation and each device they were timed on. */
export interface OptimizeTargets {
  parentId: string;
  devices: TargetDevice[];
  /** The parent first, then its variants. */
  variants: TargetVariant[];
  /** Per-layer view of one INT8 variant (the one asked for, else the first INT8 one); null when none was timed with its parent. */
  layers: TargetLayers | null;
}

/** optimize.timeOnDevices job result: what was timed, and what failed, per model and device. */
export interface TimeOnDevicesResult {
  timed: { modelId: string; deviceId: string; profileId: string }[];
  failures: { modelId: string; deviceId: string; deviceName: string; title: string; detail: string }[];
}

export interface OptimizeDefaults {
  calibrationNpy: string | null;
  evalInputsNpy: string | null;
  evalLabelsNpy: string | null;
}

export interface SensitivityRow {
  node: string;
  opType: string;
  /** SQNR (dB) of the model output when only this layer is quantized: low means this layer hurts. */
  outputSqnrDb: number;
  /** SQNR (dB) of this layer's own output tensor after quantize-dequantize. */
  tensorSqnrDb: number | null;
}

export interface SensitivityReport {
  modelName: string;
  rows: SensitivityRow[];
  fullInt8OutputSqnrDb: number;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  params: unknown;
  outcome: 'succeeded' | 'failed' | 'refused' | 'started';
  detail: string | null;
}

// Rollouts
// (The same shapes as electron/core/rollouts/rollout-types.ts and gates.ts, kept here so this file stays import-free.)

export type RolloutStatus = 'planned' | 'running' | 'paused' | 'halted' | 'rolling-back' | 'rolled-back' | 'completed' | 'aborted';
export type RolloutStagePhase = 'deploying' | 'soaking' | 'evaluating' | 'confirming';
export type RolloutDevicePhase = 'pending' | 'deploying' | 'trial' | 'confirmed' | 'failed' | 'reverted' | 'rolled-back' | 'flagged';
export type RolloutGateKind = 'deploy-failure-rate' | 'inference-error-rate' | 'p95-latency-ratio' | 'restarts' | 'confidence-drift' | 'input-drift' | 'score-drift' | 'energy-ratio' | 'metric';
/** What a failed gate does: roll back every device the rollout touched, or only stop. */
export type RolloutPolicy = 'rollback' | 'halt';

export interface RolloutGate {
  kind: RolloutGateKind;
  /** For kind metric: the application metric it judges. */
  metric?: string;
  /** The largest value that passes (fractions as 0..1). */
  max: number;
  /** Devices with data before the gate is judged. */
  minDevices: number;
}

export interface RolloutGateInfo {
  kind: RolloutGateKind;
  title: string;
  description: string;
  unit: 'ratio' | 'count' | 'fraction' | 'psi';
  defaults: { max: number; minDevices: number };
  /** Asked for by name (metric:NAME), never a default. */
  named?: boolean;
  /** Only when asked for: judging it costs the devices (energy: a minute or more of full load each). */
  optIn?: boolean;
}

export interface RolloutGateResult {
  kind: RolloutGateKind;
  metric?: string;
  status: 'pass' | 'fail' | 'insufficient';
  /** null when no device had data. */
  value: number | null;
  threshold: number;
  devices: number;
  minDevices: number;
  explanation: string;
}

/** Percentages (5,25,100) or an exponential rate as in AWS IoT Jobs. */
export type RolloutStagePlan = { kind: 'percentages'; percents: number[] } | { kind: 'exponential'; baseRatePerMinute: number; incrementFactor: number; maximumPerMinute: number };

export type RolloutDeviceCounts = Record<RolloutDevicePhase, number>;

export interface RolloutSummary {
  id: string;
  modelId: string;
  /** "name vN", or the id when the model left the registry. */
  modelName: string;
  selector: string;
  status: RolloutStatus;
  /** Why it halted or rolled back; null otherwise. */
  reason: string | null;
  /** Index of the current stage; -1 before the start. */
  stage: number;
  stageCount: number;
  deviceCount: number;
  counts: RolloutDeviceCounts;
  createdAt: string;
  updatedAt: string;
}

export interface RolloutStageView {
  index: number;
  /** "5 %" or "12 devices". */
  label: string;
  deviceIds: string[];
  /** null until the rollout reaches the stage. */
  phase: RolloutStagePhase | null;
  soakStartedAt: string | null;
  /** When the soak ends (soakStartedAt + soak); null before it starts. */
  soakEndsAt: string | null;
  /** Gate evaluations so far (a resume after a halt evaluates again). */
  evaluations: number;
  gateResults: RolloutGateResult[] | null;
  outcome: 'passed' | 'failed' | null;
}

export interface RolloutDeviceView {
  id: string;
  /** The inventory name; the id when the device left the inventory. */
  name: string;
  stage: number;
  phase: RolloutDevicePhase;
  error: string | null;
  /** The model the device ran before the rollout reached it (what a rollback restores). */
  previousModel: { name: string | null; version: string | null; sha256: string } | null;
  /** The live upload while the device is deploying, else the last known one; null before. */
  deploy: { phase: DeployDeviceProgress['phase']; bytes: number; totalBytes: number; rateBps: number | null; etaSec: number | null } | null;
}

export interface RolloutDriver {
  /** The console process that drives the rollout. */
  pid: number;
  host: string;
  heartbeatAt: string;
  /** false when the heartbeat is stale: the next console to start takes over. */
  live: boolean;
}

export interface RolloutDetail extends RolloutSummary {
  seed: string;
  plan: RolloutStagePlan | null;
  gates: RolloutGate[];
  policy: RolloutPolicy;
  maxConcurrency: number;
  soakMs: number;
  stages: RolloutStageView[];
  devices: RolloutDeviceView[];
  /** Devices that match the selector but joined after the start: reported, never added. */
  lateMatches: string[];
  driver: RolloutDriver | null;
}

export interface RolloutPreview {
  deviceCount: number;
  stages: { label: string; deviceCount: number; cumulativePercent: number }[];
  /** Devices no stage reaches (a plan may end below 100 %). */
  leftOut: number;
  /** Matched devices that are not paired (a rollout refuses them). */
  unpaired: string[];
  gates: RolloutGate[];
}

// A/B
export type AbState = 'deploying' | 'running' | 'failed' | 'stopped' | 'promoted';

export interface AbVariant {
  /** "A", "B", … in the order given (with a control, "A" is the control). */
  name: string;
  modelId: string;
  modelName: string;
  modelVersion: number;
  /** Share of the selection asked for (the control's equals the largest other variant's). */
  percent: number;
  control: boolean;
  /** The cohort: frozen at the start, sorted by id. */
  deviceIds: string[];
  /** Cohort devices whose deployment did not end confirmed (they keep serving what they had and do not count). */
  failedDeviceIds: string[];
}

export interface AbAssignment {
  id: string;
  selector: string;
  seed: string;
  state: AbState;
  createdAt: string;
  /** When every cohort was confirmed: only telemetry windows after this count. */
  servingSince: string | null;
  stoppedAt: string | null;
  variants: AbVariant[];
  /** Devices of the selection in no cohort (they keep what they run). */
  unassigned: string[];
  deployJobIds: string[];
  promotion: { variant: string; kind: 'rollout' | 'deploy'; id: string; deviceIds: string[] } | null;
  error: ErrorData | null;
}

/** An estimate with its 95 % interval (low/high null when there are too few samples). */
export interface AbInterval {
  estimate: number | null;
  low: number | null;
  high: number | null;
}

export interface AbVariantStats {
  name: string;
  modelName: string;
  modelVersion: number;
  control: boolean;
  devices: number;
  /** Devices with at least one counted telemetry window. */
  devicesReporting: number;
  windows: number;
  requests: number;
  errors: number;
  errorRate: number | null;
  latencyP50Ms: AbInterval;
  latencyP95Ms: AbInterval;
  confidenceMean: number | null;
  /** The application's own metrics (POST /v1/metrics on the devices), by name. */
  metrics: Record<string, AbMetricStats>;
}

export interface AbMetricStats {
  kind: 'count' | 'value';
  /** Events (count) or observations (value). */
  n: number;
  /** Inferences in the same windows, for counts. */
  inferences?: number;
  /** Events per inference (count) or the mean (value); null when there is nothing to divide by. */
  level: number | null;
  devices: number;
}

/** One device's drift over a period (devices.drift): per-window points and the period merged, as PSI against the model's reference. */
export interface DeviceDrift {
  since: string;
  /** PSI levels: below watch is ok, from act on a person should act. */
  thresholds: { watch: number; act: number };
  explanations: Record<'ok' | 'watch' | 'act', string>;
  model: { name: string; version: string; sha256: string } | null;
  /** The reference profile the distances are against; null with the reason in note. */
  reference: { samples: number } | null;
  note: string | null;
  /** Each stored window of the active model, judged alone; PSI null when it had too few samples (fewer than 100). */
  points: { start: string; end: string; samples: number; inputPsi: number | null; outputPsi: number | null }[];
  /** All the period's windows merged and judged, statistic by statistic. */
  merged: {
    samples: number;
    enough: boolean;
    minSamples: number;
    features: { key: string; group: 'input' | 'output'; psi: number; ks: number | null; js: number; level: 'ok' | 'watch' | 'act' }[];
    missing: string[];
  } | null;
}

/** One device's application metrics over a period, per model it served (the latest first). */
export interface DeviceAppMetrics {
  since: string;
  models: {
    modelName: string | null;
    modelVersion: string | null;
    /** The first and last telemetry window that carried metrics. */
    from: string;
    to: string;
    windows: number;
    metrics: Record<string, AbMetricStats>;
  }[];
}

/** variant / baseline of one application metric, 95 % interval, test on the log ratio. */
export interface AbMetricRatio {
  estimate: number | null;
  low: number | null;
  high: number | null;
  pValue: number | null;
  significant: boolean;
  /** Why it is not compared, when it is not. */
  note?: string;
}

export interface AbDifference extends AbInterval {
  pValue: number | null;
  significant: boolean;
}

export interface AbComparison {
  /** This variant against `baseline` (the control, else the first variant). */
  variant: string;
  baseline: string;
  /** variant − baseline, ms, interval from a device-level (cluster) bootstrap. */
  latencyP50DiffMs: AbDifference;
  latencyP95DiffMs: AbDifference;
  /** variant − baseline error rate, two-proportion z-test. */
  errorRateDiff: AbDifference;
  /** Shift of the per-window mean confidence: two-sample KS (p-value) and PSI. */
  confidenceShift: { ks: number | null; psi: number | null; pValue: number | null; significant: boolean };
  /** The application's metrics, variant over baseline, by name (every name either side reported). */
  metrics: Record<string, AbMetricRatio>;
  /** The primary metrics, p50 latency or error rate, differ significantly at 95 % (p95 and confidence are guardrails with their own flags). */
  significant: boolean;
}

export interface AbStatus {
  assignment: AbAssignment;
  /** 0.05: significant means p < 0.05 / the 95 % interval excludes 0. */
  alpha: number;
  variants: AbVariantStats[];
  comparisons: AbComparison[];
  /** The variant that promote picks by default; null when none beats the baseline safely. */
  winner: string | null;
  verdict: string;
  /** Devices of the cohorts that could not be reached for telemetry. */
  unreachable: string[];
  computedAt: string;
}

/** How an SSH host's agent runs: a systemd service (system or user), or a supervised background process. */
export type SshServiceMode = 'systemd' | 'systemd-user' | 'background';

/** A stock Linux host reached over SSH (see electron/core/ssh/). Never carries a password or key material. */
export interface SshHost {
  id: string;
  name: string;
  host: string;
  port: number;
  user: string;
  /** user@host[:port] */
  address: string;
  auth: 'key' | 'password';
  /** The private key's path on this machine (auth 'key'). */
  keyPath: string | null;
  /** Whether a password is kept in the OS keychain (Electron only; never in plain text). */
  passwordStored: boolean;
  hostKey: { type: string; fingerprint: string } | null;
  /** The paired agent's device id once provisioned; else the host's own `ssh` device. */
  deviceId: string;
  provisioned: SshInstall | null;
  lastDeploy: SshAgentlessDeploy | null;
  createdAt: string;
}

export interface SshInstall {
  mode: SshServiceMode;
  installDir: string;
  dataDir: string;
  agentPort: number;
  /** 'system': the host's own Node; 'bundled': a Node runtime uploaded with the agent. */
  runtime: 'system' | 'bundled';
  /** The folder under <installDir>/releases that `current` points at (older inventories: absent). */
  release?: string;
  at: string;
}

export interface SshHostCheck {
  os: string;
  arch: string;
  node: string | null;
  runtime: 'system' | 'bundled';
  freeBytes: number;
  systemd: boolean;
  root: boolean;
  mode: SshServiceMode;
}

export interface SshAgentlessDeploy {
  path: string;
  restart: string | null;
  modelId: string;
  modelName: string;
  sha256: string;
  /** The file kept as PATH.prev (null when there was none). */
  previousSha256: string | null;
  at: string;
  rolledBack: boolean;
}

export interface SshProvisionResult {
  hostId: string;
  deviceId: string;
  check: SshHostCheck;
  mode: SshServiceMode;
  /** The release folder the agent runs from (<installDir>/releases/<release>, pointed at by current). */
  release: string;
  uploaded: number;
  skipped: number;
  paired: 'new' | 'already';
}

/** A serial port as `serial.list` shows it: its USB identity and, once probed, what answers on it. */
export interface SerialPortInfo {
  path: string;
  vendorId: string | null;
  productId: string | null;
  manufacturer: string | null;
  serialNumber: string | null;
  /** agent: answered the link protocol's HELLO; silent: nothing answered; busy: another program holds it. */
  state: 'unknown' | 'agent' | 'silent' | 'busy' | 'denied' | 'gone' | 'error';
  detail: string | null;
  /** The paired inventory device on this port, if any. */
  deviceId: string | null;
}

/** An MQTT device's desired state (the console's record) beside what the device reported doing with it. */
export interface DesiredStateView {
  deviceId: string;
  /** 0 when none was ever set. */
  version: number;
  model: { name: string; version: string; sha256: string } | null;
  /** Where the device pulls it from; null: the console uploads it over the broker. */
  url: string | null;
  healthyWindowSec: number | null;
  source: string | null;
  updatedAt: string | null;
  /** The broker acknowledged this version (it is retained there). */
  published: boolean;
  reported: { version: number; outcome: 'in-sync' | 'trial' | 'reverted' | 'refused' | 'pending'; detail: string | null; at: string } | null;
  /** The device reported a final outcome for the current version. */
  converged: boolean;
}

/** Where a federated round is (see federated/round-machine.ts); the last four are final. */
export type FlPhase =
  | 'selecting'
  | 'training'
  | 'secagg-setup'
  | 'secagg-share-keys'
  | 'secagg-masked-input'
  | 'secagg-unmask'
  | 'aggregating'
  | 'evaluating'
  | 'registered'
  | 'rejected'
  | 'failed'
  | 'aborted';

export type FlAggregation = 'fedavg' | 'fedprox' | 'trimmed-mean';

/** What each device is asked to do (fl-train's request, less the round and model). */
export interface FlTrainConfig {
  epochs: number;
  batchSize: number;
  learningRate: number;
  proxMu: number;
  clipNorm: number | null;
  timeBudgetMs: number;
  heldOutFraction: number;
  /** The round's seed, when one was given: the same seed, model and device data train the same updates. */
  seed?: string;
}

/** How far one device got in a round. */
export type FlDeviceStatus = 'selected' | 'sent' | 'trained' | 'uploaded' | 'evaluated' | 'timed-out' | 'rejected' | 'not-needed';

/** A device of a round: selected for it, or looked at and excluded (status 'rejected' with the reason). */
export interface FlRoundDevice {
  deviceId: string;
  name: string;
  status: FlDeviceStatus;
  /** Why it was excluded, dropped or rejected; null while it takes part. */
  reason: string | null;
  samples: number | null;
  heldOut: number | null;
  lossBefore: number | null;
  lossAfter: number | null;
  heldOutLossBefore: number | null;
  heldOutLossAfter: number | null;
  /** fl-evaluate: the candidate's and the incumbent's held-out loss on this device. */
  evalLoss: number | null;
  evalLossActive: number | null;
  epochsRun: number | null;
  stoppedBy: 'epochs' | 'time-budget' | null;
  elapsedMs: number | null;
  /** DP with SecAgg+: whether the device had to clip its update (absent in other rounds). */
  updateClipped?: boolean;
}

export type FlEventKind = 'phase' | 'selected' | 'excluded' | 'sent' | 'trained' | 'uploaded' | 'timed-out' | 'rejected' | 'evaluated' | 'not-needed';

/** One line of a round's timeline: a phase change (deviceId null) or something one device did. */
export interface FlRoundEvent {
  seq: number;
  at: string;
  deviceId: string | null;
  kind: FlEventKind;
  detail: string;
}

export interface FlRoundSummary {
  id: string;
  modelId: string;
  modelName: string;
  phase: FlPhase;
  reason: string | null;
  aggregation: FlAggregation;
  secure: boolean;
  /** Devices asked for (selectCount), whose updates are in the aggregate, and dropped after selection. */
  selectCount: number;
  participants: number;
  droppedCount: number;
  candidateModelId: string | null;
  lossBefore: number | null;
  lossAfter: number | null;
  /** A DP round's ε, this round and the lineage; null without DP. */
  privacy: FlPrivacy | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

/**
 * A DP round's privacy (federated/dp-accountant.ts): ε of this round alone and of its model lineage so far
 * (RDP composition, so total is not spentBefore + epsilon), at delta. clippedFraction: the share of
 * participants whose update was longer than clipNorm, known once aggregated (null before).
 */
export interface FlPrivacy {
  epsilon: number;
  delta: number;
  noiseMultiplier: number;
  clipNorm: number;
  maxEpsilon: number;
  spentBefore: number;
  total: number;
  /** Earlier DP rounds of the lineage composed into spentBefore. */
  roundsBefore: number;
  clippedFraction: number | null;
  /** Whether the noised aggregate exists (it was sent to devices for evaluation, so it counts). */
  noised: boolean;
}

/** One SecAgg+ stage as the server closed it; threshold: shares needed to unmask. */
export interface FlSecAggStage {
  stage: 'setup' | 'share-keys' | 'masked-input' | 'unmask';
  asked: number;
  answered: number;
  dropped: number;
  rejected: number;
  threshold: number;
}

export interface FlRound extends FlRoundSummary {
  selector: string;
  minClients: number;
  overSelect: number;
  deadlineMs: number;
  /** When the deadline of the training (and SecAgg) stages passes. */
  deadlineAt: string;
  config: FlTrainConfig;
  numShares: number | null;
  threshold: number | null;
  /** Devices whose update is in the candidate; dropped: selected, sent the request, and not in it. */
  participantIds: string[];
  dropped: string[];
  devices: FlRoundDevice[];
  events: FlRoundEvent[];
  /** Rollouts fl.promote and fl.rollback started for this round, oldest first. */
  rollouts: { id: string; kind: 'promote' | 'rollback'; modelId: string; at: string }[];
  /** The process driving the round now, if any. */
  driver: RolloutDriver | null;
  /** Secure rounds: each SecAgg+ stage's counts, in order. */
  secagg: FlSecAggStage[];
  /** The device limits of eligibility (latest telemetry). */
  limits: { maxCpuPercent: number | null; maxTemperatureC: number | null };
}
