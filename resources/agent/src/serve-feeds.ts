// Turns an inference request into tensors, checked against the model's own inputs before anything
// runs: a request the model cannot take is the caller's mistake, never counted against the model.
import type * as ort from 'onnxruntime-node';
import { Tensor } from 'onnxruntime-node';
import { z } from 'zod';
import { AppError } from '../../../electron/core/api/errors.js';

const tensorSchema = z.object({
  dims: z.array(z.number().int().nonnegative().max(2 ** 31)).max(8),
  type: z.literal('float32').default('float32'),
  /** base64 of little-endian float32 values. */
  data: z.string(),
});
export const inferSchema = z.object({ inputs: z.record(z.string(), tensorSchema) });

function invalid(title: string, detail: string): AppError {
  return new AppError('INFER_INPUT_INVALID', title, detail);
}

export function feedsFor(session: ort.InferenceSession, body: unknown): Record<string, ort.Tensor> {
  const parsed = inferSchema.safeParse(body);
  if (!parsed.success) throw invalid('Invalid inference request', parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  const inputs = parsed.data.inputs;
  const wanted = session.inputMetadata;
  const names = wanted.map((m) => m.name);
  const extra = Object.keys(inputs).filter((n) => !names.includes(n));
  const missing = names.filter((n) => !(n in inputs));
  if (extra.length || missing.length) {
    throw invalid('Inputs do not match the model', `The model takes ${names.map((n) => `"${n}"`).join(', ')}${missing.length ? `; missing ${missing.join(', ')}` : ''}${extra.length ? `; unknown ${extra.join(', ')}` : ''}.`);
  }
  const feeds: Record<string, ort.Tensor> = {};
  for (const meta of wanted) {
    const t = inputs[meta.name]!;
    if (meta.isTensor) {
      if (meta.type !== 'float32') throw invalid('Input type not served', `Input "${meta.name}" is ${meta.type}; this endpoint serves float32 inputs only.`);
      const shape = meta.shape;
      const fits = shape.length === 0 || (shape.length === t.dims.length && shape.every((d, i) => typeof d !== 'number' || d < 0 || d === t.dims[i]));
      if (!fits) throw invalid('Input shape does not match the model', `Input "${meta.name}" has dims [${t.dims.join(', ')}]; the model wants [${shape.join(', ')}].`);
    }
    const count = t.dims.reduce((a, b) => a * b, 1);
    const bytes = Buffer.from(t.data, 'base64');
    if (bytes.length !== count * 4) {
      throw invalid('Input size does not match its dims', `Input "${meta.name}" has ${bytes.length} bytes; dims [${t.dims.join(', ')}] need ${count * 4}.`);
    }
    // Copy into an aligned buffer: a base64-decoded Buffer may start at any byte offset.
    const data = new Float32Array(count);
    new Uint8Array(data.buffer).set(bytes);
    feeds[meta.name] = new Tensor('float32', data, t.dims);
  }
  return feeds;
}
