// Result types of the quantize task. Plain data: they cross process boundaries as JSON.

export interface NodeDecision {
  name: string;
  opType: string;
  /** folded: a Relu/Clip whose range went into its producer's quantization. */
  status: 'quantized' | 'folded' | 'float';
  reason: string | null;
}

export interface SafetyNet {
  samples: number;
  /** Share of samples whose top-1 class matches the parent's (0..1). */
  agreement: number;
  sqnrDb: number;
  /** Quantized latency / parent latency at batch 1 (below 1 is faster). */
  latencyRatio: number;
  parentLatencyMs: number;
  latencyMs: number;
}

export interface QuantizeReport {
  mode: 'static' | 'dynamic' | 'fp16';
  output: string;
  sizeBytes: number;
  parentSizeBytes: number;
  sizeRatio: number;
  nodesQuantized: number;
  nodesFolded: number;
  nodesFloat: number;
  nodes: NodeDecision[];
  /** Notes on choices made for the user (per-tensor fallback, ...). */
  notes: string[];
  safetyNet: SafetyNet | null;
}
