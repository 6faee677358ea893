// A copy of the model that also returns chosen intermediate tensors, so one run yields them all.
import type { onnx } from '../../onnx/generated/onnx.js';
import { DataType } from '../../onnx/data-types.js';

export function augmentModel(model: onnx.IModelProto, tensors: readonly string[]): onnx.IModelProto {
  const graph = model.graph!;
  const existing = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  const extra: onnx.IValueInfoProto[] = tensors
    .filter((t) => !existing.has(t))
    .map((name) => ({ name, type: { tensor_type: { elem_type: DataType.FLOAT } } }));
  return { ...model, graph: { ...graph, output: [...(graph.output ?? []), ...extra] } };
}
