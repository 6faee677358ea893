// Result and event payload types shared by the core, the CLI and the renderer.
// Pure types only: this file is imported by the renderer bundle.

export interface ErrorData {
  code: string;
  title: string;
  detail: string;
}

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
  loadable: { ok: boolean; error: string | null };
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

export interface LatencyStats {
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
}

export interface ProfileRow {
  /** Name of the node as ORT ran it (a fused node may have a new name). */
  name: string;
  opType: string;
  /** Names of the original graph's nodes this row covers (more than one when ORT fused them). */
  nodes: string[];
  fused: boolean;
  calls: number;
  meanUs: number;
  p50Us: number;
  share: number;
  outputShape: string | null;
  provider: string;
}

export interface ProfileDevice {
  id: string;
  name: string;
  arch: string;
  platform: string;
  cpu: string;
}

export interface ProfileOptions {
  runs: number;
  warmup: number;
  threads: number;
  input: string;
}

export interface ProfileSummary {
  id: string;
  modelId: string | null;
  modelName: string;
  modelSha256: string;
  device: ProfileDevice;
  runtime: { name: string; version: string };
  options: ProfileOptions;
  createdAt: string;
  latencyMs: LatencyStats;
}

export interface ProfileResult extends ProfileSummary {
  peakMemoryBytes: number;
  /** Sum of node times per run (µs) against the measured run time, to show coverage. */
  nodeTimeUs: number;
  runTimeUs: number;
  rows: ProfileRow[];
  opBreakdown: { opType: string; us: number; share: number; count: number }[];
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
  transport: 'lan' | 'serial' | 'ssh';
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
  lastSeen: string | null;
  tags: string[];
  groups: string[];
  telemetry: DeviceTelemetry | null;
}

export interface DeviceDetail extends DeviceSummary {
  slots: DeviceSlot[];
  history: DeviceTelemetry[];
  profiles: ProfileSummary[];
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
  tuning?: { steps: { keptFloat: string[]; top1: number; sizeBytes: number; latencyP50Ms: number }[] };
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
