// What a device's profiler reports (the `profile` operation's response), the same shape the console's own
// profiler produces, so rows from a workstation and a board compare one for one.

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
  /** For a model converted from TFLite: the TFLite operators behind this row ("12 CONV_2D <output tensor>"). */
  sourceOps?: string[];
}

export interface ProfileDevice {
  id: string;
  name: string;
  arch: string;
  platform: string;
  cpu: string;
}

/** onnxruntime's graph optimization level; a board may run below 'all' (fewer fused kernels, no INT8 fast paths). */
export type GraphOptimization = 'disabled' | 'basic' | 'extended' | 'all';

export interface ProfileOptions {
  runs: number;
  warmup: number;
  threads: number;
  input: string;
  /** Absent in older profiles: 'all'. */
  graphOptimization?: GraphOptimization;
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

/**
 * Energy per inference of the profiled model on the device (profile `energySec`): idle measured before and
 * after, load blocks of back-to-back inferences; joules above idle per inference, with a 95 % interval over
 * the blocks. Or plainly why there is none.
 */
export type ProfileEnergy =
  | {
      available: true;
      source: { id: string; name: string; driver: string; scope: string };
      idlePowerW: number;
      /** Mean over the blocks of (block energy − idle power × its duration) / its inferences. */
      joulesPerInference: number;
      low: number | null;
      high: number | null;
      blocks: number;
      inferences: number;
      loadSeconds: number;
    }
  | { available: false; reason: string };

export interface ProfileResult extends ProfileSummary {
  peakMemoryBytes: number;
  /** Sum of node times per run (µs) against the measured run time, to show coverage. */
  nodeTimeUs: number;
  /** Present when the profile asked for energy (devices only). */
  energy?: ProfileEnergy;
  runTimeUs: number;
  rows: ProfileRow[];
  opBreakdown: { opType: string; us: number; share: number; count: number }[];
}
