// Removes the Transposes the converter's NHWC↔NCHW wrapping makes redundant. Each layout-sensitive op
// is wrapped as T(NHWC→NCHW) · op · T(NCHW→NHWC); this pass sinks each Transpose down through ops that
// commute with it (element-wise ops, per-tensor Q/DQ, adds with a constant, Concat) until it meets its
// inverse, and then both go. Graph inputs and outputs keep their names, types and layout.
import type { onnx } from '../../onnx/generated/onnx.js';
import { attrInt, attrInts } from '../../onnx/attributes.js';
import { toNumber } from '../../onnx/int64.js';
import { dataTypeSize } from '../../onnx/data-types.js';
import { tensorDims, tensorRawBytes } from '../../onnx/tensor-data.js';
import { permuteBytes } from './tensor-values.js';

const UNARY = new Set([
  'Relu', 'Clip', 'Sigmoid', 'Tanh', 'LeakyRelu', 'HardSigmoid', 'HardSwish', 'Abs', 'Neg', 'Exp', 'Log', 'Sqrt', 'Reciprocal',
  'Cast', 'Identity', 'Erf', 'Softplus', 'Floor', 'Ceil', 'Round', 'Not', 'Elu', 'Sign', 'Sin', 'Cos',
]);
const BINARY = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'PRelu', 'Equal', 'Less', 'Greater', 'And', 'Or']);
const QDQ = new Set(['QuantizeLinear', 'DequantizeLinear']);

const compose = (a: readonly number[], b: readonly number[]) => b.map((p) => a[p]);
const isIdentity = (p: readonly number[]) => p.every((v, i) => v === i);
const inverse = (p: readonly number[]) => {
  const inv = new Array<number>(p.length);
  p.forEach((v, i) => (inv[v] = i));
  return inv;
};

class Graph {
  readonly inits = new Map<string, onnx.ITensorProto>();
  readonly outputs: Set<string>;

  constructor(readonly g: onnx.IGraphProto) {
    for (const t of g.initializer ?? []) if (t.name) this.inits.set(t.name, t);
    this.outputs = new Set((g.output ?? []).map((o) => o.name ?? ''));
  }

  get nodes(): onnx.INodeProto[] {
    return this.g.node ?? [];
  }

  consumers(name: string): onnx.INodeProto[] {
    return this.nodes.filter((n) => (n.input ?? []).includes(name));
  }

  producer(name: string): onnx.INodeProto | undefined {
    return this.nodes.find((n) => (n.output ?? []).includes(name));
  }

  remove(node: onnx.INodeProto): void {
    this.g.node = this.nodes.filter((n) => n !== node);
  }

  rename(from: string, to: string): void {
    for (const n of this.nodes) n.input = (n.input ?? []).map((i) => (i === from ? to : i));
  }

  /** A per-tensor constant (scalar or one element), which broadcasts the same in any layout. */
  scalarConst(name: string): boolean {
    const t = this.inits.get(name);
    return !!t && tensorDims(t).reduce((a, b) => a * b, 1) === 1;
  }

  /** A copy of constant `name` permuted by perm (after padding its rank to perm's with leading 1s); its new name. */
  permutedConst(name: string, perm: readonly number[]): string | null {
    const t = this.inits.get(name);
    if (!t) return null;
    const dims = tensorDims(t);
    if (dims.length > perm.length) return null;
    const padded = [...Array<number>(perm.length - dims.length).fill(1), ...dims];
    const bytes = tensorRawBytes(t);
    const size = dataTypeSize(t.data_type);
    if (!bytes || !Number.isInteger(size) || size <= 0) return null;
    const data = permuteBytes(bytes, padded, perm, size);
    const out = `${name}_perm${perm.join('')}`;
    if (!this.inits.has(out)) {
      const copy: onnx.ITensorProto = { name: out, data_type: t.data_type, dims: perm.map((p) => padded[p]), raw_data: data };
      this.g.initializer = [...(this.g.initializer ?? []), copy];
      this.inits.set(out, copy);
    }
    return out;
  }
}

function permOf(node: onnx.INodeProto): number[] | null {
  return node.op_type === 'Transpose' ? attrInts(node, 'perm') : null;
}

function setPerm(node: onnx.INodeProto, perm: number[]): void {
  const a = (node.attribute ?? []).find((x) => x.name === 'perm');
  if (a) a.ints = perm;
}

/** Tries to move Transpose `t` below its single consumer; true when the graph changed. */
function sink(g: Graph, t: onnx.INodeProto): boolean {
  const perm = permOf(t)!;
  const x = t.input![0];
  const y = t.output![0];
  if (g.outputs.has(y)) return false;
  const users = g.consumers(y);
  if (users.length !== 1) return false;
  const c = users[0];
  const cOut = c.output?.[0];
  if (!cOut || g.outputs.has(cOut) || (c.output ?? []).length !== 1) return false;
  const op = c.op_type ?? '';

  // T(p) then T(q): one Transpose, or none.
  if (op === 'Transpose') {
    const total = compose(perm, permOf(c)!);
    if (isIdentity(total)) {
      g.remove(t);
      g.remove(c);
      g.rename(cOut, x);
      return true;
    }
    t.output = [cOut];
    setPerm(t, total);
    g.remove(c);
    return true;
  }

  const inputs = c.input ?? [];
  let ok = false;
  if (UNARY.has(op)) ok = inputs[0] === y && inputs.slice(1).every((i) => !i || g.inits.has(i));
  else if (QDQ.has(op)) {
    ok = inputs[0] === y && inputs.slice(1).every((i) => !i || g.inits.has(i));
    if (ok && !g.scalarConst(inputs[1] ?? '')) {
      // Per-axis: the axis moves with the layout.
      const axis = attrInt(c, 'axis', 1);
      const a = (c.attribute ?? []).find((x2) => x2.name === 'axis');
      const rank = perm.length;
      const newAxis = perm[(axis + rank) % rank];
      if (a) a.i = newAxis;
      else c.attribute = [...(c.attribute ?? []), { name: 'axis', type: 2, i: newAxis }];
    }
  } else if (BINARY.has(op)) {
    const others = inputs.map((i, k) => ({ i, k })).filter((e) => e.i !== y);
    if (others.every((e) => g.scalarConst(e.i) || g.inits.has(e.i))) {
      for (const e of others) {
        if (g.scalarConst(e.i)) continue;
        const p = g.permutedConst(e.i, inverse(perm));
        if (!p) return false;
        inputs[e.k] = p;
      }
      ok = true;
    }
  } else if (op === 'Concat') {
    // Every input must carry the same Transpose, used only here: then Concat runs in the inner layout.
    const producers = inputs.map((i) => g.producer(i));
    if (!producers.every((p) => p && permOf(p)?.join() === perm.join() && g.consumers(p.output![0]).length === 1)) return false;
    const rank = perm.length;
    const a = (c.attribute ?? []).find((x2) => x2.name === 'axis');
    if (!a) return false;
    a.i = perm[(toNumber(a.i ?? 0) + rank) % rank];
    c.input = producers.map((p) => p!.input![0]);
    for (const p of producers) if (p && p !== t) g.remove(p);
    const inner = `${cOut}_inner`;
    c.output = [inner];
    t.input = [inner];
    t.output = [cOut];
    moveAfter(g, t, c);
    return true;
  }
  if (!ok) return false;
  // x → T → c → z   becomes   x → c → T → z
  c.input = inputs.map((i) => (i === y ? x : i));
  const z = cOut;
  const inner = `${z}_inner`;
  c.output = [inner];
  t.input = [inner];
  t.output = [z];
  moveAfter(g, t, c);
  return true;
}

/** Keeps topological order: `t` goes right after `c`. */
function moveAfter(g: Graph, t: onnx.INodeProto, c: onnx.INodeProto): void {
  const nodes = g.nodes.filter((n) => n !== t);
  nodes.splice(nodes.indexOf(c) + 1, 0, t);
  g.g.node = nodes;
}

/** A Transpose of a constant becomes the permuted constant. */
function fold(g: Graph, t: onnx.INodeProto): boolean {
  const x = t.input![0];
  const y = t.output![0];
  if (!g.inits.has(x) || g.outputs.has(y)) return false;
  const p = g.permutedConst(x, permOf(t)!);
  if (!p) return false;
  g.remove(t);
  g.rename(y, p);
  return true;
}

/**
 * Runs to a fixed point. Returns how many Transposes went and how many stayed. The graph is changed in place.
 * Unused initializers left behind by folding are dropped.
 */
export function optimizeTransposes(graph: onnx.IGraphProto): { removed: number; remaining: number } {
  const g = new Graph(graph);
  const count = () => g.nodes.filter((n) => n.op_type === 'Transpose').length;
  const before = count();
  for (let round = 0; round < 10_000; round++) {
    let changed = false;
    for (const t of g.nodes.filter((n) => n.op_type === 'Transpose')) {
      if (!g.nodes.includes(t)) continue;
      const perm = permOf(t);
      if (!perm || perm.length === 0) continue;
      if (isIdentity(perm) && !g.outputs.has(t.output![0])) {
        g.remove(t);
        g.rename(t.output![0], t.input![0]);
        changed = true;
        continue;
      }
      if (fold(g, t) || sink(g, t)) {
        changed = true;
        break;
      }
    }
    if (!changed) break;
  }
  const used = new Set(g.nodes.flatMap((n) => n.input ?? []));
  graph.initializer = (graph.initializer ?? []).filter((t) => used.has(t.name ?? '') || g.outputs.has(t.name ?? ''));
  const remaining = count();
  return { removed: before - remaining, remaining };
}
