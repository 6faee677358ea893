// The quantize task: one entry point for static INT8 (QDQ), dynamic INT8 and float16, which writes the
// result atomically and reports what changed and how the result compares with its parent.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { AppError } from '../api/errors.js';
import { throwIfCancelled, type TaskContext } from '../jobs/task-types.js';
import { decodeModel, encodeModel } from '../onnx/codec.js';
import type { onnx } from '../onnx/generated/onnx.js';
import { toNumber } from '../onnx/int64.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { calibrate } from './calibrate/run-calibration.js';
import { quantizeDynamic } from './dynamic.js';
import { evaluateModel } from './evaluate.js';
import { convertToFp16 } from './fp16.js';
import { quantizeOptionsSchema, type QuantizeOptionsInput, type QuantizeOptions } from './options.js';
import type { NodeDecision, QuantizeReport, SafetyNet } from './report-types.js';
import { planStatic } from './static-plan.js';
import { applyStatic } from './static-qdq.js';

export async function quantizeModel(input: QuantizeOptionsInput, ctx: TaskContext): Promise<QuantizeReport> {
  const opts = quantizeOptionsSchema.parse(input);
  ctx.progress({ phase: 'reading', fraction: null });
  const parentBytes = await fsp.readFile(opts.model);
  let model: onnx.ModelProto;
  try {
    model = decodeModel(parentBytes);
  } catch (err) {
    throw new AppError('QUANT_MODEL_INVALID', 'Not a readable ONNX model', `${path.basename(opts.model)}: ${(err as Error).message}. Choose an .onnx file.`);
  }
  if (!model.graph) throw new AppError('QUANT_MODEL_INVALID', 'Model has no graph', `${path.basename(opts.model)} holds no graph to quantize.`);
  const notes: string[] = [];
  ctx.progress({ phase: 'analysing', fraction: null, message: opts.mode });
  const nodes = await transform(model, opts, ctx, notes);
  throwIfCancelled(ctx.signal);
  if (!nodes.some((n) => n.status === 'quantized')) {
    const reasons = [...new Set(nodes.map((n) => `${n.opType}: ${n.reason}`))].slice(0, 5).join('; ');
    throw new AppError('QUANT_NOTHING_TO_DO', 'Nothing to quantize', `No node of ${path.basename(opts.model)} can be converted in ${opts.mode} mode (${reasons || 'the graph is empty'}). Try another mode or check the exclude list.`);
  }
  model.producer_name = 'EdgeFleet';
  const bytes = encodeModel(model);

  ctx.progress({ phase: 'load-check', fraction: null });
  await loadCheck(bytes);
  const samples = opts.safetyNet ? opts.sampleNpy ?? opts.calibrationNpy : null;
  let safetyNet: SafetyNet | null = null;
  if (samples) {
    const r = await evaluateModel({ model: bytes, reference: parentBytes, inputsNpy: samples, preprocess: opts.preprocess, maxSamples: opts.safetySamples, latencySamples: 20, signal: ctx.signal });
    const ref = r.referenceLatencyMs!;
    safetyNet = { samples: r.samples, agreement: r.agreement!, sqnrDb: r.sqnrDb!, latencyMs: r.latencyMs.p50, parentLatencyMs: ref.p50, latencyRatio: r.latencyMs.p50 / ref.p50 };
  }
  throwIfCancelled(ctx.signal);
  ctx.progress({ phase: 'saving', fraction: null });
  await writeFileAtomic(opts.output, bytes);
  ctx.progress({ phase: 'done', fraction: 1 });
  return {
    mode: opts.mode,
    output: opts.output,
    sizeBytes: bytes.byteLength,
    parentSizeBytes: parentBytes.byteLength,
    sizeRatio: bytes.byteLength / parentBytes.byteLength,
    nodesQuantized: nodes.filter((n) => n.status === 'quantized').length,
    nodesFolded: nodes.filter((n) => n.status === 'folded').length,
    nodesFloat: nodes.filter((n) => n.status === 'float').length,
    nodes,
    notes,
    safetyNet,
  };
}

function defaultOpset(model: onnx.IModelProto): number {
  const entry = (model.opset_import ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return entry ? toNumber(entry.version) : 0;
}

async function transform(model: onnx.ModelProto, opts: QuantizeOptions, ctx: TaskContext, notes: string[]): Promise<NodeDecision[]> {
  const opset = defaultOpset(model);
  if (opts.mode === 'fp16') {
    return convertToFp16(model, { keepIoTypes: opts.keepIoTypes, blockList: opts.fp16BlockList ?? undefined });
  }
  const needed = opts.mode === 'dynamic' ? 11 : 10;
  if (opset < needed) {
    throw new AppError('QUANT_OPSET', 'Model opset too old', `The model uses ONNX opset ${opset}; ${opts.mode} INT8 needs opset ${needed} or newer. Re-export the model with a newer opset (13 is a good choice).`);
  }
  if (opts.mode === 'dynamic') {
    if (!opts.dynamicConvs) notes.push('Conv stays float in dynamic mode: onnxruntime runs ConvInteger far slower than float Conv (enable dynamicConvs to force it).');
    return quantizeDynamic(model, { perChannel: opts.perChannel, exclude: opts.exclude, convs: opts.dynamicConvs });
  }
  if (!opts.calibrationNpy) {
    throw new AppError('QUANT_NO_CALIBRATION', 'Calibration data needed', 'Static quantization measures activation ranges on sample inputs. Give a .npy file of float32 inputs or a folder of images (calibrationNpy), or use dynamic mode.');
  }
  let perChannel = opts.perChannel;
  if (perChannel && opset < 13) {
    perChannel = false;
    notes.push(`Per-channel weights need opset 13 (the model has ${opset}): weights were quantized per tensor.`);
  }
  const plan = planStatic(model, opts.exclude);
  if (plan.quantNodes.size === 0) return plan.decisions;
  const ranges = await calibrate(
    model,
    plan.calibrate,
    { method: opts.method, percentile: opts.percentile, movingAverage: opts.movingAverage },
    {
      file: opts.calibrationNpy,
      preprocess: opts.preprocess,
      batch: opts.calibrationBatch,
      maxSamples: opts.calibrationSamples,
      signal: ctx.signal,
      onProgress: (done, total) => ctx.progress({ phase: 'calibrating', fraction: done / total, message: `${done} of ${total} samples` }),
    },
  );
  ctx.progress({ phase: 'quantizing', fraction: null });
  applyStatic(plan, ranges, { activationType: opts.activationType, perChannel });
  return plan.decisions;
}

async function loadCheck(bytes: Uint8Array): Promise<void> {
  try {
    const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all' });
    await session.release();
  } catch (err) {
    throw new AppError('QUANT_RESULT_INVALID', 'The converted model does not load', `onnxruntime refused the result: ${(err as Error).message.split('\n')[0]}. Exclude the node it names and try again.`);
  }
}
