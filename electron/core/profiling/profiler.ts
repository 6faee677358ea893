// Layer-by-layer profiling of an ONNX model in onnxruntime-node. No Electron and no registry here:
// the device agent reuses this module as it is.
//
// Two sessions: a plain one gives the latency figures, a profiling one gives per-node times from ORT's
// trace. ORT's profiler adds a few µs of its own work inside and between node events, so profiled runs
// are slower than plain ones and node times add up to less than the traced run time; both are
// reported (nodeTimeUs, runTimeUs) rather than hidden. Both run with
// graphOptimizationLevel 'all' because that is what an application runs (an agent configured to run
// lower profiles at its own level); the profiling session also saves its optimized graph so that fused
// and renamed nodes map back to the original ones.
import { createHash, randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { AppError } from '../api/errors.js';
import type { GraphOptimization, ProfileDevice, ProfileResult } from '../api/types.js';
import { throwIfCancelled, type TaskContext } from '../jobs/task-types.js';
import { summarize } from '../util/stats.js';
import { readGraphNodes } from './graph-nodes.js';
import { buildFeeds, inputSpecs } from './inputs.js';
import { mapOptimizedNodes, type NodeCover } from './node-mapping.js';
import { PeakMemory } from './peak-memory.js';
import { buildRows } from './profile-rows.js';
import { summarizeTrace, type TraceEvent } from './trace.js';

export interface ProfileRequest {
  path: string;
  runs: number;
  warmup: number;
  /** Intra-op threads; 0 lets onnxruntime choose. */
  threads: number;
  inputNpy?: string;
  /** What the serving runtime runs at (default 'all'). */
  graphOptimization?: GraphOptimization;
}

/**
 * The trace grows by ~0.5 kB per node per run and is parsed whole, so the profiled pass stops at this
 * many runs; per-node means have long settled by then. The plain latency pass always does all runs.
 */
export const MAX_PROFILED_RUNS = 1000;

export async function profileModel(req: ProfileRequest, ctx: TaskContext): Promise<ProfileResult> {
  if (!Number.isInteger(req.runs) || req.runs < 1) {
    throw new AppError('PROFILE_OPTIONS', 'Invalid number of runs', `runs is ${req.runs}; give a whole number of 1 or more.`);
  }
  const warmup = Math.max(0, Math.floor(req.warmup));
  const modelBytes = await fsp.readFile(req.path);
  const modelSha256 = createHash('sha256').update(modelBytes).digest('hex');
  const base: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: req.graphOptimization ?? 'all',
    executionProviders: ['cpu'],
    // Errors only: ORT's load-time warnings (old opsets, machine-specific NCHWc models) would flood stderr.
    logSeverityLevel: 3,
    ...(req.threads > 0 ? { intraOpNumThreads: req.threads } : {}),
  };
  const memory = new PeakMemory();

  // 1. Latency without profiling.
  const latencies: number[] = [];
  const plain = await createSession(req.path, base);
  let feeds: Record<string, ort.Tensor>;
  try {
    feeds = await buildFeeds(inputSpecs(plain), req.inputNpy);
    const total = warmup + req.runs;
    for (let i = 0; i < total; i++) {
      throwIfCancelled(ctx.signal);
      const t0 = process.hrtime.bigint();
      await plain.run(feeds);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      memory.sample();
      if (i >= warmup) latencies.push(ms);
      reportRun(ctx, i, warmup, req.runs, 0, 'latency');
    }
  } finally {
    await plain.release();
  }

  // 2. Per-node times from ORT's trace, with the same warm-up and runs.
  const prefix = path.join(ctx.tmpDir, `profile-${randomUUID().slice(0, 8)}`);
  const optimizedPath = `${prefix}-optimized.onnx`;
  // ORT's profiler reads the arena's statistics for every node event, which costs more than many
  // small kernels take (sample model: profiled runs ~2.7× plain with the arena, ~2× without it).
  // Without the arena the plain latency barely changes, so the node times stay representative.
  const profiled = await createSession(req.path, {
    ...base,
    enableCpuMemArena: false,
    enableProfiling: true,
    profileFilePrefix: prefix,
    optimizedModelFilePath: optimizedPath,
  });
  const profiledRuns = Math.min(req.runs, MAX_PROFILED_RUNS);
  try {
    for (let i = 0; i < warmup + profiledRuns; i++) {
      throwIfCancelled(ctx.signal);
      await profiled.run(feeds);
      memory.sample();
      reportRun(ctx, i, warmup, profiledRuns, 1, 'per-node trace');
    }
    profiled.endProfiling();
  } finally {
    await profiled.release();
  }
  const peakMemoryBytes = memory.peakBytes();

  ctx.progress({ phase: 'parsing-trace', fraction: null });
  const tracePath = await findTrace(prefix);
  const events = JSON.parse(await fsp.readFile(tracePath, 'utf8')) as TraceEvent[];
  const trace = summarizeTrace(events, profiledRuns);
  const { covers, sources } = await nodeCovers(modelBytes, optimizedPath);
  const { rows, opBreakdown, nodeTimeUs } = buildRows(trace.nodes, covers, sources);

  return {
    id: randomUUID(),
    modelId: null,
    modelName: path.basename(req.path),
    modelSha256,
    device: workstation(),
    runtime: { name: 'onnxruntime-node', version: ort.env.versions.node ?? ort.env.versions.common },
    options: { runs: req.runs, warmup, threads: req.threads, input: req.inputNpy ? path.basename(req.inputNpy) : 'random', ...(req.graphOptimization && req.graphOptimization !== 'all' ? { graphOptimization: req.graphOptimization } : {}) },
    createdAt: new Date().toISOString(),
    latencyMs: summarize(latencies),
    peakMemoryBytes,
    nodeTimeUs,
    runTimeUs: trace.runTimeUs,
    rows,
    opBreakdown,
  };
}

/** Progress over both passes: the plain pass is the first half of the bar, the profiled one the second. */
function reportRun(ctx: TaskContext, i: number, warmup: number, runs: number, pass: 0 | 1, message: string): void {
  const total = warmup + runs;
  const fraction = (pass + (i + 1) / total) / 2;
  // Report about 100 times per pass at most: progress crosses process boundaries.
  if ((i + 1) % Math.max(1, Math.floor(total / 100)) !== 0 && i + 1 !== total) return;
  if (i < warmup) ctx.progress({ phase: 'warmup', run: i + 1, runs: warmup, fraction, message });
  else ctx.progress({ phase: 'profiling', run: i + 1 - warmup, runs, fraction, message });
}

async function createSession(file: string, options: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(file, options);
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new AppError('MODEL_LOAD_FAILED', 'onnxruntime cannot load the model', `${path.basename(file)}: ${message}`);
  }
}

/** Original nodes behind each executed node; by name alone when the optimized graph cannot be read. */
async function nodeCovers(modelBytes: Uint8Array, optimizedPath: string): Promise<{ covers: Map<string, NodeCover>; sources: Map<string, string> }> {
  const original = readGraphNodes(modelBytes);
  const sources = new Map(original.nodes.filter((n) => n.source).map((n) => [n.name, n.source!]));
  let covers = new Map<string, NodeCover>();
  try {
    covers = mapOptimizedNodes(original, readGraphNodes(await fsp.readFile(optimizedPath)));
  } catch {
    // ORT could not save the optimized graph (e.g. over 2 GB): rows that kept an original name still map.
  }
  // ORT's saved graph can name an unnamed node differently from the session that ran (MatMul_0 vs
  // MatMul_1): a traced name that is an original node's name then stands for that node.
  for (const n of original.nodes) if (!covers.has(n.name)) covers.set(n.name, { nodes: [n.name], fused: false });
  return { covers, sources };
}

/** ORT names the trace `<prefix>_<date>_<time>.json` and does not return the name to JavaScript. */
async function findTrace(prefix: string): Promise<string> {
  const dir = path.dirname(prefix);
  const stem = path.basename(prefix);
  const found = (await fsp.readdir(dir)).filter((f) => f.startsWith(`${stem}_`) && f.endsWith('.json'));
  if (found.length === 0) {
    throw new AppError('PROFILE_TRACE_MISSING', 'No profiling trace', `onnxruntime wrote no trace under ${dir}. Check that the folder is writable.`);
  }
  return path.join(dir, found.sort().at(-1)!);
}

export function workstation(): ProfileDevice {
  return { id: 'workstation', name: os.hostname(), arch: process.arch, platform: process.platform, cpu: os.cpus()[0]?.model ?? 'unknown' };
}
