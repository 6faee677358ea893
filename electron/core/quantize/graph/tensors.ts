// Building TensorProtos from typed arrays and reading float values back out of them.
import type { onnx } from '../../onnx/generated/onnx.js';
import { DataType } from '../../onnx/data-types.js';
import { tensorDims, tensorRawBytes } from '../../onnx/tensor-data.js';
import { fromFloat16Array } from '../float16.js';

export type TensorData = Float32Array | Int8Array | Uint8Array | Int32Array | Uint16Array | BigInt64Array;

function bytesOf(data: TensorData): Uint8Array {
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

export function makeTensor(name: string, dataType: number, dims: readonly number[], data: TensorData): onnx.ITensorProto {
  return { name, data_type: dataType, dims: [...dims], raw_data: bytesOf(data) };
}

export const floatTensor = (name: string, dims: readonly number[], values: ArrayLike<number>): onnx.ITensorProto =>
  makeTensor(name, DataType.FLOAT, dims, Float32Array.from(values));

/** A scalar (dims []) or 1-D tensor of a quantized integer type. */
export function zeroPointTensor(name: string, type: 'uint8' | 'int8' | 'int32', values: readonly number[], scalar: boolean): onnx.ITensorProto {
  const dims = scalar ? [] : [values.length];
  if (type === 'uint8') return makeTensor(name, DataType.UINT8, dims, Uint8Array.from(values));
  if (type === 'int8') return makeTensor(name, DataType.INT8, dims, Int8Array.from(values));
  return makeTensor(name, DataType.INT32, dims, Int32Array.from(values));
}

/** Float values of a FLOAT, FLOAT16 or DOUBLE tensor held in the model (not external), else null. */
export function floatValues(t: onnx.ITensorProto): Float32Array | null {
  const bytes = tensorRawBytes(t);
  if (!bytes) return null;
  // raw_data may be a Buffer view into a shared pool: copy into a fresh, aligned buffer.
  const copy = new Uint8Array(bytes).buffer;
  if (t.data_type === DataType.FLOAT) return new Float32Array(copy);
  if (t.data_type === DataType.DOUBLE) return Float32Array.from(new Float64Array(copy));
  if (t.data_type === DataType.FLOAT16) return fromFloat16Array(new Uint16Array(copy));
  return null;
}

export { tensorDims };
