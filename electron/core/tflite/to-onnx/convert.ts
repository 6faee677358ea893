// TFLite → ONNX: one subgraph (the main one, or the one a signature names) becomes an ONNX graph
// with the same inputs and outputs (NHWC unless nchwIo), quantized tensors as QDQ pairs.
import { onnx } from '../../onnx/generated/onnx.js';
import type { TfliteModel, TfliteOperator, TfliteSubgraph, TfliteTensor } from '../ir.js';
import { onnxType } from './dtypes.js';
import { GraphBuilder } from './graph-builder.js';
import { OpContext, NCHW_TO_NHWC, NHWC_TO_NCHW } from './op-context.js';
import { opHandlers } from './ops/index.js';
import { isQuantized, TensorMap } from './tensor-map.js';
import { optimizeTransposes } from './transpose-pass.js';
import { missingReason, UnsupportedList, UnsupportedOp, unsupportedError, type Unsupported } from './unsupported.js';

export interface ConvertOptions {
  /** For messages. */
  fileName: string;
  /** Rank-4 inputs and outputs in NCHW (a Transpose at each boundary) instead of TFLite's NHWC. */
  nchwIo?: boolean;
  /** Convert the subgraph this signature names (default: the main subgraph, named by its first signature if any). */
  signature?: string;
}

export interface ConvertedTensor {
  /** The ONNX graph input or output name. */
  name: string;
  tensorIndex: number;
  tfliteName: string;
  dtype: string;
  /** ONNX-side shape (NCHW when nchwIo moved it); -1 for dynamic dims. */
  shape: number[];
  quantization: { scale: number; zeroPoint: number } | null;
}

export interface Conversion {
  model: onnx.ModelProto;
  opset: number;
  /** Rank-4 inputs and outputs are NCHW (the TFLite file's are NHWC). */
  nchwIo: boolean;
  subgraphIndex: number;
  signature: string | null;
  inputs: ConvertedTensor[];
  outputs: ConvertedTensor[];
  /** Quirks normalised on reading and choices made while converting, in words. */
  notes: string[];
  transposes: { removed: number; remaining: number };
  /** TFLite operator counts of the converted subgraph. */
  tfliteOps: Record<string, number>;
}

export function opKey(op: TfliteOperator): string {
  return op.opcode === 'CUSTOM' ? `CUSTOM ${op.customCode ?? '(unnamed)'}` : op.opcode;
}

/** Ops that cannot be converted, without converting: the cheap check inspect uses. */
export function findUnsupported(model: TfliteModel, subgraphIndex = 0): Unsupported[] {
  const list = new UnsupportedList();
  const graph = model.subgraphs[subgraphIndex];
  if (!graph) return [];
  for (const op of graph.operators) if (!opHandlers[opKey(op)]) list.add(opKey(op), missingReason(opKey(op)));
  return list.list();
}

function pickSubgraph(model: TfliteModel, signature: string | undefined) {
  if (model.subgraphs.length === 0) throw new UnsupportedOp('the file holds no subgraph');
  if (signature !== undefined) {
    const sig = model.signatures.find((s) => s.key === signature);
    if (!sig) {
      const keys = model.signatures.map((s) => s.key).join(', ') || 'none';
      throw new UnsupportedOp(`it has no signature "${signature}" (its signatures: ${keys})`);
    }
    return { graph: model.subgraphs[sig.subgraphIndex], sig };
  }
  return { graph: model.subgraphs[0], sig: model.signatures.find((s) => s.subgraphIndex === 0) ?? null };
}

function needsOpset21(graph: TfliteSubgraph): boolean {
  return graph.tensors.some((t) => t.data === null && t.dtype === 'int16' && isQuantized(t));
}

function valueInfo(name: string, t: TfliteTensor, perm: readonly number[] | null): onnx.IValueInfoProto {
  const sig = t.shapeSignature && t.shapeSignature.length === t.shape.length ? t.shapeSignature : t.shape;
  const dims = perm ? perm.map((p) => sig[p]) : sig;
  const type = onnxType(t.dtype);
  if (type === null) throw new UnsupportedOp(`graph tensor "${t.name}" has type ${t.dtype}, which ONNX graphs cannot carry here`);
  const shape = t.hasRank
    ? { dim: dims.map((d, k) => (d < 0 ? { dim_param: k === 0 ? 'batch' : `${name}_d${k}` } : { dim_value: d })) }
    : undefined;
  return { name, type: { tensor_type: { elem_type: type, shape } } };
}

function describe(name: string, t: TfliteTensor, perm: readonly number[] | null): ConvertedTensor {
  const sig = t.shapeSignature && t.shapeSignature.length === t.shape.length ? t.shapeSignature : t.shape;
  const q = isQuantized(t) && t.quantization!.scale.length === 1 ? { scale: t.quantization!.scale[0], zeroPoint: t.quantization!.zeroPoint[0] ?? 0 } : null;
  return { name, tensorIndex: t.index, tfliteName: t.name, dtype: t.dtype, shape: perm ? perm.map((p) => sig[p]) : [...sig], quantization: q };
}

class Refused extends Error {
  constructor(readonly list: Unsupported[]) {
    super('conversion refused');
  }
}

/** Converts, or says every operator (with counts and reasons) that stops the conversion. */
export function attemptConversion(model: TfliteModel, opts: ConvertOptions): { ok: true; conversion: Conversion } | { ok: false; unsupported: Unsupported[] } {
  try {
    return { ok: true, conversion: build(model, opts) };
  } catch (err) {
    if (err instanceof Refused) return { ok: false, unsupported: err.list };
    throw err;
  }
}

/** Converts, or throws AppError TFLITE_UNSUPPORTED naming every operator (with counts) that stops it. */
export function convertTflite(model: TfliteModel, opts: ConvertOptions): Conversion {
  const r = attemptConversion(model, opts);
  if (!r.ok) throw unsupportedError(opts.fileName, r.unsupported);
  return r.conversion;
}

function build(model: TfliteModel, opts: ConvertOptions): Conversion {
  const problems = new UnsupportedList();
  let picked;
  try {
    picked = pickSubgraph(model, opts.signature);
  } catch (err) {
    if (err instanceof UnsupportedOp) problems.add('model', err.reason);
    throw new Refused(problems.list());
  }
  const { graph, sig } = picked;
  const opset = needsOpset21(graph) ? 21 : 13;
  const b = new GraphBuilder();
  const tensorAt = (i: number) => graph.tensors[i];

  const ioIn = sig ? sig.inputs.map((e) => ({ name: e.name, index: e.tensorIndex })) : graph.inputs.map((i) => ({ name: tensorAt(i)?.name || `input_${i}`, index: i }));
  const ioOut = sig ? sig.outputs.map((e) => ({ name: e.name, index: e.tensorIndex })) : graph.outputs.map((i) => ({ name: tensorAt(i)?.name || `output_${i}`, index: i }));
  if (ioOut.length === 0) problems.add('model', 'its main subgraph has no outputs: there is nothing to run');
  for (const io of [...ioIn, ...ioOut]) {
    if (!tensorAt(io.index)) problems.add('model', `its signature names tensor ${io.index}, which does not exist`);
  }
  if (!problems.empty) throw new Refused(problems.list());

  const inputNames = new Set(ioIn.map((i) => i.index));
  const outNames = new Map<string, number>();
  const uniqueIo = (name: string) => {
    let n = name;
    for (let k = 2; outNames.has(n); k++) n = `${name}_${k}`;
    outNames.set(n, 0);
    b.reserve(n);
    return n;
  };
  const inputsIo = ioIn.map((io) => ({ ...io, name: uniqueIo(io.name) }));
  const outputsIo = ioOut.map((io) => ({ ...io, name: uniqueIo(io.name) }));

  const fixed = new Map<number, string>();
  for (const io of outputsIo) {
    const t = tensorAt(io.index);
    if (!inputNames.has(io.index) && t.data === null && !fixed.has(io.index)) fixed.set(io.index, io.name);
  }
  const map = new TensorMap(b, graph, fixed);
  const rank4 = (t: TfliteTensor) => opts.nchwIo === true && t.shape.length === 4;

  const graphInputs: onnx.IValueInfoProto[] = [];
  for (const io of inputsIo) {
    const t = tensorAt(io.index);
    try {
      graphInputs.push(valueInfo(io.name, t, rank4(t) ? NHWC_TO_NCHW : null));
      if (rank4(t)) {
        const inner = b.unique(`${io.name}_nhwc`);
        b.node('Transpose', [io.name], [inner], { perm: [...NCHW_TO_NHWC] });
        map.placeInput(io.index, inner);
      } else {
        map.placeInput(io.index, io.name);
      }
    } catch (err) {
      if (err instanceof UnsupportedOp) problems.add('model', err.reason);
      else throw err;
    }
  }

  const tfliteOps: Record<string, number> = {};
  // Outputs of operators that could not be converted: their consumers are not reported again.
  const lost = new Set<number>();
  for (const op of graph.operators) {
    const key = opKey(op);
    tfliteOps[key] = (tfliteOps[key] ?? 0) + 1;
    const handler = opHandlers[key];
    if (op.inputs.some((i) => lost.has(i))) {
      op.outputs.forEach((o) => lost.add(o));
      continue;
    }
    if (!handler) {
      problems.add(key, missingReason(key));
      op.outputs.forEach((o) => lost.add(o));
      continue;
    }
    const first = tensorAt(op.outputs[0] ?? -1);
    b.currentOp = { index: op.index, label: first?.name || `${op.opcode.toLowerCase()}_${op.index}`, opcode: key };
    try {
      handler(new OpContext(op, opset, b, map));
      for (const o of op.outputs) if (o >= 0 && !map.isPlaced(o)) throw new UnsupportedOp(`its output ${o} was not produced`);
    } catch (err) {
      if (err instanceof UnsupportedOp) problems.add(key, err.reason);
      else problems.add(key, `converter error: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      op.outputs.forEach((o) => lost.add(o));
    }
  }
  b.currentOp = null;
  if (!problems.empty) throw new Refused(problems.list());

  const graphOutputs: onnx.IValueInfoProto[] = [];
  for (const io of outputsIo) {
    const t = tensorAt(io.index);
    try {
      const stored = map.isPlaced(io.index) && t.data === null ? map.stored(io.index) : map.real(io.index);
      if (rank4(t)) b.node('Transpose', [stored], [io.name], { perm: [...NHWC_TO_NCHW] });
      else if (stored !== io.name) b.node('Identity', [stored], [io.name]);
      graphOutputs.push(valueInfo(io.name, t, rank4(t) ? NHWC_TO_NCHW : null));
    } catch (err) {
      if (!(err instanceof UnsupportedOp)) throw err;
      problems.add('model', `output "${io.name}": ${err.reason}`);
    }
  }
  if (!problems.empty) throw new Refused(problems.list());

  const onnxGraph: onnx.IGraphProto = {
    name: sig?.key ?? (graph.name || 'main'),
    node: b.nodes,
    initializer: b.initializers,
    input: graphInputs,
    output: graphOutputs,
  };
  const transposes = optimizeTransposes(onnxGraph, { opset });
  // Constants whose real values were folded (int64 biases, float16 weights) leave their stored form unused.
  const used = new Set((onnxGraph.node ?? []).flatMap((n) => n.input ?? []));
  onnxGraph.initializer = (onnxGraph.initializer ?? []).filter((t) => used.has(t.name ?? ''));
  const notes = [...model.normalisations, ...b.notes];
  if (opts.nchwIo) notes.push('Rank-4 inputs and outputs are NCHW; TFLite’s are NHWC.');
  const model2 = onnx.ModelProto.create({
    ir_version: opset >= 21 ? 10 : 8,
    producer_name: 'edgefleet-tflite',
    producer_version: '1',
    opset_import: [{ domain: '', version: opset }],
    graph: onnxGraph,
    doc_string: model.description,
    metadata_props: [
      { key: 'source_format', value: 'tflite' },
      { key: 'tflite_subgraph', value: String(graph.index) },
      ...(sig ? [{ key: 'tflite_signature', value: sig.key }] : []),
      { key: 'tflite_layout', value: opts.nchwIo ? 'nchw-io' : 'nhwc-io' },
    ],
  });
  return {
    model: model2,
    opset,
    nchwIo: opts.nchwIo === true,
    subgraphIndex: graph.index,
    signature: sig?.key ?? null,
    inputs: inputsIo.map((io) => describe(io.name, tensorAt(io.index), rank4(tensorAt(io.index)) ? NHWC_TO_NCHW : null)),
    outputs: outputsIo.map((io) => describe(io.name, tensorAt(io.index), rank4(tensorAt(io.index)) ? NHWC_TO_NCHW : null)),
    notes,
    transposes,
    tfliteOps,
  };
}
