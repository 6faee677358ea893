// One onnxruntime session over a single-input model, fed float32 rows whatever its IO type
// (float16 models are fed and read through conversions).
import * as ort from 'onnxruntime-node';
import { AppError } from '../api/errors.js';
import type { ModelDim } from './calibrate/npy-batches.js';
import { fromFloat16Array, toFloat16Array } from './float16.js';

export interface Runner {
  session: ort.InferenceSession;
  input: string;
  output: string;
  half: boolean;
  shape: ModelDim[] | null;
}

export async function loadRunner(model: string | Uint8Array, level: ort.InferenceSession.SessionOptions['graphOptimizationLevel'] = 'all'): Promise<Runner> {
  let session: ort.InferenceSession;
  try {
    const options: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: level };
    session = typeof model === 'string' ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options);
  } catch (err) {
    throw new AppError('MODEL_LOAD_FAILED', 'onnxruntime cannot load the model', (err as Error).message.split('\n')[0]);
  }
  const meta = session.inputMetadata[0];
  const half = meta?.isTensor === true && meta.type === 'float16';
  const shape = meta?.isTensor ? meta.shape.map((d) => (typeof d === 'number' && d > 0 ? d : typeof d === 'string' ? d : null)) : null;
  return { session, input: session.inputNames[0], output: session.outputNames[0], half, shape };
}

export async function infer(r: Runner, data: Float32Array, shape: number[]): Promise<Float32Array> {
  const feed = r.half ? new ort.Tensor('float16', toFloat16Array(data), shape) : new ort.Tensor('float32', data, shape);
  const out = (await r.session.run({ [r.input]: feed }, [r.output]))[r.output];
  if (out.type === 'float16') return out.data instanceof Uint16Array ? fromFloat16Array(out.data) : Float32Array.from(out.data as ArrayLike<number>);
  return out.data as Float32Array;
}

/** Time of one call in milliseconds. */
export async function timeInfer(r: Runner, data: Float32Array, shape: number[]): Promise<number> {
  const t0 = process.hrtime.bigint();
  await infer(r, data, shape);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
