// Element types of every tensor in a graph, propagated from inputs, initializers and Constants by
// simple per-op rules. Enough to tell float activations from integer shape arithmetic.
import type { onnx } from '../../onnx/generated/onnx.js';
import { attribute, attrInt } from '../../onnx/attributes.js';
import { DataType } from '../../onnx/data-types.js';

const INT64_OUT = new Set(['Shape', 'Size', 'NonZero', 'ArgMax', 'ArgMin', 'NonMaxSuppression']);
const BOOL_OUT = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'Not', 'And', 'Or', 'Xor', 'IsNaN', 'IsInf']);

export function inferElemTypes(graph: onnx.IGraphProto): Map<string, number> {
  const types = new Map<string, number>();
  const set = (name: string | null | undefined, t: number | null | undefined): void => {
    if (name && t) types.set(name, t);
  };
  for (const v of [...(graph.input ?? []), ...(graph.value_info ?? []), ...(graph.output ?? [])]) set(v.name, v.type?.tensor_type?.elem_type);
  for (const t of graph.initializer ?? []) set(t.name, t.data_type);
  for (const n of graph.node ?? []) {
    const outs = n.output ?? [];
    const ins = n.input ?? [];
    const first = ins.map((i) => types.get(i)).find((t) => t !== undefined);
    const op = n.op_type ?? '';
    let out: (number | undefined)[];
    if (op === 'Constant') out = [attribute(n, 'value')?.t?.data_type ?? undefined];
    else if (op === 'Cast') out = [attrInt(n, 'to', 0)];
    else if (INT64_OUT.has(op)) out = [DataType.INT64];
    else if (BOOL_OUT.has(op)) out = [DataType.BOOL];
    else if (op === 'ConstantOfShape') out = [attribute(n, 'value')?.t?.data_type ?? DataType.FLOAT];
    else if (op === 'Where') out = [types.get(ins[1] ?? '')];
    else if (op === 'TopK') out = [first, DataType.INT64];
    else if (op === 'QuantizeLinear') out = [types.get(ins[2] ?? '') ?? DataType.UINT8];
    else if (op === 'DequantizeLinear') out = [DataType.FLOAT];
    else if (op === 'DynamicQuantizeLinear') out = [DataType.UINT8, DataType.FLOAT, DataType.UINT8];
    else if (op === 'MatMulInteger' || op === 'ConvInteger') out = [DataType.INT32];
    else if (op === 'MaxPool') out = [first, DataType.INT64];
    else out = outs.map(() => first);
    outs.forEach((o, i) => {
      if (!types.has(o)) set(o, out[i] ?? (i === 0 ? first : undefined));
    });
  }
  return types;
}

export const isFloat = (types: Map<string, number>, name: string): boolean => types.get(name) === DataType.FLOAT;
