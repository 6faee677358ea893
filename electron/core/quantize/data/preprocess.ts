// How images become model inputs: resize to H×W, pixel/255, (x - mean) / std per channel, NCHW or NHWC.
// Unset fields come from the model input (size and layout) or are the identity (mean 0, std 1).
import { AppError } from '../../api/errors.js';
import type { ImagePreprocess } from '../../api/types.js';
import type { ModelDim } from '../calibrate/npy-batches.js';

export type { ImagePreprocess };

export interface ResolvedPreprocess {
  height: number;
  width: number;
  mean: [number, number, number];
  std: [number, number, number];
  layout: 'NCHW' | 'NHWC';
}

function badOption(option: string, why: string): AppError {
  return new AppError('DATA_PREPROCESS', 'Invalid preprocessing option', `${option}: ${why}`);
}

function numbers(text: string, option: string, counts: number[]): number[] {
  const parts = text.split(',').map((s) => s.trim());
  const values = parts.map(Number);
  if (!counts.includes(parts.length) || parts.some((p) => p === '') || values.some((v) => !Number.isFinite(v))) {
    throw badOption(option, `"${text}" must be ${counts.join(' or ')} comma-separated numbers`);
  }
  return values;
}

/** Parses the text forms `H,W`, `a,b,c` (or one value for all channels) and `NCHW|NHWC`. */
export function parsePreprocess(text: { size?: string; mean?: string; std?: string; layout?: string }): ImagePreprocess | undefined {
  const out: ImagePreprocess = {};
  if (text.size !== undefined) {
    const [h, w] = numbers(text.size, '--size', [2]);
    if (![h, w].every((v) => Number.isInteger(v) && v > 0 && v <= 8192)) throw badOption('--size', `"${text.size}" must be two positive whole numbers H,W`);
    out.size = [h, w];
  }
  if (text.mean !== undefined) out.mean = numbers(text.mean, '--mean', [1, 3]);
  if (text.std !== undefined) {
    out.std = numbers(text.std, '--std', [1, 3]);
    if (out.std.some((v) => v <= 0)) throw badOption('--std', `"${text.std}" must be positive`);
  }
  if (text.layout !== undefined) {
    const layout = text.layout.toUpperCase();
    if (layout !== 'NCHW' && layout !== 'NHWC') throw badOption('--layout', `"${text.layout}" must be NCHW or NHWC`);
    out.layout = layout;
  }
  return Object.keys(out).length ? out : undefined;
}

const triple = (v: number[] | undefined, fallback: number, option: string): [number, number, number] => {
  if (!v) return [fallback, fallback, fallback];
  if (v.length === 1) return [v[0], v[0], v[0]];
  if (v.length === 3) return [v[0], v[1], v[2]];
  throw badOption(option, `give 1 or 3 values, not ${v.length}`);
};

/** Fills the unset fields from the model input shape ([N, 3, H, W] or [N, H, W, 3]). */
export function resolvePreprocess(p: ImagePreprocess | undefined, input: { name: string; shape: ModelDim[] | null }): ResolvedPreprocess {
  const shape = input.shape ?? [];
  const layout = p?.layout ?? (shape.length === 4 && shape[1] === 3 ? 'NCHW' : shape.length === 4 && shape[3] === 3 ? 'NHWC' : null);
  if (!layout) {
    throw new AppError('DATA_PREPROCESS', 'Image layout unknown', `The model input "${input.name}" has no 3-channel axis the layout can be read from; give the layout (NCHW or NHWC).`);
  }
  const dims = layout === 'NCHW' ? [shape[2], shape[3]] : [shape[1], shape[2]];
  const size = p?.size ?? (typeof dims[0] === 'number' && typeof dims[1] === 'number' ? [dims[0], dims[1]] : null);
  if (!size) {
    throw new AppError('DATA_PREPROCESS', 'Image size unknown', `The model input "${input.name}" has no fixed height and width; give the size (H,W) images are resized to.`);
  }
  const std = triple(p?.std, 1, '--std');
  if (std.some((v) => !(v > 0))) throw badOption('--std', 'values must be positive');
  return { height: size[0], width: size[1], mean: triple(p?.mean, 0, '--mean'), std, layout };
}

export const rowShapeOf = (p: ResolvedPreprocess): number[] => (p.layout === 'NCHW' ? [3, p.height, p.width] : [p.height, p.width, 3]);
