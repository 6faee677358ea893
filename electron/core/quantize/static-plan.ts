// First half of static quantization: decide which nodes get QDQ, which tensors need a measured
// range, which Relu/Clip fold into their producer, and why the other nodes stay float.
import type { onnx } from '../onnx/generated/onnx.js';
import { attrFloat, attrInt } from '../onnx/attributes.js';
import { GraphIndex, topoSort } from './graph/graph-index.js';
import { floatValues } from './graph/tensors.js';
import { inferElemTypes } from './graph/type-infer.js';
import { DataType } from '../onnx/data-types.js';
import { FOLDABLE, IGNORED, QDQ_RULES, WEIGHTED, type QdqRule } from './qdq-rules.js';
import type { NodeDecision } from './report-types.js';

/** Where a quantized tensor's parameters come from. */
export type ParamSource = { kind: 'range'; of: string } | { kind: 'same'; as: string } | { kind: 'softmax' };

export interface StaticPlan {
  graph: onnx.IGraphProto;
  index: GraphIndex;
  quantNodes: Set<onnx.INodeProto>;
  /** Activation input indices per quantized node (constants among them are quantized offline). */
  activationInputs: Map<onnx.INodeProto, number[]>;
  tensors: Map<string, ParamSource>;
  /** Folded Relu/Clip → the tensor whose Q now carries its range. */
  folds: Map<onnx.INodeProto, string>;
  /** Output of a folded activation → the producer's tensor that replaces it. */
  alias: Map<string, string>;
  decisions: NodeDecision[];
  /** Tensors whose ranges the calibration must measure. */
  calibrate: string[];
}

export const nodeLabel = (n: onnx.INodeProto, i: number): string => n.name || `${n.op_type}_${i}`;

export function planStatic(model: onnx.IModelProto, exclude: readonly string[]): StaticPlan {
  const graph = model.graph!;
  topoSort(graph);
  const index = new GraphIndex(graph);
  const types = inferElemTypes(graph);
  const excluded = (n: onnx.INodeProto): boolean => exclude.includes(n.name ?? '') || exclude.includes(n.op_type ?? '');
  const decisions = new Map<onnx.INodeProto, NodeDecision>();
  const quantNodes = new Set<onnx.INodeProto>();
  const activationInputs = new Map<onnx.INodeProto, number[]>();
  const tensors = new Map<string, ParamSource>();
  const folds = new Map<onnx.INodeProto, string>();
  const alias = new Map<string, string>();
  const nodes = graph.node ?? [];

  nodes.forEach((n, i) => {
    const op = n.op_type ?? '';
    const decide = (status: NodeDecision['status'], reason: string | null): void => {
      decisions.set(n, { name: nodeLabel(n, i), opType: op, status, reason });
    };
    if (IGNORED.has(op)) return;
    if (FOLDABLE.has(op)) return decide('float', 'not directly after a quantized op');
    const rule = n.domain ? undefined : QDQ_RULES[op];
    if (!rule) return decide('float', `onnxruntime has no integer kernel for ${op}`);
    if (excluded(n)) return decide('float', 'excluded by option');
    const why = unsupported(n, rule, index, types);
    if (typeof why === 'string') return decide('float', why);
    quantNodes.add(n);
    activationInputs.set(n, why);
    decide('quantized', null);
    for (const k of why) {
      const t = n.input![k];
      const name = alias.get(t) ?? t;
      if (!index.constant(name) && !tensors.has(name)) tensors.set(name, { kind: 'range', of: name });
    }
    const out = n.output?.[0];
    if (!out || index.graphOutputs.has(out)) return;
    if (rule.output === 'input') tensors.set(out, { kind: 'same', as: alias.get(n.input![0]) ?? n.input![0] });
    else if (rule.output === 'softmax') tensors.set(out, { kind: 'softmax' });
    else if (rule.output === 'calibrated') {
      const users = index.consumersOf(out);
      const act = users.length === 1 ? users[0] : undefined;
      const actOut = act?.output?.[0];
      if (act && actOut && FOLDABLE.has(act.op_type ?? '') && !act.domain && !excluded(act) && !index.graphOutputs.has(actOut) && clipHoldsZero(act, index)) {
        folds.set(act, out);
        alias.set(actOut, out);
        tensors.set(out, { kind: 'range', of: actOut });
      } else tensors.set(out, { kind: 'range', of: out });
    }
  });
  nodes.forEach((n, i) => {
    const target = folds.get(n);
    if (target) decisions.set(n, { name: nodeLabel(n, i), opType: n.op_type ?? '', status: 'folded', reason: `range folded into the quantized output ${target}` });
  });
  const calibrate = [...new Set([...tensors.values()].flatMap((s) => (s.kind === 'range' ? [s.of] : [])))];
  return { graph, index, quantNodes, activationInputs, tensors, folds, alias, decisions: [...decisions.values()], calibrate };
}

/** The activation input indices when the node can be quantized, else the reason it cannot. */
function unsupported(n: onnx.INodeProto, rule: QdqRule, index: GraphIndex, types: Map<string, number>): number[] | string {
  const inputs = n.input ?? [];
  const op = n.op_type ?? '';
  let acts = rule.activations === 'all' ? inputs.map((_, k) => k) : rule.activations.filter((k) => !!inputs[k]);
  if (op === 'Gemm' && attrInt(n, 'transA', 0) !== 0) return 'Gemm with transA is not quantized';
  if (op === 'MaxPool' && (n.output ?? []).length > 1) return 'MaxPool with indices output';
  if (WEIGHTED.has(op)) {
    const w = index.constant(inputs[rule.weight!] ?? '');
    if (!w || w.data_type !== DataType.FLOAT || !floatValues(w)) {
      if (op === 'MatMul') acts = [0, 1];
      else return 'weight is not a float constant';
    }
  }
  for (const k of acts) {
    if (types.get(inputs[k]) !== DataType.FLOAT && index.constant(inputs[k])?.data_type !== DataType.FLOAT) {
      return 'input is not float32';
    }
  }
  return acts;
}

/** A Relu, or a Clip whose constant bounds include 0: quantizing [min(0,lo), max(0,hi)] then clips the same way. */
function clipHoldsZero(n: onnx.INodeProto, index: GraphIndex): boolean {
  if (n.op_type === 'Relu') return true;
  const bound = (k: number): number | null => {
    const name = n.input?.[k];
    if (!name) return null;
    const t = index.constant(name);
    const v = t ? floatValues(t) : null;
    return v && v.length === 1 ? v[0] : NaN;
  };
  // Before opset 11 the bounds were attributes.
  const legacy = (n.attribute ?? []).some((a) => a.name === 'min' || a.name === 'max');
  const lo = legacy ? attrFloat(n, 'min', -Infinity) : bound(1);
  const hi = legacy ? attrFloat(n, 'max', Infinity) : bound(2);
  if (Number.isNaN(lo) || Number.isNaN(hi)) return false;
  return (lo === null || lo <= 0) && (hi === null || hi >= 0);
}
