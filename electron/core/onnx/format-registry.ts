// The model formats EdgeFleet reads, and the one entry point that picks among them.
import { basename, extname } from 'node:path';
import type { JobProgress } from '../api/types.js';
import { AppError } from '../api/errors.js';
import { throwIfCancelled } from '../jobs/task-types.js';
import type { ModelFileContext, ModelFormat, OpenedModel } from './format-types.js';
import { tfliteFormat } from '../tflite/tflite-format.js';
import { onnxFormat } from './onnx-format.js';
import { readModelFile } from './read-model-file.js';

export type { ModelFileContext, ModelFormat, OpenedModel } from './format-types.js';
import type { OpenedOnnxModel } from './format-types.js';

const formats: ModelFormat[] = [onnxFormat, tfliteFormat];

/** Adds a format; earlier formats win when several match. */
export function registerFormat(format: ModelFormat): void {
  if (formats.some((f) => f.id === format.id)) throw new Error(`model format ${format.id} is already registered`);
  formats.push(format);
}

export function modelFormats(): readonly ModelFormat[] {
  return formats;
}

export interface OpenOptions {
  progress?: (p: JobProgress) => void;
  signal?: AbortSignal;
}

function notAModel(ctx: ModelFileContext, why: string): AppError {
  const known = formats.map((f) => `${f.name} (${f.extensions.join(', ')})`).join(', ');
  return new AppError(
    'MODEL_FORMAT',
    'Not a model EdgeFleet can read',
    `${ctx.path}: ${why}. EdgeFleet reads ${known}; choose such a file, or export or download the model again.`,
  );
}

/** Picks the format for bytes already in memory; `path` names the file and anchors external data. */
export async function openModelBytes(path: string, bytes: Uint8Array, opts: OpenOptions = {}): Promise<OpenedModel> {
  const ctx: ModelFileContext = { path, name: basename(path), extension: extname(path).toLowerCase(), bytes };
  if (bytes.length === 0) throw notAModel(ctx, 'the file is empty');
  const format = formats.find((f) => f.match(ctx));
  if (!format) {
    const reasons = formats.map((f) => f.explain(ctx)).filter((r): r is string => r !== null);
    throw notAModel(ctx, reasons[0] ?? 'its content matches no model format');
  }
  if (opts.signal) throwIfCancelled(opts.signal);
  opts.progress?.({ phase: 'decoding', fraction: null, message: `Decoding ${format.name}` });
  return format.open(ctx, opts.signal);
}

/**
 * Reads a model file once, picks its format and opens it. Throws AppError MODEL_FORMAT for
 * files no format reads (empty, truncated, random, other formats) and MODEL_INVALID for
 * models that decode but are broken.
 */
export async function openModelFile(path: string, opts: OpenOptions = {}): Promise<OpenedModel> {
  const bytes = await readModelFile(path, opts.progress, opts.signal);
  return openModelBytes(path, bytes, opts);
}

/** For steps that run ONNX only: a TFLite file gets an error that says how to get its ONNX form. */
export function requireOnnx(opened: OpenedModel): OpenedOnnxModel {
  if (opened.format === 'onnx') return opened;
  throw new AppError(
    'MODEL_NOT_ONNX',
    'This step needs an ONNX model',
    `${opened.path} is a ${opened.formatName} model. Convert it first (edgefleet convert MODEL.tflite --to onnx -o MODEL.onnx, or import it: the console keeps its ONNX conversion as a child model) and use the ONNX file.`,
  );
}
