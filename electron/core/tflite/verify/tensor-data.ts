// The tensors both runtimes exchange: dtype, shape and values, and seeded inputs made from specs.
import { seededRandom } from '../../util/seeded-random.js';

export type VerifyDType = 'float32' | 'float64' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'bool';

export type Values = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array;

export interface NamedTensor {
  name: string;
  dtype: VerifyDType;
  shape: number[];
  data: Values;
}

/** For messages between processes: the bytes as base64. */
export interface WireTensor {
  name: string;
  dtype: VerifyDType;
  shape: number[];
  base64: string;
}

const ctor: Record<VerifyDType, { new (buffer: ArrayBuffer): Values; BYTES_PER_ELEMENT: number }> = {
  float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array,
  int32: Int32Array, uint32: Uint32Array, int64: BigInt64Array, bool: Uint8Array,
};

export function toWire(t: NamedTensor): WireTensor {
  return { name: t.name, dtype: t.dtype, shape: t.shape, base64: Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64') };
}

export function fromWire(w: WireTensor): NamedTensor {
  const bytes = Buffer.from(w.base64, 'base64');
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return { name: w.name, dtype: w.dtype, shape: w.shape, data: new ctor[w.dtype](copy.buffer) };
}

export function allocate(dtype: VerifyDType, count: number): Values {
  return new ctor[dtype](new ArrayBuffer(count * ctor[dtype].BYTES_PER_ELEMENT));
}

/**
 * Deterministic inputs: floats uniform in [-1, 1] (normalised-image range), int8/uint8/int16 over their
 * whole range (quantized data), int32/int64 small non-negative values (index- and shape-like inputs),
 * bool 0/1. A dynamic dimension is 1.
 */
export function seededInputs(specs: { name: string; dtype: VerifyDType; shape: number[] }[], seed: number): NamedTensor[] {
  const random = seededRandom(seed);
  return specs.map((s) => {
    const shape = s.shape.map((d) => (d < 0 ? 1 : d));
    const count = shape.reduce((a, b) => a * b, 1);
    const data = allocate(s.dtype, count);
    for (let i = 0; i < count; i++) {
      const r = random();
      switch (s.dtype) {
        case 'float32': case 'float64': (data as Float32Array)[i] = r * 2 - 1; break;
        case 'int8': (data as Int8Array)[i] = Math.floor(r * 256) - 128; break;
        case 'uint8': (data as Uint8Array)[i] = Math.floor(r * 256); break;
        case 'int16': (data as Int16Array)[i] = Math.floor(r * 65536) - 32768; break;
        case 'uint16': (data as Uint16Array)[i] = Math.floor(r * 65536); break;
        case 'bool': (data as Uint8Array)[i] = r < 0.5 ? 0 : 1; break;
        case 'int64': (data as BigInt64Array)[i] = BigInt(Math.floor(r * 4)); break;
        default: (data as Int32Array)[i] = Math.floor(r * 4);
      }
    }
    return { name: s.name, dtype: s.dtype, shape, data };
  });
}
