// Options of the quantize task, as a zod schema (validated where they cross into the core) and its type.
import { z } from 'zod';
import { preprocessSchema } from '../api/contract.js';

export const quantizeOptionsSchema = z.object({
  /** The float32 parent model. */
  model: z.string().min(1),
  /** Where the result goes; written atomically. */
  output: z.string().min(1),
  mode: z.enum(['static', 'dynamic', 'fp16']),
  /** static: calibration method (default percentile). */
  method: z.enum(['minmax', 'percentile', 'entropy']).default('percentile'),
  percentile: z.number().gt(0).max(100).default(99.999),
  /** minmax: moving-average constant, null for plain extremes. */
  movingAverage: z.number().gt(0).max(1).nullable().default(null),
  activationType: z.enum(['uint8', 'int8']).default('uint8'),
  perChannel: z.boolean().default(true),
  /** Node names or op types to leave float. */
  exclude: z.array(z.string()).default([]),
  /** static: float32 samples of the model input, [N, ...input shape], or a folder of images. */
  calibrationNpy: z.string().nullable().default(null),
  /** How image folders become inputs (see ImagePreprocess); ignored for .npy files. */
  preprocess: preprocessSchema.optional(),
  calibrationSamples: z.number().int().positive().default(512),
  calibrationBatch: z.number().int().positive().default(16),
  /** dynamic: also turn Conv into ConvInteger (correct, but slow in onnxruntime's CPU provider). */
  dynamicConvs: z.boolean().default(false),
  /** fp16: keep float32 graph inputs and outputs, casting just inside them. */
  keepIoTypes: z.boolean().default(true),
  fp16BlockList: z.array(z.string()).nullable().default(null),
  /** Inputs for the safety-net comparison with the parent; defaults to the calibration file; null skips it. */
  sampleNpy: z.string().nullable().default(null),
  safetySamples: z.number().int().positive().default(64),
  /** Whether quantizeModel runs its own comparison with the parent (runOptimize runs a fuller one itself). */
  safetyNet: z.boolean().default(true),
});

export type QuantizeOptionsInput = z.input<typeof quantizeOptionsSchema>;
export type QuantizeOptions = z.output<typeof quantizeOptionsSchema>;
