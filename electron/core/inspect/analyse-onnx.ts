// Everything InspectReport says about a decoded ONNX model, except the ORT load check.
import type { InspectReport, NodeMacs } from '../api/types.js';
import type { OpenedOnnxModel } from '../onnx/format-types.js';
import type { onnx } from '../onnx/generated/onnx.js';
import { dataTypeName } from '../onnx/data-types.js';
import { toNumber } from '../onnx/int64.js';
import { isExternal, tensorByteLength, tensorElementCount } from '../onnx/tensor-data.js';
import { nodeLabel, qualifiedOpType, subgraphsOf, walkGraphs, walkNodes } from '../onnx/walk.js';
import { nodeMacs } from './macs.js';
import { inferGraphShapes, type ShapeTable } from './shape-inference.js';
import { tensorInfo } from './tensor-info.js';

export type Analysis = Omit<InspectReport, 'loadable'>;

function weights(graph: onnx.IGraphProto) {
  let parameterCount = 0;
  let externalData = false;
  const weightBytes: Record<string, number> = {};
  const add = (t: onnx.ITensorProto, elements: number) => {
    parameterCount += elements;
    const type = dataTypeName(t.data_type);
    weightBytes[type] = (weightBytes[type] ?? 0) + tensorByteLength(t);
    if (isExternal(t)) externalData = true;
  };
  for (const { graph: g } of walkGraphs(graph)) {
    for (const t of g.initializer ?? []) add(t, tensorElementCount(t));
    // A sparse initializer stores only its values: those are its parameters.
    for (const s of g.sparse_initializer ?? []) if (s.values) add(s.values, tensorElementCount(s.values));
  }
  const weightBytesTotal = Object.values(weightBytes).reduce((a, b) => a + b, 0);
  return { parameterCount, weightBytes, weightBytesTotal, externalData };
}

/** Runs shape inference graph by graph (subgraphs see their parents' shapes) and counts MACs. */
function macs(main: onnx.IGraphProto): Analysis['macs'] {
  const perNode: NodeMacs[] = [];
  const unresolved: string[] = [];
  const stack: { graph: onnx.IGraphProto; parent: ShapeTable | null }[] = [{ graph: main, parent: null }];
  while (stack.length > 0) {
    const { graph, parent } = stack.pop()!;
    const table = inferGraphShapes(graph, parent);
    const shapeOf = (name: string | undefined) => table.shape(name);
    (graph.node ?? []).forEach((node, index) => {
      const m = nodeMacs(node, shapeOf);
      const name = nodeLabel(node, index);
      if (m === null) unresolved.push(name);
      else if (m !== undefined) perNode.push({ name, opType: qualifiedOpType(node), macs: m });
      for (const sub of subgraphsOf(node)) stack.push({ graph: sub, parent: table });
    });
  }
  return { total: perNode.reduce((sum, n) => sum + n.macs, 0), perNode, unresolved };
}

/**
 * nodeCount and opCounts include the nodes of subgraphs (If/Loop/Scan bodies), so the
 * op counts always sum to nodeCount. MACs of a loop body count one iteration.
 * Graph inputs that are also initializers (IR < 4 style) are not listed as inputs.
 */
export function analyseOnnx(opened: OpenedOnnxModel): Analysis {
  const { model } = opened;
  const graph = model.graph!;
  const opCounts: Record<string, number> = {};
  let nodeCount = 0;
  for (const { node } of walkNodes(graph)) {
    const op = qualifiedOpType(node);
    opCounts[op] = (opCounts[op] ?? 0) + 1;
    nodeCount++;
  }
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const metadata: Record<string, string> = {};
  for (const e of model.metadata_props ?? []) metadata[e.key ?? ''] = e.value ?? '';
  return {
    format: 'onnx',
    fileBytes: opened.fileBytes,
    irVersion: toNumber(model.ir_version),
    opsets: (model.opset_import ?? []).map((o) => ({ domain: o.domain ?? '', version: toNumber(o.version) })),
    producer: { name: model.producer_name ?? '', version: model.producer_version ?? '' },
    graphName: graph.name ?? '',
    docString: model.doc_string || graph.doc_string || '',
    metadata,
    inputs: (graph.input ?? []).filter((vi) => !initializers.has(vi.name)).map(tensorInfo),
    outputs: (graph.output ?? []).map(tensorInfo),
    nodeCount,
    opCounts,
    ...weights(graph),
    macs: macs(graph),
  };
}
