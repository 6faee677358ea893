// Reading TFLite constant data as numbers and rearranging it (weight layouts differ between TFLite and ONNX).
import { fromFloat16Array } from '../../quantize/float16.js';
import type { TfliteTensor } from '../ir.js';
import { elementSize } from './dtypes.js';

/** The constant's values as JS numbers (int64 through Number: shapes and axes only). */
export function constNumbers(t: TfliteTensor): number[] | null {
  if (!t.data) return null;
  const d = t.data;
  const view = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const size = elementSize(t.dtype);
  if (!size) return null;
  const n = Math.floor(d.byteLength / size);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const o = i * size;
    switch (t.dtype) {
      case 'float32': out[i] = view.getFloat32(o, true); break;
      case 'float64': out[i] = view.getFloat64(o, true); break;
      case 'int8': out[i] = view.getInt8(o); break;
      case 'uint8': case 'bool': out[i] = view.getUint8(o); break;
      case 'int16': out[i] = view.getInt16(o, true); break;
      case 'uint16': out[i] = view.getUint16(o, true); break;
      case 'int32': out[i] = view.getInt32(o, true); break;
      case 'uint32': out[i] = view.getUint32(o, true); break;
      case 'int64': out[i] = Number(view.getBigInt64(o, true)); break;
      case 'uint64': out[i] = Number(view.getBigUint64(o, true)); break;
      case 'float16': out[i] = fromFloat16Array([view.getUint16(o, true)])[0]; break;
      default: return null;
    }
  }
  return out;
}

/** Row-major transpose of raw element bytes: out[perm-index] = in[index], as numpy.transpose(x, perm). */
export function permuteBytes(data: Uint8Array, shape: readonly number[], perm: readonly number[], elementBytes: number): Uint8Array {
  const rank = shape.length;
  if (perm.length !== rank) throw new Error(`perm ${perm.join(',')} does not fit shape ${shape.join('x')}`);
  const outShape = perm.map((p) => shape[p]);
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= shape[i];
  }
  const total = s;
  const out = new Uint8Array(total * elementBytes);
  const stridesForOut = perm.map((p) => inStrides[p]);
  const index = new Array<number>(rank).fill(0);
  let src = 0;
  for (let dst = 0; dst < total; dst++) {
    const from = src * elementBytes;
    out.set(data.subarray(from, from + elementBytes), dst * elementBytes);
    for (let k = rank - 1; k >= 0; k--) {
      index[k]++;
      src += stridesForOut[k];
      if (index[k] < outShape[k]) break;
      src -= stridesForOut[k] * outShape[k];
      index[k] = 0;
    }
  }
  return out;
}

export function permuteShape(shape: readonly number[], perm: readonly number[]): number[] {
  return perm.map((p) => shape[p]);
}

/** Float32 values of a float16 constant, as bytes. */
export function float16BytesToFloat32(data: Uint8Array): Uint8Array {
  const bits = new Uint16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  const f = fromFloat16Array(bits);
  return new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
}
