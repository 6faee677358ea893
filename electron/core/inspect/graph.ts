// The main graph as nodes and edges for drawing. Subgraphs stay inside their If/Loop node.
import type { GraphNode, ModelGraph } from '../api/types.js';
import type { onnx } from '../onnx/generated/onnx.js';
import { openModelFile } from '../onnx/format-registry.js';
import { nodeLabel } from '../onnx/walk.js';
import type { TfliteSubgraph } from '../tflite/ir.js';

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

/** A TFLite subgraph drawn as it is stored: one node per operator, edges by tensor. */
export function tfliteGraphOf(graph: TfliteSubgraph): ModelGraph {
  const name = (i: number) => graph.tensors[i]?.name || `t${i}`;
  const producer = new Map<number, string>();
  const nodes: GraphNode[] = graph.operators.map((op) => {
    const id = `${op.index}:${op.opcode === 'CUSTOM' ? (op.customCode ?? 'CUSTOM') : op.opcode}`;
    for (const o of op.outputs) producer.set(o, id);
    return {
      id,
      name: name(op.outputs[0] ?? -1),
      opType: op.opcode === 'CUSTOM' ? `CUSTOM ${op.customCode ?? ''}`.trim() : op.opcode,
      inputs: op.inputs.filter((i) => i >= 0).map(name),
      outputs: op.outputs.map(name),
    };
  });
  const edges: ModelGraph['edges'] = [];
  graph.operators.forEach((op, k) => {
    for (const i of op.inputs) {
      const from = i >= 0 ? producer.get(i) : undefined;
      if (from) edges.push({ from, to: nodes[k].id, tensor: name(i) });
    }
  });
  return { nodes, edges, inputs: graph.inputs.map(name), outputs: graph.outputs.map(name) };
}

export async function modelGraph(path: string): Promise<ModelGraph> {
  const opened = await openModelFile(path);
  if (opened.format === 'tflite') {
    const main = opened.tflite.subgraphs[0];
    return main ? tfliteGraphOf(main) : { nodes: [], edges: [], inputs: [], outputs: [] };
  }
  return graphOf(opened.model.graph!);
}
