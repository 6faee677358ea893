// Where an optimize job's latency comes from. The workstation (the default) times models in this
// process; a latency oracle times them somewhere else, such as a paired device through its agent's
// profiler (device-timing.ts), and says where in its `source`, which the variant's metrics keep.
import * as ort from 'onnxruntime-node';
import type { DeviceTimingCost, ProfileRow, TimingSource } from '../api/types.js';
import { cpuInfo } from '../util/cpu-info.js';

/** One model's batch-1 timing where the oracle runs it. */
export interface ModelTiming {
  modelSha256: string;
  p50Ms: number;
  p95Ms: number;
  meanMs: number;
  /** null when the profiler does not report it. */
  peakBytes: number | null;
  /** Per-layer rows of the profiler (nodes: the original graph nodes each covers). */
  perLayer: ProfileRow[];
}

export interface LatencyOracle {
  /** Where the timings come from; a device's runtime is filled in from its first profile. */
  readonly source: TimingSource;
  /** Times a model (a file path or its bytes); the same bytes twice give the first answer again. */
  time(model: string | Uint8Array, signal?: AbortSignal): Promise<ModelTiming>;
  /** Leaves this model in the device's staging (the job's result), sending it again only when needed. */
  stage(model: string | Uint8Array, signal?: AbortSignal): Promise<void>;
  /** What timing there cost so far (device oracles). */
  cost?(): DeviceTimingCost;
  close(): Promise<void>;
}

export function workstationSource(): TimingSource {
  const cpu = cpuInfo();
  return { kind: 'workstation', cpu: cpu.model, cpuFeatures: cpu.int8Features, runtime: `onnxruntime-node ${ort.env.versions.node ?? ort.env.versions.common}` };
}
