// Lookups over a graph: who produces and who consumes each tensor, initializers and Constant values.
import type { onnx } from '../../onnx/generated/onnx.js';
import { attribute } from '../../onnx/attributes.js';

export class GraphIndex {
  readonly producer = new Map<string, onnx.INodeProto>();
  readonly consumers = new Map<string, onnx.INodeProto[]>();
  readonly initializers = new Map<string, onnx.ITensorProto>();
  readonly graphInputs: Set<string>;
  readonly graphOutputs: Set<string>;

  constructor(readonly graph: onnx.IGraphProto) {
    for (const t of graph.initializer ?? []) this.initializers.set(t.name ?? '', t);
    for (const n of graph.node ?? []) {
      for (const o of n.output ?? []) if (o) this.producer.set(o, n);
      for (const i of n.input ?? []) {
        if (!i) continue;
        const list = this.consumers.get(i) ?? [];
        if (!list.includes(n)) list.push(n);
        this.consumers.set(i, list);
      }
    }
    this.graphInputs = new Set((graph.input ?? []).map((v) => v.name ?? '').filter((n) => !this.initializers.has(n)));
    this.graphOutputs = new Set((graph.output ?? []).map((v) => v.name ?? ''));
  }

  /** The constant value of a tensor: an initializer or the output of a Constant node with a `value` tensor. */
  constant(name: string): onnx.ITensorProto | undefined {
    const init = this.initializers.get(name);
    if (init) return init;
    const p = this.producer.get(name);
    if (p?.op_type === 'Constant') return attribute(p, 'value')?.t ?? undefined;
    return undefined;
  }

  consumersOf(name: string): onnx.INodeProto[] {
    return this.consumers.get(name) ?? [];
  }
}

/** Removes nodes whose outputs nobody uses any more (Constant feeders of removed Clips, ...). */
export function pruneDeadNodes(graph: onnx.IGraphProto): void {
  for (;;) {
    const used = new Set<string>((graph.output ?? []).map((o) => o.name ?? ''));
    for (const n of graph.node ?? []) for (const i of n.input ?? []) used.add(i);
    const before = graph.node?.length ?? 0;
    graph.node = (graph.node ?? []).filter((n) => (n.output ?? []).some((o) => used.has(o)));
    if (graph.node.length === before) break;
  }
  const used = new Set<string>();
  for (const n of graph.node ?? []) for (const i of n.input ?? []) used.add(i);
  for (const o of graph.output ?? []) used.add(o.name ?? '');
  graph.initializer = (graph.initializer ?? []).filter((t) => used.has(t.name ?? ''));
}

/** Nodes in an order where every producer comes before its consumers. */
export function topoSort(graph: onnx.IGraphProto): void {
  const nodes = graph.node ?? [];
  const available = new Set<string>([
    ...(graph.input ?? []).map((v) => v.name ?? ''),
    ...(graph.initializer ?? []).map((t) => t.name ?? ''),
    '',
  ]);
  const out: onnx.INodeProto[] = [];
  let pending = [...nodes];
  while (pending.length) {
    const next: onnx.INodeProto[] = [];
    for (const n of pending) {
      if ((n.input ?? []).every((i) => available.has(i))) {
        out.push(n);
        for (const o of n.output ?? []) available.add(o);
      } else next.push(n);
    }
    if (next.length === pending.length) {
      out.push(...next);
      break;
    }
    pending = next;
  }
  graph.node = out;
}
