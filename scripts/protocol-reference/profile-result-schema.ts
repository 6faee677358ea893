// The `profile` response as a schema, for the reference only: the console checks no more than that the
// answer is an object (messages.ts), but its profile views read these fields. The type check below
// keeps this schema and the ProfileResult interface the agent and the console share from drifting.
import { z } from 'zod';
import type { ProfileResult } from '../../resources/device-protocol/profile-result.js';

const latencyStats = z
  .object({ mean: z.number(), p50: z.number(), p95: z.number(), p99: z.number(), min: z.number(), max: z.number() })
  .describe('Per-run latency over the timed runs, milliseconds.');

const row = z.object({
  name: z.string().describe('The node as the runtime ran it (a fused node may carry a new name).'),
  opType: z.string().describe('Operator type (Conv, MatMul, CONV_2D ...).'),
  nodes: z.array(z.string()).describe("Names of the original graph's nodes this row covers (more than one when fused)."),
  fused: z.boolean().describe('The runtime fused several nodes into this one.'),
  calls: z.number().describe('Times the node ran over the profiled runs.'),
  meanUs: z.number().describe('Mean time per call, microseconds.'),
  p50Us: z.number().describe('Median time per call, microseconds.'),
  share: z.number().describe("Fraction (0 ... 1) of the summed node time."),
  outputShape: z.string().nullable().describe('The first output\'s shape ("1x32x14x14"); null when unknown.'),
  provider: z.string().describe('The execution provider that ran it (CPUExecutionProvider, or the firmware runtime).'),
  sourceOps: z.array(z.string()).optional().describe('For a model converted from TFLite: the TFLite operators behind this row.'),
});

export const profileResultSchema = z
  .object({
    id: z.string().describe('An id for this profile.'),
    modelId: z.string().nullable().describe("The console's model id; a device answers null."),
    modelName: z.string().describe('The active model (manifest name).'),
    modelSha256: z.string().describe('SHA-256 of the model file that ran, lowercase hex.'),
    device: z
      .object({ id: z.string(), name: z.string(), arch: z.string(), platform: z.string(), cpu: z.string() })
      .describe('The device, as in info (id is the deviceId).'),
    runtime: z.object({ name: z.string(), version: z.string() }).describe('The runtime that ran the model.'),
    options: z
      .object({ runs: z.number(), warmup: z.number(), threads: z.number(), input: z.string() })
      .describe('The options the profile ran with; input: "random" for generated inputs.'),
    createdAt: z.string().describe('ISO 8601 UTC.'),
    latencyMs: latencyStats,
    peakMemoryBytes: z.number().describe('Peak memory while profiling, bytes.'),
    nodeTimeUs: z.number().describe('Sum of node times per run, microseconds (against runTimeUs, to show coverage).'),
    runTimeUs: z.number().describe('Measured time per run, microseconds.'),
    rows: z.array(row).describe('One row per node, slowest first.'),
    opBreakdown: z
      .array(z.object({ opType: z.string(), us: z.number(), share: z.number(), count: z.number() }))
      .describe('Time per operator type: microseconds per run, fraction of node time, number of nodes.'),
  })
  .describe('A layer-by-layer profile of the active model.');

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShape: Same<z.infer<typeof profileResultSchema>, ProfileResult> = true;
void sameShape;
