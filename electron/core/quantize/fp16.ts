// float32 → float16 conversion of a whole model: initializers, Constant values, Cast targets, value_info
// and (unless keepIoTypes) the graph IO. Ops on the block list keep computing in float32 with Cast
// nodes at their boundaries; with keepIoTypes the graph keeps float32 IO and casts just inside it.
import type { onnx } from '../onnx/generated/onnx.js';
import { attribute, attrInt } from '../onnx/attributes.js';
import { DataType } from '../onnx/data-types.js';
import { Emitter } from './graph/emitter.js';
import { GraphIndex, pruneDeadNodes, topoSort } from './graph/graph-index.js';
import { makeNode } from './graph/nodes.js';
import { floatValues, makeTensor, tensorDims } from './graph/tensors.js';
import { inferElemTypes } from './graph/type-infer.js';
import { toFloat16Array } from './float16.js';
import type { NodeDecision } from './report-types.js';
import { nodeLabel } from './static-plan.js';

/** Ops onnxruntime lacks float16 kernels for, or that lose too much in float16 (as in onnxconverter-common). */
export const DEFAULT_FP16_BLOCK_LIST = [
  'ArrayFeatureExtractor', 'Binarizer', 'CastMap', 'CategoryMapper', 'DictVectorizer', 'FeatureVectorizer', 'Imputer',
  'LabelEncoder', 'LinearClassifier', 'LinearRegressor', 'Normalizer', 'OneHotEncoder', 'RandomUniformLike', 'SVMClassifier',
  'SVMRegressor', 'Scaler', 'TreeEnsembleClassifier', 'TreeEnsembleRegressor', 'ZipMap', 'NonMaxSuppression', 'TopK',
  'RoiAlign', 'Resize', 'Range', 'CumSum', 'Min', 'Max', 'Upsample',
];

export interface Fp16Options {
  keepIoTypes: boolean;
  /** Op types (or node names) that stay float32; defaults to DEFAULT_FP16_BLOCK_LIST. */
  blockList?: readonly string[];
}

function toHalf(t: onnx.ITensorProto): onnx.ITensorProto {
  const values = floatValues(t);
  if (!values || t.data_type !== DataType.FLOAT) return t;
  return makeTensor(t.name ?? '', DataType.FLOAT16, tensorDims(t), toFloat16Array(values));
}

export function convertToFp16(model: onnx.IModelProto, opts: Fp16Options): NodeDecision[] {
  const graph = model.graph!;
  topoSort(graph);
  const types = inferElemTypes(graph);
  const index = new GraphIndex(graph);
  const block = new Set(opts.blockList ?? DEFAULT_FP16_BLOCK_LIST);
  const em = new Emitter(graph);
  const isFloat = (name: string): boolean => !!name && types.get(name) === DataType.FLOAT;
  const decisions: NodeDecision[] = [];
  const added: onnx.INodeProto[] = [];

  graph.initializer = (graph.initializer ?? []).map(toHalf);
  const nodes = graph.node ?? [];
  nodes.forEach((n, i) => {
    const op = n.op_type ?? '';
    const blocked = block.has(op) || block.has(n.name ?? '') || !!n.domain;
    if (blocked) {
      decisions.push({ name: nodeLabel(n, i), opType: op, status: 'float', reason: n.domain ? 'op outside the ONNX domain' : 'on the float16 block list' });
      n.input = (n.input ?? []).map((t) => {
        if (!isFloat(t)) return t;
        const f = em.unique(`${t}_fp32`);
        added.push(makeNode('Cast', [t], [f], em.unique(`${t}_CastFp32`), { to: DataType.FLOAT }));
        return f;
      });
      n.output = (n.output ?? []).map((t) => {
        if (!isFloat(t)) return t;
        const f = em.unique(`${t}_fp32`);
        added.push(makeNode('Cast', [f], [t], em.unique(`${t}_CastFp16`), { to: DataType.FLOAT16 }));
        return f;
      });
      return;
    }
    if (op !== 'Constant' && op !== 'Identity') decisions.push({ name: nodeLabel(n, i), opType: op, status: 'quantized', reason: null });
    for (const a of n.attribute ?? []) {
      if (a.t && (op === 'Constant' || op === 'ConstantOfShape')) a.t = toHalf(a.t);
    }
    if (op === 'Cast' && attrInt(n, 'to', 0) === DataType.FLOAT) attribute(n, 'to')!.i = DataType.FLOAT16;
  });

  for (const v of graph.value_info ?? []) {
    const tt = v.type?.tensor_type;
    if (tt?.elem_type === DataType.FLOAT) tt.elem_type = DataType.FLOAT16;
  }
  for (const v of graph.input ?? []) {
    const tt = v.type?.tensor_type;
    const name = v.name ?? '';
    if (tt?.elem_type !== DataType.FLOAT || index.initializers.has(name)) continue;
    if (!opts.keepIoTypes) {
      tt.elem_type = DataType.FLOAT16;
      continue;
    }
    const half = em.unique(`${name}_fp16`);
    for (const n of index.consumersOf(name)) n.input = (n.input ?? []).map((t) => (t === name ? half : t));
    added.push(makeNode('Cast', [name], [half], em.unique(`${name}_CastFp16`), { to: DataType.FLOAT16 }));
  }
  for (const v of graph.output ?? []) {
    const tt = v.type?.tensor_type;
    const name = v.name ?? '';
    if (tt?.elem_type !== DataType.FLOAT) continue;
    if (!opts.keepIoTypes) {
      tt.elem_type = DataType.FLOAT16;
      continue;
    }
    const half = em.unique(`${name}_fp16`);
    for (const n of [...nodes, ...added]) {
      n.output = (n.output ?? []).map((t) => (t === name ? half : t));
      n.input = (n.input ?? []).map((t) => (t === name ? half : t));
    }
    added.push(makeNode('Cast', [half], [name], em.unique(`${name}_CastFp32`), { to: DataType.FLOAT }));
  }
  graph.node = [...nodes, ...added];
  topoSort(graph);
  pruneDeadNodes(graph);
  return decisions;
}
