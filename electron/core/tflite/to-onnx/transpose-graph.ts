// The working copy of a graph that the transpose pass rewrites: nodes (deep enough copies that a trial
// rewrite can be thrown away), initializers, the names that must survive, and what ranks are known.
import type { onnx } from '../../onnx/generated/onnx.js';
import { attrInts } from '../../onnx/attributes.js';
import { DataType, dataTypeSize } from '../../onnx/data-types.js';
import { tensorDims, tensorElementCount, tensorRawBytes } from '../../onnx/tensor-data.js';
import { subgraphsOf, walkGraphs } from '../../onnx/walk.js';
import { permuteBytes } from './tensor-values.js';

type Node = onnx.INodeProto;

export const compose = (a: readonly number[], b: readonly number[]): number[] => b.map((p) => a[p]);
export const isIdentity = (p: readonly number[]): boolean => p.every((v, i) => v === i);
export function inverse(p: readonly number[]): number[] {
  const inv = new Array<number>(p.length);
  p.forEach((v, i) => (inv[v] = i));
  return inv;
}

/** The perm of a default-domain Transpose when it is a true permutation; null otherwise (no perm means "reverse", rank unknown). */
export function permOf(node: Node): number[] | null {
  if (node.op_type !== 'Transpose' || !isDefaultDomain(node)) return null;
  const p = attrInts(node, 'perm');
  if (!p || p.length === 0) return null;
  const seen = new Set(p);
  return seen.size === p.length && p.every((v) => Number.isInteger(v) && v >= 0 && v < p.length) ? p : null;
}

export function isDefaultDomain(node: Node): boolean {
  return !node.domain || node.domain === 'ai.onnx';
}

function cloneNode(n: Node): Node {
  return {
    ...n,
    input: [...(n.input ?? [])],
    output: [...(n.output ?? [])],
    attribute: (n.attribute ?? []).map((a) => ({ ...a, ints: a.ints ? [...a.ints] : a.ints })),
  };
}

/** Ranks from the graph's declared value infos (inputs, outputs, value_info) that carry a shape. */
function declaredRanks(g: onnx.IGraphProto): Map<string, number> {
  const ranks = new Map<string, number>();
  for (const v of [...(g.input ?? []), ...(g.value_info ?? []), ...(g.output ?? [])]) {
    const shape = v.type?.tensor_type?.shape;
    if (v.name && shape) ranks.set(v.name, (shape.dim ?? []).length);
  }
  return ranks;
}

/** Names read inside subgraphs (If/Loop bodies) from the outer scope: the pass must leave them as they are. */
function namesUsedInSubgraphs(g: onnx.IGraphProto): Set<string> {
  const out = new Set<string>();
  for (const n of g.node ?? []) {
    for (const sub of subgraphsOf(n)) for (const { graph } of walkGraphs(sub)) for (const m of graph.node ?? []) for (const i of m.input ?? []) out.add(i);
  }
  return out;
}

interface Shared {
  /** Graph outputs and outer-scope names of subgraphs: their producer and meaning stay. */
  pinned: Set<string>;
  graphInputs: Set<string>;
  ranks: Map<string, number>;
  /** Every name ever handed out or seen, so fresh names never collide (shared by trials). */
  names: Set<string>;
}

export class TransposeGraph {
  private constructor(
    public nodes: Node[],
    public inits: Map<string, onnx.ITensorProto>,
    readonly shared: Shared,
  ) {}

  static from(g: onnx.IGraphProto): TransposeGraph {
    // Subgraphs included: a fresh name must not shadow one used in an If/Loop body either.
    const names = new Set<string>();
    for (const { graph } of walkGraphs(g)) {
      for (const n of graph.node ?? []) for (const x of [...(n.input ?? []), ...(n.output ?? []), n.name ?? '']) names.add(x);
      for (const v of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.initializer ?? [])]) names.add(v.name ?? '');
    }
    const pinned = new Set([...(g.output ?? []).map((o) => o.name ?? ''), ...namesUsedInSubgraphs(g)]);
    const inits = new Map<string, onnx.ITensorProto>();
    for (const t of g.initializer ?? []) if (t.name) inits.set(t.name, t);
    const shared = { pinned, graphInputs: new Set((g.input ?? []).map((i) => i.name ?? '')), ranks: declaredRanks(g), names };
    return new TransposeGraph((g.node ?? []).map(cloneNode), inits, shared);
  }

  clone(): TransposeGraph {
    return new TransposeGraph(this.nodes.map(cloneNode), new Map(this.inits), this.shared);
  }

  fresh(base: string): string {
    let name = base;
    for (let k = 1; this.shared.names.has(name); k++) name = `${base}_${k}`;
    this.shared.names.add(name);
    return name;
  }

  isPinned(name: string): boolean {
    return this.shared.pinned.has(name);
  }

  consumers(name: string): Node[] {
    return this.nodes.filter((n) => (n.input ?? []).includes(name));
  }

  producer(name: string): Node | undefined {
    return this.nodes.find((n) => (n.output ?? []).includes(name));
  }

  transposeCount(): number {
    return this.nodes.reduce((k, n) => k + (n.op_type === 'Transpose' ? 1 : 0), 0);
  }

  remove(node: Node): void {
    this.nodes = this.nodes.filter((n) => n !== node);
  }

  insertBefore(node: Node, anchor: Node): void {
    this.nodes.splice(this.nodes.indexOf(anchor), 0, node);
  }

  insertAfter(node: Node, anchor: Node): void {
    this.nodes.splice(this.nodes.indexOf(anchor) + 1, 0, node);
  }

  transpose(input: string, output: string, perm: readonly number[]): Node {
    return { name: this.fresh(`${output}_transpose`), op_type: 'Transpose', input: [input], output: [output], attribute: [{ name: 'perm', type: 7, ints: [...perm] }] };
  }

  /** Drops a Transpose nobody reads any more. */
  dropIfDead(node: Node): void {
    const y = node.output?.[0] ?? '';
    if (this.nodes.includes(node) && !this.isPinned(y) && this.consumers(y).length === 0) this.remove(node);
  }

  /**
   * Makes every reader of `from` read `to` (same values) and lets `from` go. A pinned `from` keeps its name:
   * the producer of `to` is renamed when `to` is an ordinary node output, otherwise an Identity carries it.
   */
  replaceTensor(from: string, to: string, anchor: Node): void {
    for (const n of this.nodes) n.input = (n.input ?? []).map((i) => (i === from ? to : i));
    if (!this.isPinned(from)) return;
    const p = this.producer(to);
    if (p && !this.isPinned(to) && !this.shared.graphInputs.has(to) && !this.inits.has(to)) {
      p.output = (p.output ?? []).map((o) => (o === to ? from : o));
      for (const n of this.nodes) n.input = (n.input ?? []).map((i) => (i === to ? from : i));
      return;
    }
    const id: Node = { name: this.fresh(`${from}_identity`), op_type: 'Identity', input: [to], output: [from] };
    this.nodes.splice(this.nodes.indexOf(anchor), 0, id);
  }

  /** Rank of a tensor where it can be told: initializer dims, declared shapes, or through the ops the pass moves. */
  rankOf(name: string, depth = 0): number | null {
    const t = this.inits.get(name);
    if (t) return tensorDims(t).length;
    const known = this.shared.ranks.get(name);
    if (known !== undefined) return known;
    const p = this.producer(name);
    if (!p || depth > 64) return null;
    const perm = permOf(p);
    if (perm) return perm.length;
    if (RANK_KEEPING.has(p.op_type ?? '')) return this.rankOf(p.input?.[0] ?? '', depth + 1);
    return null;
  }

  /** A per-tensor constant: one element, which broadcasts the same whatever the layout. */
  isScalarConst(name: string): boolean {
    const t = this.inits.get(name);
    return !!t && tensorElementCount(t) === 1;
  }

  /** Whether constant `name` has bytes here (not external, not strings, whole-byte elements) and at most `rank` dims. */
  canPermute(name: string, rank: number): boolean {
    const t = this.inits.get(name);
    if (!t || tensorDims(t).length > rank) return false;
    const size = dataTypeSize(t.data_type);
    const bytes = Number.isInteger(size) && size > 0 ? tensorRawBytes(t) : null;
    return !!bytes && bytes.length === tensorElementCount(t) * size;
  }

  /**
   * Constant `name`, rank padded to perm's with leading 1s (numpy broadcasting), permuted by perm, as a new
   * initializer; its name. Null when it cannot be (external data, strings, sub-byte types, too high a rank).
   */
  permutedConst(name: string, perm: readonly number[]): string | null {
    const t = this.inits.get(name);
    if (!t || !this.canPermute(name, perm.length)) return null;
    const dims = tensorDims(t);
    const size = dataTypeSize(t.data_type);
    const bytes = tensorRawBytes(t)!;
    const padded = [...Array<number>(perm.length - dims.length).fill(1), ...dims];
    const copy: onnx.ITensorProto = {
      name: this.fresh(`${name}_perm${perm.join('')}`),
      data_type: t.data_type,
      dims: perm.map((p) => padded[p]),
      raw_data: permuteBytes(bytes, padded, perm, size),
    };
    this.inits.set(copy.name!, copy);
    return copy.name!;
  }

  /** A new 1-D integer initializer (INT64 unless INT32 is asked for). */
  intConst(base: string, values: readonly number[], dataType: number = DataType.INT64): string {
    const name = this.fresh(base);
    const t: onnx.ITensorProto =
      dataType === DataType.INT32
        ? { name, data_type: DataType.INT32, dims: [values.length], int32_data: [...values] }
        : { name, data_type: DataType.INT64, dims: [values.length], int64_data: [...values] };
    this.inits.set(name, t);
    return name;
  }
}

/** Ops whose first output has the rank of their first input (all the ops the pass sinks through). */
export const RANK_KEEPING = new Set([
  'Relu', 'Clip', 'Sigmoid', 'Tanh', 'LeakyRelu', 'HardSigmoid', 'HardSwish', 'Abs', 'Neg', 'Exp', 'Log', 'Sqrt', 'Reciprocal',
  'Cast', 'Identity', 'Erf', 'Softplus', 'Floor', 'Ceil', 'Round', 'Not', 'Elu', 'Sign', 'Sin', 'Cos', 'Selu', 'Softsign',
  'QuantizeLinear', 'DequantizeLinear', 'Concat', 'Split', 'Pad', 'Slice', 'Softmax', 'LogSoftmax',
]);
