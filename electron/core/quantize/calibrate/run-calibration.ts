// Runs the augmented model over the calibration batches and feeds each tensor's values to its
// collector batch by batch: only one batch of intermediates is alive at a time.
import * as ort from 'onnxruntime-node';
import { AppError } from '../../api/errors.js';
import { encodeModel } from '../../onnx/codec.js';
import type { onnx } from '../../onnx/generated/onnx.js';
import { throwIfCancelled } from '../../jobs/task-types.js';
import type { Range } from '../quant-params.js';
import { augmentModel } from './augment.js';
import { makeCollector, type CalibrationSettings, type RangeCollector } from './collector.js';
import type { ImagePreprocess } from '../../api/types.js';
import { openDataSource, readBatches } from '../data/data-source.js';
import { modelInput } from './npy-batches.js';

export interface CalibrationRun {
  /** An .npy file or an image folder. */
  file: string;
  preprocess?: ImagePreprocess;
  batch?: number;
  maxSamples?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export async function calibrate(model: onnx.IModelProto, tensors: readonly string[], settings: CalibrationSettings, run: CalibrationRun): Promise<Map<string, Range>> {
  const input = modelInput(model.graph!);
  const src = await openDataSource(run.file, input, run.preprocess);
  const collectors = new Map<string, RangeCollector>(tensors.map((t) => [t, makeCollector(settings)]));
  let session: ort.InferenceSession | undefined;
  try {
    session = await ort.InferenceSession.create(encodeModel(augmentModel(model, tensors)), { graphOptimizationLevel: 'disabled' });
    const total = Math.min(src.rows, run.maxSamples ?? Infinity);
    const fixed = typeof input.shape?.[0] === 'number' ? input.shape[0] : null;
    for await (const b of readBatches(src, run.batch ?? 16, total, fixed)) {
      if (run.signal) throwIfCancelled(run.signal);
      const out = await session.run({ [input.name]: new ort.Tensor('float32', b.data, b.shape) }, [...tensors]);
      for (const [name, c] of collectors) {
        const t = out[name];
        if (t && t.type === 'float32') c.add(t.data as Float32Array);
      }
      run.onProgress?.(b.start + b.shape[0], total);
    }
  } catch (err) {
    if (err instanceof AppError || (err as Error).name === 'CancelledError') throw err;
    throw new AppError('QUANT_CALIBRATION_RUN', 'Calibration run failed', `onnxruntime could not run the model on ${run.file}: ${(err as Error).message.split('\n')[0]}`);
  } finally {
    await session?.release();
    await src.close();
  }
  return new Map([...collectors].map(([k, c]) => [k, c.range()]));
}
