// The lineage record of a TFLite → ONNX conversion: stored as the ONNX child's recipe in the registry.

export interface AgreementOutput {
  name: string;
  kind: 'float' | 'quantized' | 'exact';
  pass: boolean;
  maxAbsDiff: number;
  maxQuanta?: number;
  within1Fraction?: number;
  top1Same?: boolean;
  why?: string;
  /** The same comparison with onnxruntime's fused integer kernels (graph optimisation 'all'), for quantized models. */
  fused?: { maxAbsDiff: number; top1Same?: boolean };
}

/** How the converted model's outputs compare with TFLite's own on seeded inputs. */
export interface ConversionAgreement {
  /** agreed: within the tolerances; differs: outside them; unverified: no TFLite runtime could run the original here. */
  status: 'agreed' | 'differs' | 'unverified';
  /** The runtime the outputs were compared with ('TFLite C library (tfjs-tflite-node 0.0.2)'), or null. */
  reference: string | null;
  /** One line for people. */
  summary: string;
  seed: number;
  outputs: AgreementOutput[];
}

export interface TfliteConversionRecipe {
  mode: 'from-tflite';
  nchwIo: boolean;
  signature: string | null;
  opset: number;
  /** The source was a quantized model (QDQ in the ONNX form): it is not quantized again. */
  quantized: boolean;
  agreement: ConversionAgreement;
  notes: string[];
}

export function isTfliteConversion(recipe: unknown): recipe is TfliteConversionRecipe {
  return typeof recipe === 'object' && recipe !== null && (recipe as { mode?: unknown }).mode === 'from-tflite';
}

interface Lineage {
  id: string;
  parentId: string | null;
  recipe: unknown;
}

/**
 * The float model a model's variants derive from: up the parents to one without a parent, or to the
 * ONNX conversion of a .tflite (the .tflite above it is its source, not something to run).
 */
export function floatRootOf<M extends Lineage>(get: (id: string) => M, id: string): M {
  let m = get(id);
  while (m.parentId && !isTfliteConversion(m.recipe)) m = get(m.parentId);
  return m;
}

/** Models the Optimize page offers: float roots, with a .tflite source replaced by its conversion. */
export function floatRoots<M extends Lineage>(models: readonly M[]): M[] {
  const converted = new Set(models.filter((m) => m.parentId && isTfliteConversion(m.recipe)).map((m) => m.parentId));
  return models.filter((m) => isTfliteConversion(m.recipe) || (m.parentId === null && !converted.has(m.id)));
}
