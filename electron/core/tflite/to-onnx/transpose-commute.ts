// Which ops a Transpose may move below, and how: for an op reading T(perm)(x), a plan that rewrites it to
// read x (axes attributes and inputs remapped through perm, constants permuted by perm's inverse) so that
// op(T(x)) = T(op'(x)). A plan is checked in full before anything is changed.
import type { onnx } from '../../onnx/generated/onnx.js';
import { attrInt, attrInts, attribute } from '../../onnx/attributes.js';
import { DataType } from '../../onnx/data-types.js';
import { tensorDims, tensorIntValues } from '../../onnx/tensor-data.js';
import { inverse, isDefaultDomain, permOf, type TransposeGraph } from './transpose-graph.js';

type Node = onnx.INodeProto;

const UNARY = new Set([
  'Relu', 'Clip', 'Sigmoid', 'Tanh', 'LeakyRelu', 'HardSigmoid', 'HardSwish', 'Abs', 'Neg', 'Exp', 'Log', 'Sqrt', 'Reciprocal',
  'Cast', 'Identity', 'Erf', 'Softplus', 'Floor', 'Ceil', 'Round', 'Not', 'Elu', 'Sign', 'Sin', 'Cos', 'Selu', 'Softsign',
]);
const BROADCAST = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'PRelu', 'Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Xor', 'Where']);
const REDUCE = new Set(['ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceSum', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare']);
const SOFTMAX = new Set(['Softmax', 'LogSoftmax', 'Hardmax']);

export interface SinkContext {
  g: TransposeGraph;
  /** The Transpose's output (what the op reads now), its input x, and its perm. */
  y: string;
  x: string;
  perm: readonly number[];
  opset: number | null;
}

/** Applies the rewrite of the op's inputs and attributes; the caller then moves the Transpose below it. */
export type Plan = () => void;

const normAxis = (a: number, rank: number) => (a < 0 ? a + rank : a);
const validAxis = (a: number, rank: number) => Number.isInteger(a) && a >= -rank && a < rank;

function setIntAttr(node: Node, name: string, value: number): void {
  const a = attribute(node, name);
  if (a) a.i = value;
  else node.attribute = [...(node.attribute ?? []), { name, type: 2, i: value }];
}

function setIntsAttr(node: Node, name: string, values: number[]): void {
  const a = attribute(node, name);
  if (a) a.ints = values;
}

/**
 * How data input k (a tensor of the op's layout) becomes one in x's layout: the Transpose's own output
 * becomes x, the output of a Transpose with the same perm becomes that one's input, a constant is permuted
 * by perm's inverse (rank padded first when `broadcast`), and any other tensor of the full rank gets an
 * inverse Transpose in front. Null when none applies.
 */
function dataInput(c: SinkContext, node: Node, k: number, broadcast: boolean): Plan | null {
  const { g, y, x, perm } = c;
  const name = node.input![k];
  if (!name) return null;
  if (name === y) return () => (node.input![k] = x);
  const p = g.producer(name);
  const pPerm = p ? permOf(p) : null;
  if (p && pPerm && pPerm.join() === perm.join()) {
    return () => {
      node.input![k] = p.input![0];
      g.dropIfDead(p);
    };
  }
  if (g.inits.has(name)) {
    const rank = tensorDims(g.inits.get(name)!).length;
    if (rank > perm.length || (!broadcast && rank !== perm.length)) return null;
    if (g.isScalarConst(name) && broadcast) return () => undefined;
    if (!g.canPermute(name, perm.length)) return null;
    return () => (node.input![k] = g.permutedConst(name, inverse(perm))!);
  }
  if (g.rankOf(name) !== perm.length) return null;
  return () => {
    const t = g.transpose(name, g.fresh(`${name}_to_inner`), inverse(perm));
    g.insertBefore(t, node);
    node.input![k] = t.output![0];
  };
}

/** Plans for every data input, or null if one has none. */
function allData(c: SinkContext, node: Node, indices: number[], broadcast: boolean): Plan | null {
  const plans: Plan[] = [];
  for (const k of indices) {
    const p = dataInput(c, node, k, broadcast);
    if (!p) return null;
    plans.push(p);
  }
  return () => plans.forEach((p) => p());
}

/** Only input 0 is data; the others must be absent or constants that do not depend on the layout. */
function firstOnly(c: SinkContext, node: Node, extra: Plan = () => undefined): Plan | null {
  const ins = node.input ?? [];
  if (ins[0] !== c.y || ins.slice(1).includes(c.y)) return null;
  return () => {
    node.input![0] = c.x;
    extra();
  };
}

/** Remaps axis lists given as an attribute or as a constant input; null if neither is readable. */
function remapAxes(c: SinkContext, node: Node, inputIndex: number): Plan | null | 'none' {
  const rank = c.perm.length;
  const attr = attrInts(node, 'axes');
  const input = node.input?.[inputIndex];
  if (attr) {
    if (!attr.every((a) => validAxis(a, rank))) return null;
    return () => setIntsAttr(node, 'axes', attr.map((a) => c.perm[normAxis(a, rank)]));
  }
  if (input) {
    const t = c.g.inits.get(input);
    const values = t ? tensorIntValues(t) : null;
    if (!t || !values || !values.every((a) => validAxis(a, rank))) return null;
    return () => (node.input![inputIndex] = c.g.intConst(`${input}_inner`, values.map((a) => c.perm[normAxis(a, rank)]), t.data_type ?? DataType.INT64));
  }
  return 'none';
}

function quantizePlan(c: SinkContext, node: Node): Plan | null {
  const [, scale, zp] = node.input ?? [];
  if (!scale || !c.g.inits.has(scale) || (zp && !c.g.inits.has(zp))) return null;
  if (attrInt(node, 'block_size', 0) !== 0) return null;
  if (c.g.isScalarConst(scale) && tensorDims(c.g.inits.get(scale)!).length <= 1) return firstOnly(c, node);
  if (tensorDims(c.g.inits.get(scale)!).length !== 1) return null;
  // Per-axis: the quantized axis moves with the layout.
  const rank = c.perm.length;
  const axis = attrInt(node, 'axis', 1);
  if (!validAxis(axis, rank)) return null;
  return firstOnly(c, node, () => setIntAttr(node, 'axis', c.perm[normAxis(axis, rank)]));
}

function axisPlan(c: SinkContext, node: Node, fallback: number): Plan | null {
  const rank = c.perm.length;
  const axis = attrInt(node, 'axis', fallback);
  if (!validAxis(axis, rank)) return null;
  return () => setIntAttr(node, 'axis', c.perm[normAxis(axis, rank)]);
}

function padPlan(c: SinkContext, node: Node): Plan | null {
  const rank = c.perm.length;
  const remap = (pads: number[]) => {
    const out = new Array<number>(2 * rank);
    for (let i = 0; i < rank; i++) {
      out[c.perm[i]] = pads[i];
      out[rank + c.perm[i]] = pads[rank + i];
    }
    return out;
  };
  const padsAttr = attrInts(node, 'pads');
  if (padsAttr) {
    if (padsAttr.length !== 2 * rank) return null;
    return firstOnly(c, node, () => setIntsAttr(node, 'pads', remap(padsAttr)));
  }
  if (node.input?.[3]) {
    // Opset 18 axes input: the pads stay with their axes, and the axes move.
    const axes = remapAxes(c, node, 3);
    return axes && axes !== 'none' ? firstOnly(c, node, axes) : null;
  }
  const padsName = node.input?.[1];
  const t = padsName ? c.g.inits.get(padsName) : undefined;
  const pads = t ? tensorIntValues(t, 2 * rank) : null;
  if (!padsName || !pads || pads.length !== 2 * rank) return null;
  return firstOnly(c, node, () => (node.input![1] = c.g.intConst(`${padsName}_inner`, remap(pads))));
}

function slicePlan(c: SinkContext, node: Node): Plan | null {
  if (attribute(node, 'starts')) return null; // opset < 10: starts/ends/axes as attributes
  const [, starts, , axes] = node.input ?? [];
  const rank = c.perm.length;
  if (axes) {
    const r = remapAxes(c, node, 3);
    return r && r !== 'none' ? firstOnly(c, node, r) : null;
  }
  const t = starts ? c.g.inits.get(starts) : undefined;
  const n = t ? tensorIntValues(t, rank) : null;
  if (!t || !n || n.length > rank) return null;
  // No axes input means axes 0..n-1; it has to be given now.
  return firstOnly(c, node, () => {
    const ins = node.input!;
    while (ins.length < 4) ins.push('');
    ins[3] = c.g.intConst(`${node.name || 'slice'}_axes_inner`, n.map((_, i) => c.perm[i]), t.data_type ?? DataType.INT64);
  });
}

/** The rewrite that lets the Transpose below `node` move under it, or null when it does not commute. */
export function commutePlan(c: SinkContext, node: Node): Plan | null {
  if (!isDefaultDomain(node) || (node.output ?? []).some((o) => !o)) return null;
  const op = node.op_type ?? '';
  const ins = node.input ?? [];
  if (UNARY.has(op)) {
    // Clip's min/max are scalars; nothing else reads a second input.
    if (ins.slice(1).some((i) => i && !c.g.isScalarConst(i))) return null;
    return firstOnly(c, node);
  }
  if (op === 'QuantizeLinear' || op === 'DequantizeLinear') return quantizePlan(c, node);
  if (BROADCAST.has(op)) {
    if (op === 'Where' ? ins.length !== 3 : ins.length !== 2) return null;
    return allData(c, node, ins.map((_, k) => k), true);
  }
  if (op === 'Concat') {
    const axis = axisPlan(c, node, 0);
    const data = allData(c, node, ins.map((_, k) => k), false);
    return axis && data && attribute(node, 'axis') ? () => (data(), axis()) : null;
  }
  if (op === 'Split') {
    const axis = axisPlan(c, node, 0);
    return axis ? firstOnly(c, node, axis) : null;
  }
  if (REDUCE.has(op)) {
    if (attrInt(node, 'keepdims', 1) !== 1) return null;
    const axes = remapAxes(c, node, 1);
    if (!axes) return null;
    return firstOnly(c, node, axes === 'none' ? undefined : axes);
  }
  if (op === 'ArgMax' || op === 'ArgMin') {
    if (attrInt(node, 'keepdims', 1) !== 1) return null;
    const axis = axisPlan(c, node, 0);
    return axis ? firstOnly(c, node, axis) : null;
  }
  if (SOFTMAX.has(op)) {
    // Before opset 13 these flatten to 2-D around the axis, which no perm but the identity preserves.
    if (c.opset === null || c.opset < 13) return null;
    const axis = axisPlan(c, node, -1);
    return axis ? firstOnly(c, node, axis) : null;
  }
  if (op === 'Pad') return padPlan(c, node);
  if (op === 'Slice') return slicePlan(c, node);
  return null;
}
