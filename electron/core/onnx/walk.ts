// Walking a graph and the subgraphs held in node attributes (If: then_branch/else_branch,
// Loop/Scan: body; any GRAPH or GRAPHS attribute).
import type { onnx } from './generated/onnx.js';

export interface NodeVisit {
  node: onnx.INodeProto;
  graph: onnx.IGraphProto;
  /** 0 for the main graph, 1 inside a subgraph of a main-graph node, ... */
  depth: number;
  /** Index of the node in its own graph's node list. */
  index: number;
}

export function subgraphsOf(node: onnx.INodeProto): onnx.IGraphProto[] {
  const out: onnx.IGraphProto[] = [];
  for (const a of node.attribute ?? []) {
    if (a.g) out.push(a.g);
    for (const g of a.graphs ?? []) out.push(g);
  }
  return out;
}

/** Every graph, the main one first, then subgraphs depth-first; iterative so depth cannot overflow the stack. */
export function* walkGraphs(main: onnx.IGraphProto): Generator<{ graph: onnx.IGraphProto; depth: number }> {
  const stack: { graph: onnx.IGraphProto; depth: number }[] = [{ graph: main, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    yield item;
    const nodes = item.graph.node ?? [];
    for (let i = nodes.length - 1; i >= 0; i--) {
      const subs = subgraphsOf(nodes[i]);
      for (let j = subs.length - 1; j >= 0; j--) stack.push({ graph: subs[j], depth: item.depth + 1 });
    }
  }
}

/** Every node of the main graph and of all nested subgraphs. */
export function* walkNodes(main: onnx.IGraphProto): Generator<NodeVisit> {
  for (const { graph, depth } of walkGraphs(main)) {
    const nodes = graph.node ?? [];
    for (let index = 0; index < nodes.length; index++) yield { node: nodes[index], graph, depth, index };
  }
}

/** "Conv" for the default domain, "com.microsoft.FusedConv" otherwise. */
export function qualifiedOpType(node: onnx.INodeProto): string {
  const domain = node.domain ?? '';
  const op = node.op_type ?? '';
  return domain === '' || domain === 'ai.onnx' ? op : `${domain}.${op}`;
}

/** A name for a node in messages and reports: its own, or op type and index when it has none. */
export function nodeLabel(node: onnx.INodeProto, index: number): string {
  return node.name ? node.name : `${node.op_type || 'node'}_${index}`;
}
