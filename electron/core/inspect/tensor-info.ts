// ValueInfoProto -> TensorInfo (type name and shape with symbolic dims kept).
import type { Dim, TensorInfo } from '../api/types.js';
import type { onnx } from '../onnx/generated/onnx.js';
import { dataTypeName } from '../onnx/data-types.js';
import { toNumber } from '../onnx/int64.js';

const has = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);

export function dimOf(d: onnx.TensorShapeProto.IDimension): Dim {
  if (has(d, 'dim_param') && d.dim_param) return d.dim_param;
  if (has(d, 'dim_value') && d.dim_value !== null && d.dim_value !== undefined) {
    const v = toNumber(d.dim_value);
    return v >= 0 ? v : null;
  }
  return null;
}

/** Shape of a tensor-typed value; null when the rank is unknown or it is not a tensor. */
export function valueInfoShape(vi: onnx.IValueInfoProto): Dim[] | null {
  const tt = vi.type?.tensor_type ?? vi.type?.sparse_tensor_type;
  if (!tt?.shape) return null;
  return (tt.shape.dim ?? []).map(dimOf);
}

function typeName(t: onnx.ITypeProto | null | undefined): string {
  if (!t) return 'UNDEFINED';
  if (t.tensor_type) return dataTypeName(t.tensor_type.elem_type);
  if (t.sparse_tensor_type) return `SPARSE_${dataTypeName(t.sparse_tensor_type.elem_type)}`;
  if (t.sequence_type) return `SEQUENCE<${typeName(t.sequence_type.elem_type)}>`;
  if (t.optional_type) return `OPTIONAL<${typeName(t.optional_type.elem_type)}>`;
  if (t.map_type) return `MAP<${dataTypeName(t.map_type.key_type)},${typeName(t.map_type.value_type)}>`;
  return 'UNDEFINED';
}

export function tensorInfo(vi: onnx.IValueInfoProto): TensorInfo {
  return { name: vi.name ?? '', elemType: typeName(vi.type), shape: valueInfoShape(vi) };
}
