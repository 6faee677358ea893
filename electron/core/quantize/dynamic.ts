// Dynamic INT8: weights quantized offline to int8 (symmetric), activations quantized at run time by
// DynamicQuantizeLinear (uint8, per tensor). MatMul/Gemm become MatMulInteger and Conv becomes
// ConvInteger, each followed by Cast → Mul(activation scale × weight scale) [→ Add bias]; onnxruntime
// fuses the MatMul form into MatMulIntegerToFloat / DynamicQuantizeMatMul.
// ConvInteger in onnxruntime's CPU provider takes only a per-tensor weight zero point; symmetric weights
// have zero point 0 everywhere, so per-channel scales still work: they are applied in the float Mul.
import type { onnx } from '../onnx/generated/onnx.js';
import { attrFloat, attrInt } from '../onnx/attributes.js';
import { DataType } from '../onnx/data-types.js';
import { Emitter } from './graph/emitter.js';
import { GraphIndex, pruneDeadNodes, topoSort } from './graph/graph-index.js';
import { makeNode } from './graph/nodes.js';
import { floatTensor, floatValues, makeTensor, tensorDims, zeroPointTensor } from './graph/tensors.js';
import { inferElemTypes } from './graph/type-infer.js';
import { quantizeWeights } from './quant-params.js';
import type { NodeDecision } from './report-types.js';
import { nodeLabel } from './static-plan.js';

export interface DynamicOptions {
  perChannel: boolean;
  exclude: readonly string[];
  /** Quantize Conv through ConvInteger too (default true). */
  convs?: boolean;
}

const DYNAMIC_OPS = new Set(['MatMul', 'Gemm', 'Conv']);

interface WeightPlan {
  values: Float32Array;
  dims: number[];
  /** Output-channel axis of `values` as laid out for the integer op. */
  axis: number;
  alpha: number;
}

/** The weight as the integer op takes it: Gemm's B is transposed to [K, N] when transB is set. */
function weightFor(n: onnx.INodeProto, w: Float32Array, dims: number[]): WeightPlan | string {
  if (n.op_type === 'Conv') return { values: w, dims, axis: 0, alpha: 1 };
  if (dims.length < 2) return 'weight is not a matrix';
  if (n.op_type === 'MatMul') return { values: w, dims, axis: dims.length - 1, alpha: 1 };
  if (attrInt(n, 'transA', 0) !== 0) return 'Gemm with transA is not quantized';
  const alpha = attrFloat(n, 'alpha', 1);
  if (!attrInt(n, 'transB', 0)) return { values: w, dims, axis: 1, alpha };
  const [N, K] = dims;
  const t = new Float32Array(w.length);
  for (let i = 0; i < N; i++) for (let k = 0; k < K; k++) t[k * N + i] = w[i * K + k];
  return { values: t, dims: [K, N], axis: 1, alpha };
}

export function quantizeDynamic(model: onnx.IModelProto, opts: DynamicOptions): NodeDecision[] {
  const graph = model.graph!;
  topoSort(graph);
  const index = new GraphIndex(graph);
  const types = inferElemTypes(graph);
  const em = new Emitter(graph);
  const decisions: NodeDecision[] = [];
  const dynamicInputs = new Map<string, string[]>();
  const replacements = new Map<onnx.INodeProto, onnx.INodeProto[]>();

  const nodes = graph.node ?? [];
  nodes.forEach((n, i) => {
    const op = n.op_type ?? '';
    if (op === 'Constant') return;
    const decide = (status: NodeDecision['status'], reason: string | null): void => {
      decisions.push({ name: nodeLabel(n, i), opType: op, status, reason });
    };
    if (!DYNAMIC_OPS.has(op) || n.domain) return decide('float', 'dynamic quantization covers MatMul, Gemm and Conv only');
    if (op === 'Conv' && opts.convs === false) return decide('float', 'Conv left float by option');
    if (opts.exclude.includes(n.name ?? '') || opts.exclude.includes(op)) return decide('float', 'excluded by option');
    const inputs = n.input ?? [];
    const w = index.constant(inputs[1]);
    const values = w && w.data_type === DataType.FLOAT ? floatValues(w) : null;
    if (!w || !values) return decide('float', 'weight is not a float constant');
    if (types.get(inputs[0]) !== DataType.FLOAT) return decide('float', 'input is not float32');
    const plan = weightFor(n, values, tensorDims(w));
    if (typeof plan === 'string') return decide('float', plan);
    const bias = inputs[2] || null;
    if (op === 'Gemm' && bias && attrFloat(n, 'beta', 1) !== 1 && !index.constant(bias)) return decide('float', 'Gemm with beta and a computed bias');
    replacements.set(n, emitInteger(n, plan, opts.perChannel, em, dynamicInputs, index));
    decide('quantized', null);
  });

  graph.node = nodes.flatMap((n) => replacements.get(n) ?? [n]);
  graph.node.push(...em.nodes);
  graph.initializer = [...(graph.initializer ?? []), ...em.inits];
  topoSort(graph);
  pruneDeadNodes(graph);
  return decisions;
}

function emitInteger(n: onnx.INodeProto, w: WeightPlan, perChannel: boolean, em: Emitter, dynamicInputs: Map<string, string[]>, index: GraphIndex): onnx.INodeProto[] {
  const out: onnx.INodeProto[] = [];
  const x = n.input![0];
  let dq = dynamicInputs.get(x);
  if (!dq) {
    const s = em.stem('x');
    dq = [em.unique(`${s}_q`), em.unique(`${s}_scale`), em.unique(`${s}_zp`)];
    out.push(makeNode('DynamicQuantizeLinear', [x], dq, em.unique(`${s}_DynQ`)));
    dynamicInputs.set(x, dq);
  }
  const q = quantizeWeights(w.values, w.dims, 'int8', perChannel ? w.axis : null, true);
  const stem = em.stem('w');
  const wq = em.unique(`${stem}_q`);
  em.inits.push(makeTensor(wq, DataType.INT8, w.dims, q.data));
  const wzp = em.unique(`${stem}_zp`);
  const isConv = n.op_type === 'Conv';
  // One zero per column for MatMulInteger; ConvInteger accepts only a scalar (all are 0 anyway).
  em.inits.push(zeroPointTensor(wzp, 'int8', isConv || !perChannel ? [0] : q.params.map(() => 0), isConv || !perChannel));
  const scales = q.params.map((p) => p.scale * w.alpha);
  const scaleDims = !perChannel ? [] : isConv ? [scales.length, ...w.dims.slice(2).map(() => 1)] : [scales.length];
  const wscale = em.unique(`${stem}_scale`);
  em.inits.push(floatTensor(wscale, scaleDims, scales));

  const acc = em.unique(`${stem}_int32`);
  const attrs = isConv ? Object.fromEntries((n.attribute ?? []).map((a) => [a.name ?? '', a])) : {};
  const integer = makeNode(isConv ? 'ConvInteger' : 'MatMulInteger', [dq[0], wq, dq[2], wzp], [acc], em.unique(`${n.name || stem}_integer`));
  if (isConv) integer.attribute = Object.values(attrs);
  const asFloat = em.unique(`${stem}_float`);
  const scale = em.unique(`${stem}_combined_scale`);
  out.push(
    integer,
    makeNode('Cast', [acc], [asFloat], em.unique(`${stem}_Cast`), { to: DataType.FLOAT }),
    makeNode('Mul', [dq[1], wscale], [scale], em.unique(`${stem}_ScaleMul`)),
  );
  const y = n.output![0];
  const bias = n.input![2] || null;
  if (!bias) {
    out.push(makeNode('Mul', [asFloat, scale], [y], em.unique(`${stem}_Mul`)));
    return out;
  }
  const scaled = em.unique(`${stem}_scaled`);
  out.push(makeNode('Mul', [asFloat, scale], [scaled], em.unique(`${stem}_Mul`)));
  out.push(makeNode('Add', [scaled, biasInput(n, bias, em, index)], [y], em.unique(`${stem}_BiasAdd`)));
  return out;
}

/** The bias as Add takes it: Conv's [C] reshaped to [C, 1, 1], Gemm's scaled by beta. */
function biasInput(n: onnx.INodeProto, bias: string, em: Emitter, index: GraphIndex): string {
  const c = index.constant(bias);
  const values = c ? floatValues(c) : null;
  const beta = n.op_type === 'Gemm' ? attrFloat(n, 'beta', 1) : 1;
  if (n.op_type === 'Conv' && values) {
    const rank = tensorDims(index.constant(n.input![1])!).length;
    const name = em.unique(`${bias}_spatial`);
    em.inits.push(floatTensor(name, [values.length, ...new Array<number>(rank - 2).fill(1)], values));
    return name;
  }
  if (beta !== 1 && values) {
    const name = em.unique(`${bias}_beta`);
    em.inits.push(floatTensor(name, tensorDims(c!), values.map((v) => v * beta)));
    return name;
  }
  return bias;
}
