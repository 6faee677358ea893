// First half of an optimize job: make the variant file from the parent, whatever the recipe's mode.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { OptimizeRecipe, VariantMetrics } from '../api/types.js';
import { AppError } from '../api/errors.js';
import type { TaskContext } from '../jobs/task-types.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { convertModel } from './convert.js';
import type { LatencyOracle } from './latency-oracle.js';
import { quantizeModel } from './quantize-model.js';
import type { QuantizeReport } from './report-types.js';
import { calibrateAll } from './static-build.js';
import { tuneStatic } from './tune.js';

export interface ProducedVariant {
  outputPath: string;
  format: 'onnx' | 'ort';
  report: QuantizeReport | null;
  requiredOperators?: string[];
  tuning?: VariantMetrics['tuning'];
}

const calibrationSettings = (r: OptimizeRecipe) => ({ method: r.method ?? 'percentile', percentile: 99.999 });

/** `latency`: where tune times its steps (a device); absent: in this process. */
export async function produceVariant(parentPath: string, recipe: OptimizeRecipe, ctx: TaskContext, scratchDir: string, latency?: LatencyOracle): Promise<ProducedVariant> {
  const onnxOut = path.join(ctx.tmpDir, 'model.onnx');
  switch (recipe.mode) {
    case 'static':
    case 'dynamic':
    case 'fp16': {
      const report = await quantizeModel(
        {
          model: parentPath,
          output: onnxOut,
          mode: recipe.mode,
          method: recipe.method,
          perChannel: recipe.perChannel,
          activationType: recipe.activationType,
          exclude: recipe.exclude,
          calibrationNpy: recipe.calibrationNpy ?? null,
          preprocess: recipe.preprocess,
          safetyNet: false,
        },
        ctx,
      );
      return { outputPath: onnxOut, format: 'onnx', report };
    }
    case 'ort':
    case 'optimized': {
      ctx.progress({ phase: 'converting', fraction: null, message: recipe.mode === 'ort' ? 'to ORT format' : 'to optimized ONNX' });
      const r = await convertModel(parentPath, recipe.mode, ctx.tmpDir, scratchDir);
      return { outputPath: r.output, format: r.format, report: null, ...(r.format === 'ort' ? { requiredOperators: r.requiredOperators } : {}) };
    }
    case 'tune':
      return tune(parentPath, recipe, ctx, onnxOut, latency);
  }
}

async function tune(parentPath: string, recipe: OptimizeRecipe, ctx: TaskContext, output: string, latency?: LatencyOracle): Promise<ProducedVariant> {
  const { calibrationNpy, evalInputsNpy, evalLabelsNpy, preprocess } = recipe;
  if (!calibrationNpy || !evalInputsNpy) {
    throw new AppError('TUNE_NEEDS_DATA', 'Tuning needs calibration and labelled eval data', 'Mixed-precision tuning measures the accuracy of each candidate: give calibration samples (calibrationNpy) and labelled evaluation data (evalInputsNpy with evalLabelsNpy, or a labelled image folder).');
  }
  ctx.progress({ phase: 'reading', fraction: null });
  const parent = await fsp.readFile(parentPath);
  const ranges = await calibrateAll(parent, calibrationSettings(recipe), {
    file: calibrationNpy,
    preprocess,
    maxSamples: 512,
    signal: ctx.signal,
    onProgress: (done, total) => ctx.progress({ phase: 'calibrating', fraction: done / total, message: `${done} of ${total} samples` }),
  });
  const maxDrop = recipe.maxDrop ?? 0.01;
  const r = await tuneStatic({
    parent,
    ranges,
    activationType: recipe.activationType ?? 'uint8',
    perChannel: recipe.perChannel ?? true,
    calibrationNpy,
    evalInputsNpy,
    evalLabelsNpy,
    preprocess,
    maxDrop,
    latency,
    signal: ctx.signal,
    onStep: (s, n) => ctx.progress({ phase: 'tuning', fraction: null, message: `step ${n}: ${s.keptFloat.length} layers float, top-1 ${(s.top1 * 100).toFixed(1)} %` }),
  });
  ctx.progress({ phase: 'saving', fraction: null });
  await writeFileAtomic(output, r.bytes);
  const nodes = r.decisions.map((d) => (r.keptFloat.includes(d.name) ? { ...d, reason: r.floatReasons?.[d.name] ?? 'kept float by tuning (sensitive layer)' } : d));
  const bySpeed = r.deviceLayers?.filter((l) => l.keptFloat).length ?? 0;
  const notes = [
    r.withinBudget
      ? `Kept ${r.keptFloat.length - bySpeed} layer(s) in float to stay within a top-1 drop of ${(maxDrop * 100).toFixed(2)} points (float top-1 ${(r.floatTop1 * 100).toFixed(1)} %).`
      : `No measured mix met the top-1 budget of ${(maxDrop * 100).toFixed(2)} points; this is the most accurate one found.`,
    ...(r.deviceLayers ?? []).map((l) => `${l.node} (${l.opType}): ${l.reason}.`),
  ];
  const report: QuantizeReport = {
    mode: 'static',
    output,
    sizeBytes: r.bytes.byteLength,
    parentSizeBytes: parent.byteLength,
    sizeRatio: r.bytes.byteLength / parent.byteLength,
    nodesQuantized: nodes.filter((n) => n.status === 'quantized').length,
    nodesFolded: nodes.filter((n) => n.status === 'folded').length,
    nodesFloat: nodes.filter((n) => n.status === 'float').length,
    nodes,
    notes,
    safetyNet: null,
  };
  return { outputPath: output, format: 'onnx', report, tuning: { steps: r.steps, ...(r.deviceLayers ? { deviceLayers: r.deviceLayers } : {}) } };
}
