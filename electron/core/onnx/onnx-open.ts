// Decodes and validates an ONNX model, turning whatever the decoder throws into an OnnxError.
import { throwIfCancelled } from '../jobs/task-types.js';
import { decodeModel } from './codec.js';
import type { ModelFileContext, OpenedOnnxModel } from './format-types.js';
import { OnnxError } from './onnx-error.js';
import { validateModel } from './validate.js';

function decodeProblem(err: unknown): string {
  if (err instanceof RangeError && /call stack/i.test(err.message)) return 'it nests messages too deeply';
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0];
}

export function openOnnx(ctx: ModelFileContext, signal?: AbortSignal): OpenedOnnxModel {
  let model;
  try {
    model = decodeModel(ctx.bytes);
  } catch (err) {
    throw new OnnxError(
      'MODEL_FORMAT',
      `${ctx.name} could not be decoded as ONNX (${decodeProblem(err)}). The file is damaged or not an ONNX model; export or download it again.`,
    );
  }
  if (signal) throwIfCancelled(signal);
  validateModel(model, ctx.name);
  return { format: 'onnx', formatName: 'ONNX', path: ctx.path, fileBytes: ctx.bytes.length, model };
}
