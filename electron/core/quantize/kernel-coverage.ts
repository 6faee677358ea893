// Which kernels onnxruntime really ran for a model, from its profiling trace, and the share of
// Conv/Gemm/MatMul work that ran as integer kernels ("integer-kernel coverage").
import { randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { summarizeTrace, type TraceEvent } from '../profiling/trace.js';

const INTEGER_KERNELS = new Set([
  'QLinearConv', 'QLinearMatMul', 'MatMulInteger', 'ConvInteger', 'QGemm', 'MatMulIntegerToFloat',
  'DynamicQuantizeMatMul', 'QLinearConvTranspose', 'NhwcQLinearConv', 'QAttention',
]);
const FLOAT_KERNELS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul', 'FusedConv', 'FusedGemm', 'FusedMatMul', 'NchwcConv']);

export interface KernelCoverage {
  /** Kernel runs per op type in one model run (op_name from the trace). */
  kernels: Record<string, number>;
  integerKernels: number;
  floatKernels: number;
  /** integer / (integer + float) over Conv/Gemm/MatMul-like kernels; null when there are none. */
  coverage: number | null;
}

export function coverageFromOps(kernels: Record<string, number>): KernelCoverage {
  let integerKernels = 0;
  let floatKernels = 0;
  for (const [op, n] of Object.entries(kernels)) {
    if (INTEGER_KERNELS.has(op)) integerKernels += n;
    else if (FLOAT_KERNELS.has(op)) floatKernels += n;
  }
  const total = integerKernels + floatKernels;
  return { kernels, integerKernels, floatKernels, coverage: total ? integerKernels / total : null };
}

/** Runs the model twice with graphOptimizationLevel 'all' and profiling on, with the given feeds. */
export async function measureKernelCoverage(model: string | Uint8Array, feeds: Record<string, ort.Tensor>, tmpDir: string): Promise<KernelCoverage> {
  const prefix = path.join(tmpDir, `kernels-${randomUUID().slice(0, 8)}`);
  const options: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', enableProfiling: true, profileFilePrefix: prefix };
  const session = typeof model === 'string' ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options);
  try {
    await session.run(feeds);
    await session.run(feeds);
    session.endProfiling();
  } finally {
    await session.release();
  }
  const dir = path.dirname(prefix);
  const files = (await fsp.readdir(dir)).filter((f) => f.startsWith(`${path.basename(prefix)}_`) && f.endsWith('.json'));
  if (files.length === 0) throw new Error(`onnxruntime wrote no profiling trace under ${dir}`);
  const file = path.join(dir, files.sort().at(-1)!);
  const events = JSON.parse(await fsp.readFile(file, 'utf8')) as TraceEvent[];
  await fsp.rm(file, { force: true });
  const kernels: Record<string, number> = {};
  for (const n of summarizeTrace(events, 1).nodes) kernels[n.opType] = (kernels[n.opType] ?? 0) + 1;
  return coverageFromOps(kernels);
}
