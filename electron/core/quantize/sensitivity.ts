// Per-layer sensitivity to INT8: for each quantizable layer (Conv, ConvTranspose, Gemm, MatMul with a
// constant weight), the model-output SQNR when only that layer is quantized, and the SQNR of the
// layer's own (quantize-dequantized) output in the full INT8 model. One shared calibration; every
// measurement runs on the same small sample subset.
import * as ort from 'onnxruntime-node';
import type { ImagePreprocess, SensitivityRow } from '../api/types.js';
import { encodeModel } from '../onnx/codec.js';
import { throwIfCancelled } from '../jobs/task-types.js';
import { augmentModel } from './calibrate/augment.js';
import { modelInput } from './calibrate/npy-batches.js';
import { openDataSource } from './data/data-source.js';
import { infer, loadRunner } from './model-runner.js';
import { OutputComparison } from './output-comparison.js';
import { QDQ_RULES, WEIGHTED } from './qdq-rules.js';
import type { Range } from './quant-params.js';
import { buildStatic, decodeNamed, type StaticBuildOptions } from './static-build.js';
import { GraphIndex } from './graph/graph-index.js';

export interface LayerSensitivity extends SensitivityRow {
  /** Weight parameters of the layer: what keeping it in float costs in size. */
  params: number;
}

export interface SensitivityResult {
  layers: LayerSensitivity[];
  fullInt8OutputSqnrDb: number;
}

export interface SensitivityOptions extends StaticBuildOptions {
  /** An .npy file or an image folder. */
  samplesNpy: string;
  preprocess?: ImagePreprocess;
  /** Samples every measurement runs on (default 32). */
  samples?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

async function loadRows(file: string, parent: Uint8Array, count: number, preprocess?: ImagePreprocess): Promise<{ data: Float32Array; shape: number[] }> {
  const input = modelInput(decodeNamed(parent).graph!);
  const src = await openDataSource(file, input, preprocess);
  try {
    const n = Math.min(count, src.rows);
    const fixed = typeof input.shape?.[0] === 'number' ? input.shape[0] : null;
    const rows = fixed ?? n;
    return { data: await src.read(0, rows), shape: [rows, ...src.rowShape] };
  } finally {
    await src.close();
  }
}

async function runOutput(model: Uint8Array, x: { data: Float32Array; shape: number[] }): Promise<Float32Array> {
  const r = await loadRunner(model);
  try {
    return await infer(r, x.data, x.shape);
  } finally {
    await r.session.release();
  }
}

async function runTensors(model: Uint8Array, names: string[], x: { data: Float32Array; shape: number[] }): Promise<ort.InferenceSession.OnnxValueMapType> {
  const decoded = decodeNamed(model);
  const input = modelInput(decoded.graph!).name;
  const session = await ort.InferenceSession.create(encodeModel(augmentModel(decoded, names)), { graphOptimizationLevel: 'disabled' });
  try {
    return await session.run({ [input]: new ort.Tensor('float32', x.data, x.shape) }, names);
  } finally {
    await session.release();
  }
}

function sqnr(out: ArrayLike<number>, ref: ArrayLike<number>): number {
  const c = new OutputComparison();
  c.add(out, ref);
  return c.sqnrDb();
}

export async function measureSensitivity(parent: Uint8Array, ranges: Map<string, Range>, opts: SensitivityOptions): Promise<SensitivityResult> {
  const x = await loadRows(opts.samplesNpy, parent, opts.samples ?? 32, opts.preprocess);
  const full = buildStatic(parent, [], ranges, opts);
  if (!full) return { layers: [], fullInt8OutputSqnrDb: Infinity };
  const { plan } = full;
  const layers = [...plan.quantNodes].filter((n) => WEIGHTED.has(n.op_type ?? '') && plan.decisions.some((d) => d.name === n.name));
  const quantizable = plan.decisions.filter((d) => d.status === 'quantized' && QDQ_RULES[d.opType]).map((d) => d.name);
  const reference = await runOutput(parent, x);
  const fullSqnr = sqnr(await runOutput(full.bytes, x), reference);

  // Each layer's output after Q/DQ in the full INT8 model, against the float tensor it stands for.
  const built = new GraphIndex(decodeNamed(full.bytes).graph!);
  const pairs = layers.map((n) => {
    const out = n.output![0];
    const src = plan.tensors.get(out);
    const floatName = src?.kind === 'range' ? src.of : out;
    const q = built.consumersOf(out).find((c) => c.op_type === 'QuantizeLinear');
    const dq = q ? built.consumersOf(q.output![0]).find((c) => c.op_type === 'DequantizeLinear') : undefined;
    return { floatName, quantName: dq?.output?.[0] ?? out };
  });
  const floatTensors = await runTensors(parent, [...new Set(pairs.map((p) => p.floatName))], x);
  const quantTensors = await runTensors(full.bytes, [...new Set(pairs.map((p) => p.quantName))], x);

  const params = weightParams(parent);
  const rows: LayerSensitivity[] = [];
  for (const [i, n] of layers.entries()) {
    if (opts.signal) throwIfCancelled(opts.signal);
    const name = n.name!;
    const only = buildStatic(parent, quantizable.filter((q) => q !== name), ranges, opts);
    const outputSqnrDb = only ? sqnr(await runOutput(only.bytes, x), reference) : Infinity;
    const ft = floatTensors[pairs[i].floatName];
    const qt = quantTensors[pairs[i].quantName];
    const tensorSqnrDb = ft && qt ? sqnr(qt.data as Float32Array, ft.data as Float32Array) : null;
    rows.push({ node: name, opType: n.op_type ?? '', outputSqnrDb, tensorSqnrDb, params: params.get(name) ?? 0 });
    opts.onProgress?.(i + 1, layers.length);
  }
  rows.sort((a, b) => a.outputSqnrDb - b.outputSqnrDb);
  return { layers: rows, fullInt8OutputSqnrDb: fullSqnr };
}

/** Weight element count per node name of the parent. */
export function weightParams(parent: Uint8Array): Map<string, number> {
  const graph = decodeNamed(parent).graph!;
  const index = new GraphIndex(graph);
  const out = new Map<string, number>();
  for (const n of graph.node ?? []) {
    const rule = QDQ_RULES[n.op_type ?? ''];
    const w = rule?.weight !== undefined ? index.constant(n.input?.[rule.weight] ?? '') : undefined;
    const size = w ? (w.dims ?? []).reduce<number>((a, d) => a * Number(d), 1) : 0;
    out.set(n.name ?? '', size);
  }
  return out;
}
