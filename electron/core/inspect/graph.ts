// The main graph as nodes and edges for drawing. Subgraphs stay inside their If/Loop node.
import type { GraphNode, ModelGraph } from '../api/types.js';
import type { onnx } from '../onnx/generated/onnx.js';
import { openModelFile } from '../onnx/format-registry.js';
import { nodeLabel } from '../onnx/walk.js';

/** Node ids: the node's name when it is unique, else a name made unique with a suffix. */
function nodeIds(nodes: onnx.INodeProto[]): string[] {
  const used = new Set<string>();
  return nodes.map((node, index) => {
    const base = nodeLabel(node, index);
    let id = base;
    for (let k = 2; used.has(id); k++) id = `${base}#${k}`;
    used.add(id);
    return id;
  });
}

export function graphOf(graph: onnx.IGraphProto): ModelGraph {
  const nodes = graph.node ?? [];
  const ids = nodeIds(nodes);
  const producer = new Map<string, string>();
  nodes.forEach((node, i) => {
    for (const out of node.output ?? []) if (out) producer.set(out, ids[i]);
  });
  const graphNodes: GraphNode[] = nodes.map((node, i) => ({
    id: ids[i],
    name: node.name ?? '',
    opType: node.op_type ?? '',
    inputs: [...(node.input ?? [])],
    outputs: [...(node.output ?? [])],
  }));
  const edges: ModelGraph['edges'] = [];
  nodes.forEach((node, i) => {
    for (const tensor of node.input ?? []) {
      const from = tensor ? producer.get(tensor) : undefined;
      if (from) edges.push({ from, to: ids[i], tensor });
    }
  });
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  return {
    nodes: graphNodes,
    edges,
    inputs: (graph.input ?? []).map((v) => v.name ?? '').filter((n) => n && !initializers.has(n)),
    outputs: (graph.output ?? []).map((v) => v.name ?? ''),
  };
}

export async function modelGraph(path: string): Promise<ModelGraph> {
  const opened = await openModelFile(path);
  return graphOf(opened.model.graph!);
}
