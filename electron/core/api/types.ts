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

export interface DeviceSummary {
  id: string;
  name: string;
  transport: 'lan' | 'serial' | 'ssh';
  address: string;
  state: string;
  paired: boolean;
  activeModel: string | null;
  lastSeen: string | null;
  tags: string[];
}
