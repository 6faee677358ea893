// Graph conversions through onnxruntime itself: ORT format (optimized at 'extended', which stays
// portable across x86/ARM CPUs, unlike 'all' with its NCHWc layouts) with the operator list a
// minimal onnxruntime build needs, and a portable optimized ONNX ('basic': constant folding and
// redundant-node removal only, standard ops).
import { randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { AppError } from '../api/errors.js';
import { decodeModel } from '../onnx/codec.js';
import { toNumber } from '../onnx/int64.js';

export interface ConvertResult {
  output: string;
  format: 'onnx' | 'ort';
  sizeBytes: number;
  /** ORT format: `domain;opset;op` per operator, as in onnxruntime's required_operators.config. */
  requiredOperators: string[];
}

async function optimizeInto(parent: string, target: string, level: 'basic' | 'extended', format: 'ONNX' | 'ORT'): Promise<void> {
  const options: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: level,
    optimizedModelFilePath: target,
    ...(format === 'ORT' ? { extra: { session: { save_model_format: 'ORT' } } } : {}),
  };
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(parent, options);
  } catch (err) {
    throw new AppError('CONVERT_FAILED', 'onnxruntime could not convert the model', `${path.basename(parent)}: ${(err as Error).message.split('\n')[0]}`);
  }
  await session.release();
}

/** `domain;opset;op` for every operator of an ONNX model, grouped like required_operators.config. */
export function requiredOperators(onnxBytes: Uint8Array): string[] {
  const model = decodeModel(onnxBytes);
  const opsets = new Map<string, number>();
  for (const o of model.opset_import ?? []) opsets.set(o.domain || 'ai.onnx', toNumber(o.version));
  const rows = new Set<string>();
  for (const n of model.graph?.node ?? []) {
    const domain = n.domain || 'ai.onnx';
    rows.add(`${domain};${opsets.get(domain) ?? 1};${n.op_type}`);
  }
  return [...rows].sort();
}

/** required_operators.config text: one `domain;opset;op1,op2,...` line per domain and opset. */
export function requiredOperatorsConfig(rows: readonly string[]): string {
  const groups = new Map<string, string[]>();
  for (const r of rows) {
    const [domain, opset, op] = r.split(';');
    const key = `${domain};${opset}`;
    groups.set(key, [...(groups.get(key) ?? []), op]);
  }
  return [...groups].map(([k, ops]) => `${k};${ops.sort().join(',')}`).join('\n') + '\n';
}

export async function convertModel(parent: string, to: 'ort' | 'optimized', outDir: string, scratchDir: string): Promise<ConvertResult> {
  if (to === 'optimized') {
    const output = path.join(outDir, 'model.onnx');
    await optimizeInto(parent, output, 'basic', 'ONNX');
    return { output, format: 'onnx', sizeBytes: (await fsp.stat(output)).size, requiredOperators: [] };
  }
  const output = path.join(outDir, 'model.ort');
  await optimizeInto(parent, output, 'extended', 'ORT');
  // The same optimization saved as ONNX names the operators that the ORT file holds.
  const twin = path.join(scratchDir, `ort-twin-${randomUUID().slice(0, 8)}.onnx`);
  try {
    await optimizeInto(parent, twin, 'extended', 'ONNX');
    const ops = requiredOperators(await fsp.readFile(twin));
    return { output, format: 'ort', sizeBytes: (await fsp.stat(output)).size, requiredOperators: ops };
  } finally {
    await fsp.rm(twin, { force: true });
  }
}
