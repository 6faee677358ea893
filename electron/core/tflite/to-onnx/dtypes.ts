// TFLite tensor types as ONNX data types, and their element sizes.
import { DataType } from '../../onnx/data-types.js';
import type { TfliteDType } from '../ir.js';

const onnxTypes: Partial<Record<TfliteDType, number>> = {
  float32: DataType.FLOAT,
  float16: DataType.FLOAT16,
  float64: DataType.DOUBLE,
  int8: DataType.INT8,
  uint8: DataType.UINT8,
  int16: DataType.INT16,
  uint16: DataType.UINT16,
  int32: DataType.INT32,
  uint32: DataType.UINT32,
  int64: DataType.INT64,
  uint64: DataType.UINT64,
  bool: DataType.BOOL,
};

const sizes: Partial<Record<TfliteDType, number>> = {
  float32: 4, float16: 2, float64: 8, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, uint64: 8, bool: 1,
};

/** The ONNX data type of a TFLite type, or null for types ONNX graphs here cannot carry (string, resource, int4 at run time, ...). */
export function onnxType(dtype: TfliteDType): number | null {
  return onnxTypes[dtype] ?? null;
}

export function elementSize(dtype: TfliteDType): number | null {
  return sizes[dtype] ?? null;
}

/** Integer types whose run-time tensors TFLite quantizes (scale, zero point). */
export function isQuantizableInt(dtype: TfliteDType): dtype is 'int8' | 'uint8' | 'int16' {
  return dtype === 'int8' || dtype === 'uint8' || dtype === 'int16';
}
