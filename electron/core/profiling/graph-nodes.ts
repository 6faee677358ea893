// The node list (name, op type, tensor names) of an ONNX model's main graph: all the profiler needs
// to map executed nodes back to original ones. Also reads the optimized models ORT writes.
import { decodeModel } from '../onnx/codec.js';

export interface GraphNodeInfo {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  /** The source-format operator the node was converted from (doc_string "tflite:12 CONV_2D name"), or null. */
  source?: string | null;
}

export interface GraphNodes {
  nodes: GraphNodeInfo[];
  /** Graph inputs and initializers: tensors no node produces. */
  sources: Set<string>;
}

/** How converters (TFLite → ONNX) tag each node with the operator it came from. */
export const SOURCE_PREFIX = 'tflite:';

export function readGraphNodes(bytes: Uint8Array): GraphNodes {
  const graph = decodeModel(bytes).graph;
  if (!graph) return { nodes: [], sources: new Set() };
  const taken = new Set((graph.node ?? []).map((n) => n.name ?? '').filter((n) => n));
  let counter = 0;
  // Unnamed nodes get the name ORT gives them when it loads the graph: <op>_<counter>, unique.
  const nameOf = (n: { name?: string | null; op_type?: string | null }): string => {
    if (n.name) return n.name;
    let name: string;
    do name = `${n.op_type ?? 'Node'}_${counter++}`;
    while (taken.has(name));
    taken.add(name);
    return name;
  };
  const nodes = (graph.node ?? []).map((n) => ({
    name: nameOf(n),
    opType: n.op_type ?? '',
    domain: n.domain ?? '',
    inputs: [...(n.input ?? [])],
    outputs: [...(n.output ?? [])],
    source: n.doc_string?.startsWith(SOURCE_PREFIX) ? n.doc_string.slice(SOURCE_PREFIX.length) : null,
  }));
  const sources = new Set<string>([
    ...(graph.input ?? []).map((v) => v.name ?? ''),
    ...(graph.initializer ?? []).map((t) => t.name ?? ''),
    ...(graph.sparse_initializer ?? []).map((t) => t.values?.name ?? ''),
  ]);
  sources.delete('');
  return { nodes, sources };
}
