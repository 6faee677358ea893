// Second half of static quantization: with measured ranges, insert QuantizeLinear/DequantizeLinear
// pairs on activations, int8 weights behind DequantizeLinear and int32 biases. onnxruntime's graph
// optimizer then fuses DQ → op → Q groups into QLinearConv, QLinearMatMul, QLinearAdd and so on.
import type { onnx } from '../onnx/generated/onnx.js';
import { attrFloat, attrInt } from '../onnx/attributes.js';
import { DataType } from '../onnx/data-types.js';
import { pruneDeadNodes, topoSort } from './graph/graph-index.js';
import { Emitter } from './graph/emitter.js';
import { makeNode } from './graph/nodes.js';
import { floatValues, makeTensor, tensorDims } from './graph/tensors.js';
import { computeQParams, quantize, quantizeBias, quantizeWeights, rangeOf, type QParams, type QType, type Range } from './quant-params.js';
import { QDQ_RULES } from './qdq-rules.js';
import type { StaticPlan } from './static-plan.js';

export interface StaticQdqOptions {
  activationType: QType;
  perChannel: boolean;
}

/** Fixed Softmax output parameters covering [0, 1], as onnxruntime uses. */
function softmaxParams(type: QType): QParams {
  return type === 'uint8' ? { scale: Math.fround(1 / 255), zeroPoint: 0 } : { scale: Math.fround(1 / 256), zeroPoint: -128 };
}

export function weightAxis(node: onnx.INodeProto, rank: number): number | null {
  switch (node.op_type) {
    case 'Conv':
      return 0;
    case 'ConvTranspose':
      return 1;
    case 'Gemm':
      return attrInt(node, 'transB', 0) ? 0 : 1;
    case 'MatMul':
      return rank >= 2 ? rank - 1 : null;
    default:
      return null;
  }
}

export function applyStatic(plan: StaticPlan, ranges: Map<string, Range>, opts: StaticQdqOptions): void {
  const { graph, index } = plan;
  const em = new Emitter(graph);
  const act = opts.activationType;

  const resolved = new Map<string, QParams>();
  const resolve = (t: string): QParams => {
    const known = resolved.get(t);
    if (known) return known;
    const src = plan.tensors.get(t)!;
    let p: QParams;
    if (src.kind === 'softmax') p = softmaxParams(act);
    else if (src.kind === 'same') p = plan.tensors.has(src.as) ? resolve(src.as) : computeQParams(0, 0, act, false);
    else {
      const r = ranges.get(src.of) ?? { min: 0, max: 0 };
      p = computeQParams(r.min, r.max, act, false);
    }
    resolved.set(t, p);
    return p;
  };

  // Activations: one Q/DQ pair per tensor; every reader takes the DQ output.
  const replaced = new Map<string, string>();
  for (const t of plan.tensors.keys()) {
    const stem = em.stem('a');
    const params = em.params(stem, [resolve(t)], act, false);
    const q = em.unique(`${stem}_q`);
    em.nodes.push(makeNode('QuantizeLinear', [t, ...params], [q], em.unique(`${stem}_Q`)));
    replaced.set(t, em.dequantize(stem, q, params, null));
  }
  for (const [from, to] of plan.alias) replaced.set(from, replaced.get(to) ?? to);

  const weightCache = new Map<string, { out: string; scales: number[] }>();
  for (const n of plan.quantNodes) {
    const rule = QDQ_RULES[n.op_type ?? '']!;
    const inputs = n.input!;
    const acts = plan.activationInputs.get(n)!;
    // Constant inputs of Add/Mul/Concat: activation-typed, per tensor.
    for (const k of acts) {
      const c = index.constant(inputs[k]);
      const values = c ? floatValues(c) : null;
      if (!c || !values) continue;
      const r = rangeOf(values);
      const p = computeQParams(r.min, r.max, act, false);
      const stem = em.stem('c');
      const qName = em.unique(`${stem}_q`);
      em.inits.push(makeTensor(qName, act === 'uint8' ? DataType.UINT8 : DataType.INT8, tensorDims(c), quantize(values, p, act)));
      inputs[k] = em.dequantize(stem, qName, em.params(stem, [p], act, false), null);
    }
    if (rule.weight === undefined || acts.includes(rule.weight)) continue;
    const wName = inputs[rule.weight];
    const w = index.constant(wName)!;
    const dims = tensorDims(w);
    const axis = opts.perChannel ? weightAxis(n, dims.length) : null;
    const key = `${wName}|${axis}`;
    let wq = weightCache.get(key);
    if (!wq) {
      const q = quantizeWeights(floatValues(w)!, dims, 'int8', axis, true);
      const stem = em.stem('w');
      const qName = em.unique(`${stem}_q`);
      em.inits.push(makeTensor(qName, DataType.INT8, dims, q.data));
      // Symmetric weights have zero point 0, the DQ default. onnxruntime fuses Conv without an
      // explicit one (saving a byte per channel) but its QGemm/QLinearMatMul fusion needs it.
      const zpType = n.op_type === 'Conv' ? null : 'int8';
      wq = { out: em.dequantize(stem, qName, em.params(stem, q.params, zpType, axis !== null), axis), scales: q.params.map((p) => p.scale) };
      weightCache.set(key, wq);
    }
    inputs[rule.weight] = wq.out;
    quantizeBiasInput(n, rule.bias, wq.scales, axis !== null, plan, resolve, em);
  }

  // Only the original nodes are rewritten: the new Q nodes must keep reading the float tensors.
  for (const n of graph.node ?? []) {
    if (plan.folds.has(n)) continue;
    n.input = (n.input ?? []).map((i) => replaced.get(i) ?? i);
  }
  graph.node = [...(graph.node ?? []).filter((n) => !plan.folds.has(n)), ...em.nodes];
  graph.initializer = [...(graph.initializer ?? []), ...em.inits];
  topoSort(graph);
  pruneDeadNodes(graph);
  const live = new Set((graph.node ?? []).flatMap((n) => [...(n.input ?? []), ...(n.output ?? [])]));
  graph.value_info = (graph.value_info ?? []).filter((v) => live.has(v.name ?? ''));
}

function quantizeBiasInput(
  n: onnx.INodeProto,
  biasIndex: number | undefined,
  weightScales: number[],
  perChannel: boolean,
  plan: StaticPlan,
  resolve: (t: string) => QParams,
  em: Emitter,
): void {
  const inputs = n.input!;
  const bName = biasIndex === undefined ? undefined : inputs[biasIndex];
  if (!bName || biasIndex === undefined) return;
  const b = plan.index.constant(bName);
  const values = b ? floatValues(b) : null;
  const x = plan.alias.get(inputs[0]) ?? inputs[0];
  if (!b || !values || tensorDims(b).length !== 1 || !plan.tensors.has(x)) return;
  if (n.op_type === 'Gemm' && attrFloat(n, 'beta', 1) !== 1) return;
  if (perChannel && weightScales.length !== values.length) return;
  const q = quantizeBias(values, resolve(x).scale, weightScales);
  const stem = em.stem('b');
  const qName = em.unique(`${stem}_q`);
  em.inits.push(makeTensor(qName, DataType.INT32, [values.length], q.data));
  // The zero point of an int32 bias is 0 by definition: leaving it out saves 4 bytes per channel.
  const params = em.params(stem, q.scales.map((s) => ({ scale: s, zeroPoint: 0 })), null, perChannel);
  inputs[biasIndex] = em.dequantize(stem, qName, params, perChannel ? 0 : null);
}
