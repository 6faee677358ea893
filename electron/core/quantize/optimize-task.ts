// The optimize job: make a variant of a float parent (static/dynamic INT8, float16, ORT format,
// optimized ONNX, tuned mixed precision) into ctx.tmpDir, then put it through the safety net:
// it must load and run, agree with its parent, keep its accuracy, and its speed is measured
// side by side with the parent's. With `strict`, a failed check removes the output and throws.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ImagePreprocess, OptimizeRecipe, SensitivityReport, VariantMetrics } from '../api/types.js';
import { AppError } from '../api/errors.js';
import { throwIfCancelled, type TaskContext } from '../jobs/task-types.js';
import { measureKernelCoverage } from './kernel-coverage.js';
import { produceVariant } from './produce-variant.js';
import type { QuantizeReport } from './report-types.js';
import { chooseSamples } from './sample-inputs.js';
import { measureSensitivity } from './sensitivity.js';
import { sideBySide } from './side-by-side.js';
import { calibrateAll } from './static-build.js';
import { deviceTimer, type DeviceTimingTarget } from './device-timing.js';
import { workstationSource, type LatencyOracle } from './latency-oracle.js';
import { safetyNetDetail, thresholdsFor, variantFlags } from './variant-flags.js';

export interface OptimizeTaskInput {
  parentPath: string;
  recipe: OptimizeRecipe;
  strict: boolean;
  /** Time the parent and every candidate on this device (staged, never activated) instead of here. */
  device?: DeviceTimingTarget;
}

export interface OptimizeTaskResult {
  outputPath: string;
  format: 'onnx' | 'ort';
  metrics: VariantMetrics;
  parentMetrics: VariantMetrics | null;
  report: QuantizeReport | null;
}

const INT8_MODES = new Set<OptimizeRecipe['mode']>(['static', 'dynamic', 'tune']);

/** Drops sub-steps' 'done' so that only the job's own end reports it. */
function withoutDone(ctx: TaskContext): TaskContext {
  return { ...ctx, progress: (p) => p.phase !== 'done' && ctx.progress(p) };
}

export async function runOptimize(input: OptimizeTaskInput, ctx: TaskContext): Promise<OptimizeTaskResult> {
  const { parentPath, recipe } = input;
  const scratch = await fsp.mkdtemp(path.join(ctx.tmpDir, 'work-'));
  let outputPath: string | null = null;
  const oracle: LatencyOracle | undefined = input.device ? deviceTimer(input.device, scratch) : undefined;
  try {
    const made = await produceVariant(parentPath, recipe, withoutDone(ctx), scratch, oracle);
    outputPath = made.outputPath;
    throwIfCancelled(ctx.signal);

    const samples = await chooseSamples(parentPath, recipe, scratch);
    ctx.progress({ phase: 'evaluating', fraction: 0, message: `against the parent on ${samples.description}` });
    const sbs = await sideBySide({
      parent: parentPath,
      variant: outputPath,
      inputsNpy: samples.inputsNpy,
      labelsNpy: samples.labelsNpy,
      preprocess: recipe.preprocess,
      maxSamples: 1024,
      latencyRuns: 60,
      latencyOracle: oracle,
      signal: ctx.signal,
      onCompare: (done, total) => ctx.progress({ phase: 'evaluating', fraction: done / total, message: `${done} of ${total} samples` }),
      onLatency: (run, runs) =>
        ctx.progress({ phase: 'profiling', fraction: run / runs, run, runs, message: input.device ? `on ${input.device.device.name}: parent, then variant` : 'batch-1 latency, parent and variant in turn' }),
    });
    // The job's candidate is what the device keeps staged (tune may have sent another one last).
    if (oracle) await oracle.stage(outputPath, ctx.signal);
    const timing = oracle ? oracle.source : workstationSource();
    let integerCoverage: number | null = null;
    if (INT8_MODES.has(recipe.mode)) {
      ctx.progress({ phase: 'analysing', fraction: null, message: 'which kernels run' });
      const meta = await ort.InferenceSession.create(outputPath);
      const feeds = { [meta.inputNames[0]]: new ort.Tensor('float32', sbs.firstRow.data, sbs.firstRow.shape) };
      await meta.release();
      integerCoverage = (await measureKernelCoverage(outputPath, feeds, scratch)).coverage;
    }

    const sizeBytes = (await fsp.stat(outputPath)).size;
    const parentSize = (await fsp.stat(parentPath)).size;
    const evaluatedOn = `${samples.description} (${sbs.samples} samples)`;
    const parentMetrics: VariantMetrics = {
      sizeBytes: parentSize,
      latencyP50Ms: sbs.parent.latencyP50Ms,
      latencyRatio: 1,
      top1: sbs.parent.top1,
      top5: sbs.parent.top5,
      agreement: null,
      sqnrDb: null,
      integerCoverage: null,
      evaluatedOn,
      flags: [],
      timing,
      ...(sbs.timing ? { deviceLatency: { p50Ms: sbs.timing.parent.p50Ms, p95Ms: sbs.timing.parent.p95Ms, peakBytes: sbs.timing.parent.peakBytes } } : {}),
    };
    const metrics: VariantMetrics = {
      sizeBytes,
      latencyP50Ms: sbs.variant.latencyP50Ms,
      latencyRatio: sbs.variant.latencyP50Ms / sbs.parent.latencyP50Ms,
      top1: sbs.variant.top1,
      top5: sbs.variant.top5,
      agreement: sbs.agreement,
      sqnrDb: Number.isFinite(sbs.sqnrDb) ? sbs.sqnrDb : 200,
      integerCoverage,
      evaluatedOn,
      flags: [],
      ...(made.report ? { floatNodes: made.report.nodes.filter((n) => n.status === 'float').map(({ name, opType, reason }) => ({ name, opType, reason })) } : {}),
      ...(made.requiredOperators ? { requiredOperators: made.requiredOperators } : {}),
      ...(made.tuning ? { tuning: made.tuning } : {}),
      timing,
      ...(sbs.timing ? { deviceLatency: { p50Ms: sbs.timing.variant.p50Ms, p95Ms: sbs.timing.variant.p95Ms, peakBytes: sbs.timing.variant.peakBytes } } : {}),
      ...(oracle?.cost ? { deviceCost: oracle.cost() } : {}),
    };
    metrics.flags = variantFlags(metrics, parentMetrics, thresholdsFor(recipe));
    if (input.strict && metrics.flags.some((f) => f.level === 'error')) {
      throw new AppError('SAFETY_NET', 'The optimized model failed its safety checks', safetyNetDetail(metrics.flags, recipe.mode));
    }
    ctx.progress({ phase: 'done', fraction: 1 });
    return { outputPath, format: made.format, metrics, parentMetrics, report: made.report };
  } catch (err) {
    if (outputPath) await fsp.rm(outputPath, { force: true });
    throw err;
  } finally {
    await oracle?.close();
    await fsp.rm(scratch, { recursive: true, force: true });
  }
}

export async function runSensitivity(input: { parentPath: string; calibrationNpy: string; preprocess?: ImagePreprocess }, ctx: TaskContext): Promise<SensitivityReport> {
  ctx.progress({ phase: 'reading', fraction: null });
  const parent = await fsp.readFile(input.parentPath);
  const ranges = await calibrateAll(parent, { method: 'percentile', percentile: 99.999 }, {
    file: input.calibrationNpy,
    preprocess: input.preprocess,
    maxSamples: 512,
    signal: ctx.signal,
    onProgress: (done, total) => ctx.progress({ phase: 'calibrating', fraction: done / total, message: `${done} of ${total} samples` }),
  });
  const r = await measureSensitivity(parent, ranges, {
    samplesNpy: input.calibrationNpy,
    preprocess: input.preprocess,
    samples: 32,
    activationType: 'uint8',
    perChannel: true,
    signal: ctx.signal,
    onProgress: (done, total) => ctx.progress({ phase: 'analysing', fraction: done / total, message: `layer ${done} of ${total}` }),
  });
  ctx.progress({ phase: 'done', fraction: 1 });
  return {
    modelName: path.basename(input.parentPath, path.extname(input.parentPath)),
    rows: r.layers.map(({ node, opType, outputSqnrDb, tensorSqnrDb }) => ({ node, opType, outputSqnrDb, tensorSqnrDb })),
    fullInt8OutputSqnrDb: r.fullInt8OutputSqnrDb,
  };
}
