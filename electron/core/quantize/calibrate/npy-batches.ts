// Float32 samples from an .npy file, checked against the model input before any run.
import path from 'node:path';
import { AppError } from '../../api/errors.js';
import type { onnx } from '../../onnx/generated/onnx.js';
import { toNumber } from '../../onnx/int64.js';
import { openNpy, type NpyFile } from '../../util/npy.js';

export type ModelDim = number | string | null;

/** The first graph input that is not an initializer, with its shape (symbolic dims by name). */
export function modelInput(graph: onnx.IGraphProto): { name: string; shape: ModelDim[] | null; elemType: number } {
  const inits = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const inputs = (graph.input ?? []).filter((i) => !inits.has(i.name ?? ''));
  if (inputs.length !== 1) {
    throw new AppError(
      'QUANT_INPUTS',
      'Model has several inputs',
      `Calibration and evaluation feed one .npy file, but this model has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}). Use a model with a single input.`,
    );
  }
  const tt = inputs[0].type?.tensor_type;
  const dims = tt?.shape?.dim;
  const shape = dims ? dims.map((d) => (d.dim_value !== null && d.dim_value !== undefined && toNumber(d.dim_value) > 0 ? toNumber(d.dim_value) : d.dim_param || null)) : null;
  return { name: inputs[0].name ?? '', shape, elemType: tt?.elem_type ?? 0 };
}

export const shapeText = (s: readonly ModelDim[]): string => `[${s.map((d) => (d === null ? '?' : d)).join(', ')}]`;

/** Opens the file and checks dtype and shape against the model input; a mismatch names both shapes. */
export async function openSamples(file: string, input: { name: string; shape: ModelDim[] | null }): Promise<NpyFile> {
  const npy = await openNpy(file);
  const { dtype, shape } = npy.header;
  const base = path.basename(file);
  if (dtype !== 'float32') {
    await npy.close();
    throw new AppError('QUANT_DATA_TYPE', 'Sample data is not float32', `${base} holds ${dtype} values; the model input "${input.name}" takes float32. Save the array with .astype(numpy.float32).`);
  }
  try {
    checkRowShape(base, shape, input);
  } catch (err) {
    await npy.close();
    throw err;
  }
  return npy;
}

/** Throws unless `shape` ([N, ...row]) fits the model input; a mismatch names both shapes. */
export function checkRowShape(source: string, shape: readonly number[], input: { name: string; shape: ModelDim[] | null }): void {
  const want = input.shape;
  const fits = !want || (want.length === shape.length && want.every((d, i) => i === 0 || typeof d !== 'number' || d === shape[i]));
  if (!fits || shape.length === 0 || shape[0] === 0) {
    throw new AppError(
      'QUANT_DATA_SHAPE',
      'Sample data does not fit the model input',
      `${source} has shape ${shapeText(shape)} but the model input "${input.name}" expects ${shapeText(want ?? [])} (the first axis is the sample index). Export samples of the model's input shape.`,
    );
  }
}

/** Throws when a batch holds NaN or ±Infinity, naming the file and the sample index. */
export function checkFinite(data: Float32Array, file: string, firstRow: number, rowSize: number): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const row = firstRow + Math.floor(i / rowSize);
      throw new AppError(
        'QUANT_DATA_NOT_FINITE',
        'Sample data holds NaN or Infinity',
        `${path.basename(file)}: sample ${row} (flat element ${i % rowSize}) is ${data[i]}. Clean or drop that sample and try again.`,
      );
    }
  }
}
