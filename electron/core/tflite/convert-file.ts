// A .tflite file → ONNX bytes, proved: the converted model runs in onnxruntime-node and its outputs
// are compared with TFLite's own on seeded inputs, whenever a TFLite runtime can run here.
import { basename } from 'node:path';
import type { JobProgress } from '../api/types.js';
import { AppError } from '../api/errors.js';
import { throwIfCancelled } from '../jobs/task-types.js';
import { openModelFile } from '../onnx/format-registry.js';
import type { ConversionAgreement, TfliteConversionRecipe } from '../api/tflite-conversion.js';
import { convertTflite, type Conversion } from './to-onnx/convert.js';
import { isQuantized } from './to-onnx/tensor-map.js';
import { verifyConversion } from './verify/verify-conversion.js';

export interface ConvertFileOptions {
  nchwIo?: boolean;
  signature?: string;
  /** Seed of the inputs both runtimes see (default 1). */
  seed?: number;
  /** Refuse a conversion that is not proved equal (differs, or no reference to compare with). */
  strict?: boolean;
  progress?: (p: JobProgress) => void;
  signal?: AbortSignal;
}

export interface ConvertedFile {
  bytes: Uint8Array;
  conversion: Conversion;
  recipe: TfliteConversionRecipe;
}

export async function convertTfliteFile(path: string, opts: ConvertFileOptions = {}): Promise<ConvertedFile> {
  const progress = opts.progress ?? (() => {});
  const opened = await openModelFile(path, { progress, signal: opts.signal });
  if (opened.format !== 'tflite') {
    throw new AppError('MODEL_FORMAT', 'Not a TensorFlow Lite model', `${path} is an ${opened.formatName} model; --to onnx converts .tflite files. For ONNX models use --to fp16, ort or optimized.`);
  }
  progress({ phase: 'converting', fraction: null, message: 'Converting to ONNX' });
  const conversion = convertTflite(opened.tflite, { fileName: basename(path), nchwIo: opts.nchwIo, signature: opts.signature });
  const { encodeModel } = await import('../onnx/codec.js');
  const bytes = encodeModel(conversion.model);
  if (opts.signal) throwIfCancelled(opts.signal);
  progress({ phase: 'evaluating', fraction: null, message: 'Comparing outputs with TFLite' });
  const seed = opts.seed ?? 1;
  const agreement: ConversionAgreement = await verifyConversion(path, bytes, conversion, seed);
  if (opts.strict && agreement.status !== 'agreed') {
    throw new AppError(
      agreement.status === 'differs' ? 'TFLITE_MISMATCH' : 'TFLITE_UNVERIFIED',
      agreement.status === 'differs' ? 'The converted model does not match TFLite' : 'The conversion could not be proved',
      `${basename(path)}: ${agreement.summary}. --strict refuses it; without --strict it is kept and flagged.`,
    );
  }
  const graph = opened.tflite.subgraphs[conversion.subgraphIndex];
  const recipe: TfliteConversionRecipe = {
    mode: 'from-tflite',
    nchwIo: opts.nchwIo === true,
    signature: conversion.signature,
    opset: conversion.opset,
    quantized: graph.tensors.some((t) => t.data === null && isQuantized(t)),
    agreement,
    notes: conversion.notes,
  };
  return { bytes, conversion, recipe };
}
