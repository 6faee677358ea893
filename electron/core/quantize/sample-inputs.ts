// Which inputs the safety net compares parent and variant on: the labelled eval set when given,
// else the calibration data, else seeded Gaussian inputs of the model's input shape.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { OptimizeRecipe } from '../api/types.js';
import { decodeModel } from '../onnx/codec.js';
import { encodeNpy } from '../util/npy.js';
import { modelInput } from './calibrate/npy-batches.js';
import { seededRandom } from '../util/seeded-random.js';

export interface SampleChoice {
  /** An .npy file or an image folder (labelled by its class subfolders when labelsNpy is null). */
  inputsNpy: string;
  labelsNpy: string | null;
  /** For VariantMetrics.evaluatedOn. */
  description: string;
}

/** Deterministic standard-normal values (mulberry32 + Box–Muller). */
export function gaussian(count: number, seed = 1): Float32Array {
  const next = seededRandom(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - next()));
    const a = 2 * Math.PI * next();
    out[i] = r * Math.cos(a);
    if (i + 1 < count) out[i + 1] = r * Math.sin(a);
  }
  return out;
}

export async function chooseSamples(parentPath: string, recipe: OptimizeRecipe, scratchDir: string, randomRows = 16): Promise<SampleChoice> {
  if (recipe.evalInputsNpy) {
    return { inputsNpy: recipe.evalInputsNpy, labelsNpy: recipe.evalLabelsNpy ?? null, description: path.basename(recipe.evalInputsNpy) };
  }
  if (recipe.calibrationNpy) return { inputsNpy: recipe.calibrationNpy, labelsNpy: null, description: path.basename(recipe.calibrationNpy) };
  const input = modelInput(decodeModel(await fsp.readFile(parentPath)).graph!);
  // A fixed batch dimension stays; symbolic ones become 1 (rows) or randomRows (the batch axis).
  const fixedBatch = typeof input.shape?.[0] === 'number' ? input.shape[0] : null;
  const rowShape = (input.shape ?? [null]).slice(1).map((d) => (typeof d === 'number' ? d : 1));
  const rows = fixedBatch ?? randomRows;
  const shape = [rows, ...rowShape];
  const file = path.join(scratchDir, 'random-inputs.npy');
  await fsp.writeFile(file, encodeNpy({ dtype: 'float32', shape, data: gaussian(shape.reduce((a, b) => a * b, 1)) }));
  return { inputsNpy: file, labelsNpy: null, description: `random inputs (${rows} of [${rowShape.join(', ')}])` };
}
